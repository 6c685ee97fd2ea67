//! Reading an upload form and sending a stored document back as a download.

use crate::auth::current_user::CurrentUser;
use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::subsidy::assess::standing::{standing, Standing};
use crate::subsidy::common::files::{clean_name, stored_name, Sent, Stored};
use crate::subsidy::common::nav_page::{own_provider, Ids};
use crate::subsidy::common::store;
use axum::extract::Multipart;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

/// The most other fields an upload's form may carry along.
const MAX_FORM_FIELDS: usize = 200;

/// Reads an upload form (`soort`, `bestand`), refusing what cannot be read or is too large.
pub async fn read_upload(
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(String, Option<Sent>), &'static str> {
    let (kind, file, _) = read_upload_with_form(multipart).await?;
    Ok((kind, file))
}

/// An upload sent from inside a larger form: `soort`, `bestand`, and the form's other text
/// fields as sent (so what was typed beside it can be kept).
pub type UploadWithForm = (String, Option<Sent>, Vec<(String, String)>);

/// Reads an upload sent with its form's other fields (see [`UploadWithForm`]).
pub async fn read_upload_with_form(
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<UploadWithForm, &'static str> {
    let mut others = Vec::new();
    let Ok(mut multipart) = multipart else {
        return Err(
            "Kies een bestand om toe te voegen, en verstuur het met het formulier op deze pagina.",
        );
    };
    let too_large = "Het bestand is te groot: het mag hoogstens 10 MB zijn.";
    let mut kind = String::new();
    let mut file: Option<Sent> = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("soort") => kind = field.text().await.unwrap_or_default(),
                Some("bestand") => {
                    let name = clean_name(field.file_name().unwrap_or(""));
                    match field.bytes().await {
                        Ok(bytes) => file = Some((name, bytes)),
                        Err(err) if err.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                            return Err(too_large);
                        }
                        Err(_) => {
                            return Err(
                                "Het bestand kon niet worden ontvangen. Probeer het opnieuw.",
                            )
                        }
                    }
                }
                Some(name) if others.len() < MAX_FORM_FIELDS => {
                    let name = name.to_string();
                    match field.text().await {
                        Ok(text) => others.push((name, text)),
                        Err(_) => {
                            return Err(
                                "Het formulier kon niet worden gelezen. Probeer het opnieuw.",
                            )
                        }
                    }
                }
                _ => {}
            },
            Ok(None) => return Ok((kind, file, others)),
            Err(err) if err.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large),
            Err(_) => return Err("Het formulier kon niet worden gelezen. Probeer het opnieuw."),
        }
    }
}

/// Sends document `document_id` of `application_id` as a download (not found when it is not
/// that application's).
pub async fn send_stored(
    tx: &mut TenantTx,
    stored: Stored,
    application_id: Uuid,
    document_id: Uuid,
) -> AppResult<Response> {
    let tenant_id = tx.tenant_id();
    let table = match stored {
        Stored::Application => "subsidy_documents",
        Stored::Report => "subsidy_report_documents",
    };
    let row: Option<(String, String, Vec<u8>)> = sqlx::query_as(&format!(
        "select file_name, media_type, content from {table} \
         where tenant_id = $1 and application_id = $2 and document_id = $3"
    ))
    .bind(tenant_id)
    .bind(application_id)
    .bind(document_id)
    .fetch_optional(&mut **tx)
    .await?;
    let (name, media_type, content) = row.ok_or(AppError::NotFound)?;
    // Also for names stored before they were cleaned on upload: the extension is the content's.
    let name = stored_name(&name, &media_type);
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        encoded.replace('+', "%20")
    );
    let mut response = content.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(media_type_static(&media_type)),
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

fn media_type_static(media_type: &str) -> &'static str {
    [
        "application/pdf",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ]
    .into_iter()
    .find(|m| *m == media_type)
    .unwrap_or("application/octet-stream")
}

/// Who asks for a document of an application, and so what they may see.
#[derive(Clone, Copy)]
pub(in crate::subsidy) enum Reader {
    /// The applicant: only its own organisation's applications.
    Applicant,
    /// An official: any application, or (`submitted_only`) once it is no longer a draft.
    Official { submitted_only: bool },
    /// An assessor without a conflict of interest for the application.
    Assessor,
}

/// Sends document `{document}` of application `{id}` from `stored` when `reader` may see it;
/// otherwise not found (or forbidden, for a conflicted assessor).
pub(in crate::subsidy) async fn download(
    state: &AppState,
    user: &CurrentUser,
    ids: &Ids,
    stored: Stored,
    reader: Reader,
) -> AppResult<Response> {
    let provider = match reader {
        Reader::Applicant => Some(own_provider(user)?),
        _ => None,
    };
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let application = store::application(&mut tx, ids.get("id"))
        .await?
        .ok_or(AppError::NotFound)?;
    match reader {
        Reader::Applicant if Some(application.provider_id) != provider => {
            return Err(AppError::NotFound)
        }
        Reader::Official {
            submitted_only: true,
        } if application.status == "concept" => return Err(AppError::NotFound),
        Reader::Assessor if standing(&mut tx, user, &application).await? != Standing::Free => {
            return Err(AppError::Forbidden)
        }
        _ => {}
    }
    let response = send_stored(
        &mut tx,
        stored,
        application.application_id,
        ids.get("document"),
    )
    .await;
    tx.commit().await?;
    response
}
