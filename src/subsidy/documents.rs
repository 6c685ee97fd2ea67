//! Documents attached to an application (begroting, jaarverslag, …): PDF, ODT, DOCX or XLSX,
//! recognised by their content (never by name or the browser's claim), at most
//! [`MAX_BYTES`], stored in PostgreSQL under the tenant's row-level security, so backup,
//! isolation and retention follow the application.

use axum::extract::{Multipart, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use uuid::Uuid;

use super::portal::{base, own_provider};
use super::store;
use super::Ids;
use crate::audit::{self, Actor, Event};
use crate::auth::session::CurrentUser;
use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::ClientAddr;

/// Largest document accepted.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// The kinds of file accepted: what the content must show, and the media type stored.
pub fn detect(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        return Some("application/pdf");
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return None;
    }
    // An OpenDocument file stores its media type uncompressed as the first zip entry.
    let head = &bytes[..bytes.len().min(200)];
    if contains(head, b"mimetypeapplication/vnd.oasis.opendocument.text") {
        return Some("application/vnd.oasis.opendocument.text");
    }
    // Office Open XML: entry names are stored uncompressed in the zip headers.
    if contains(bytes, b"word/document.xml") {
        return Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    }
    if contains(bytes, b"xl/workbook.xml") {
        return Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    }
    None
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A file name safe to store and to send back: the last path part, no control characters.
pub fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(150)
        .collect();
    let cleaned = cleaned.trim().to_string();
    if cleaned.is_empty() {
        "document".into()
    } else {
        cleaned
    }
}

fn refuse(message: &str) -> Response {
    AppError::BadRequest(message.to_string()).into_response()
}

/// A file as sent: its cleaned name and its bytes.
pub type Sent = (String, axum::body::Bytes);

/// Reads an upload form (`soort`, `bestand`), refusing what cannot be read or is too large.
pub async fn read_upload(
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(String, Option<Sent>), &'static str> {
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
                _ => {}
            },
            Ok(None) => return Ok((kind, file)),
            Err(err) if err.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large),
            Err(_) => return Err("Het formulier kon niet worden gelezen. Probeer het opnieuw."),
        }
    }
}

/// The file of an upload when it is one we accept: name, bytes and the media type its content
/// shows.
pub fn checked(
    file: Option<Sent>,
) -> Result<(String, axum::body::Bytes, &'static str), &'static str> {
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Err("Kies een bestand om toe te voegen.");
    };
    if bytes.len() > MAX_BYTES {
        return Err("Het bestand is te groot: het mag hoogstens 10 MB zijn.");
    }
    let Some(media_type) = detect(&bytes) else {
        return Err("Dit bestand is geen PDF, ODT, DOCX of XLSX. Sla het in een van die vormen op en voeg het opnieuw toe.");
    };
    Ok((name, bytes, media_type))
}

/// POST /{tenant}/aanvragen/{id}/documenten (multipart: `soort`, `bestand`)
pub async fn document_upload(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> AppResult<Response> {
    let id = ids.get("id");
    let provider = own_provider(&user)?;
    // Whose application it is comes first: another's is not found, whatever was sent.
    let mut check = state.db.tenant_tx(user.tenant_id).await?;
    let own = store::application(&mut check, id)
        .await?
        .is_some_and(|a| a.provider_id == provider);
    check.commit().await?;
    if !own {
        return Err(AppError::NotFound);
    }
    let (kind, file) = match read_upload(multipart).await {
        Ok(upload) => upload,
        Err(refused) => return Ok(refuse(refused)),
    };
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let application = match store::application(&mut tx, id).await? {
        Some(a) if a.provider_id == provider => a,
        _ => return Err(AppError::NotFound),
    };
    let round = store::round_by_id(&mut tx, application.round_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let open = super::application_form::edit_deadline(&application, &round)
        .is_some_and(|d| time::OffsetDateTime::now_utc() <= d);
    if !open {
        return Ok(refuse("Bij deze aanvraag kunnen geen documenten meer worden toegevoegd: ze is ingediend of de termijn is verstreken."));
    }
    if !round.documents.contains(&kind) {
        return Ok(refuse("Kies welk document u toevoegt."));
    }
    let (name, bytes, media_type) = match checked(file) {
        Ok(file) => file,
        Err(refused) => return Ok(refuse(refused)),
    };
    let tenant_id = tx.tenant_id();
    // One document per kind: a new upload replaces the earlier one of this version.
    sqlx::query("delete from subsidy_documents where tenant_id = $1 and application_id = $2 and version = $3 and kind = $4")
        .bind(tenant_id)
        .bind(id)
        .bind(application.current_version)
        .bind(&kind)
        .execute(&mut *tx)
        .await?;
    let document_id: Uuid = sqlx::query_scalar(
        "insert into subsidy_documents (tenant_id, application_id, version, kind, file_name, media_type, size_bytes, content) \
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning document_id",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(application.current_version)
    .bind(&kind)
    .bind(&name)
    .bind(media_type)
    .bind(bytes.len() as i32)
    .bind(bytes.as_ref())
    .fetch_one(&mut *tx)
    .await?;
    let event = Event::new("document toegevoegd", "subsidieaanvraag", id).after(json!({
        "document": document_id, "soort": kind, "bestand": name, "bytes": bytes.len(), "versie": application.current_version,
    }));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}/{id}?melding=document#documenten", base(&user))).into_response())
}

/// POST /{tenant}/aanvragen/{id}/documenten/{document}/verwijderen
pub async fn document_delete(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
) -> AppResult<Response> {
    let (id, document) = (ids.get("id"), ids.get("document"));
    let provider = own_provider(&user)?;
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let application = match store::application(&mut tx, id).await? {
        Some(a) if a.provider_id == provider => a,
        _ => return Err(AppError::NotFound),
    };
    let round = store::round_by_id(&mut tx, application.round_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let open = super::application_form::edit_deadline(&application, &round)
        .is_some_and(|d| time::OffsetDateTime::now_utc() <= d);
    if !open {
        return Ok(refuse(
            "Documenten van een ingediende aanvraag blijven bewaard.",
        ));
    }
    let tenant_id = tx.tenant_id();
    let removed: Option<String> = sqlx::query_scalar(
        "delete from subsidy_documents where tenant_id = $1 and application_id = $2 and version = $3 and document_id = $4 \
         returning file_name",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(application.current_version)
    .bind(document)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(name) = removed else {
        return Err(AppError::NotFound);
    };
    let event = Event::new("document verwijderd", "subsidieaanvraag", id)
        .before(json!({"document": document, "bestand": name}));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/{id}?melding=verwijderd#documenten",
        base(&user)
    ))
    .into_response())
}

/// Where a kind of document is kept.
#[derive(Clone, Copy)]
pub enum Stored {
    /// Documents of an application (`subsidy_documents`).
    Application,
    /// Documents of a verantwoording (`subsidy_report_documents`).
    Report,
}

async fn send(tx: &mut TenantTx, application_id: Uuid, document_id: Uuid) -> AppResult<Response> {
    send_stored(tx, Stored::Application, application_id, document_id).await
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

/// GET /{tenant}/aanvragen/{id}/documenten/{document}: the applicant's own.
pub async fn document_for_applicant(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
) -> AppResult<Response> {
    let provider = own_provider(&user)?;
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    match store::application(&mut tx, ids.get("id")).await? {
        Some(a) if a.provider_id == provider => {}
        _ => return Err(AppError::NotFound),
    }
    let response = send(&mut tx, ids.get("id"), ids.get("document")).await;
    tx.commit().await?;
    response
}

/// GET /{tenant}/regelingen/aanvragen/{id}/documenten/{document}: officials, once submitted.
pub async fn document_for_official(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    match store::application(&mut tx, ids.get("id")).await? {
        Some(a) if a.status != "concept" => {}
        _ => return Err(AppError::NotFound),
    }
    let response = send(&mut tx, ids.get("id"), ids.get("document")).await;
    tx.commit().await?;
    response
}

/// GET /{tenant}/beoordelen/{id}/documenten/{document}: assessors without a conflict.
pub async fn document_for_assessor(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let application = store::application(&mut tx, ids.get("id"))
        .await?
        .ok_or(AppError::NotFound)?;
    if super::assessment::standing(&mut tx, &user, &application).await?
        != super::assessment::Standing::Free
    {
        return Err(AppError::Forbidden);
    }
    let response = send(&mut tx, application.application_id, ids.get("document")).await;
    tx.commit().await?;
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_by_content() {
        assert_eq!(detect(b"%PDF-1.7\n..."), Some("application/pdf"));
        let mut odt = b"PK\x03\x04".to_vec();
        odt.extend_from_slice(&[0; 26]);
        odt.extend_from_slice(b"mimetypeapplication/vnd.oasis.opendocument.text");
        assert_eq!(
            detect(&odt),
            Some("application/vnd.oasis.opendocument.text")
        );
        let mut docx = b"PK\x03\x04".to_vec();
        docx.extend_from_slice(b"....[Content_Types].xml....word/document.xml");
        assert!(detect(&docx).unwrap().contains("wordprocessingml"));
        let mut xlsx = b"PK\x03\x04".to_vec();
        xlsx.extend_from_slice(b"....xl/workbook.xml");
        assert!(detect(&xlsx).unwrap().contains("spreadsheetml"));
        assert_eq!(detect(b"PK\x03\x04 just a zip"), None);
        assert_eq!(detect(b"MZ\x90\x00 an exe named begroting.pdf"), None);
        assert_eq!(detect(b"<html>"), None);
    }

    #[test]
    fn file_names_are_cleaned() {
        assert_eq!(
            clean_name("C:\\Users\\x\\begroting 2027.pdf"),
            "begroting 2027.pdf"
        );
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\u{7}\"b.pdf"), "ab.pdf");
        assert_eq!(clean_name(""), "document");
    }
}
