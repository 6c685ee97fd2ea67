//! Documents attached to a verantwoording: the activity report, the financial report with the
//! realised budget, anything else. Which ones are required follows the amount band of the
//! grant ([`Duty`]); the verantwoording cannot be filed without them. They are added and
//! replaced until the verantwoording is filed, then kept with it; the official reads them
//! beside the report when settling. Files are checked as an application's documents are
//! ([`crate::subsidy::apply::documents_page`]).

use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, Actor, Event};
use crate::auth::current_user::CurrentUser;
use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::subsidy::after::after_grant::after_grant;
use crate::subsidy::after::report_documents::KINDS;
use crate::subsidy::after::settlement::Duty;
use crate::subsidy::common::files::{checked, room_for, Stored};
use crate::subsidy::common::files_page::{read_upload, Reader};
use crate::subsidy::common::nav_page::Ids;
use crate::subsidy::common::nav_page::{own_provider, portal_base};
use crate::subsidy::common::store::{self, Application};
use crate::web::ClientAddr;

fn refuse(message: &str) -> Response {
    AppError::BadRequest(message.to_string()).into_response()
}

/// The aanbieder's own application whose verantwoording may still change: granted, with a
/// verantwoording due, not yet filed or settled. Otherwise the reason, in words.
async fn open_report(
    tx: &mut TenantTx,
    user: &CurrentUser,
    id: Uuid,
) -> AppResult<Result<Application, &'static str>> {
    let provider = own_provider(user)?;
    let application = match store::application(tx, id).await? {
        Some(a) if a.provider_id == provider => a,
        _ => return Err(AppError::NotFound),
    };
    let round = store::round_by_id(tx, application.round_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(match after_grant(tx, &application, &round).await? {
        None => Err("Documenten bij een verantwoording horen bij een verleende subsidie."),
        Some(a) if a.duty == Duty::Direct => {
            Err("Voor deze subsidie is geen verantwoording nodig.")
        }
        Some(a) if a.report.is_some() || a.settlement.is_some() => Err(
            "De verantwoording is ingediend; de documenten die erbij horen blijven zoals ze zijn.",
        ),
        Some(_) => Ok(application),
    })
}

/// POST /{tenant}/aanvragen/{id}/verantwoording/documenten (multipart: `soort`, `bestand`):
/// a new document of a kind replaces the earlier one, except for "ander document".
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> AppResult<Response> {
    let id = ids.get("id");
    // Whose application it is comes first: another's is not found, whatever was sent.
    let mut check = state.db.tenant_tx(user.tenant_id).await?;
    let open = open_report(&mut check, &user, id).await?;
    check.commit().await?;
    if let Err(reason) = open {
        return Ok(refuse(reason));
    }
    let (kind, file) = match read_upload(multipart).await {
        Ok(upload) => upload,
        Err(refused) => return Ok(refuse(refused)),
    };
    if !KINDS.iter().any(|(c, _)| *c == kind) {
        return Ok(refuse("Kies welk document u toevoegt."));
    }
    let (name, bytes, media_type) = match checked(file) {
        Ok(file) => file,
        Err(refused) => return Ok(refuse(refused)),
    };
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    if let Err(reason) = open_report(&mut tx, &user, id).await? {
        return Ok(refuse(reason));
    }
    // A report of a kind replaces the earlier one; "ander document" adds. Under the
    // application's lock, so that uploads at once neither add a kind twice nor pass the limit.
    let replaces = kind != "overig";
    let max = state.settings.max_documents;
    if let Err(refused) = room_for(&mut tx, Stored::Report, id, 0, &kind, replaces, max).await? {
        return Ok(refuse(&refused));
    }
    let tenant_id = tx.tenant_id();
    if replaces {
        sqlx::query(
            "delete from subsidy_report_documents where tenant_id = $1 and application_id = $2 and kind = $3",
        )
        .bind(tenant_id)
        .bind(id)
        .bind(&kind)
        .execute(&mut *tx)
        .await?;
    }
    let document_id: Uuid = sqlx::query_scalar(
        "insert into subsidy_report_documents (tenant_id, application_id, kind, file_name, media_type, size_bytes, \
         content, uploaded_by) values ($1, $2, $3, $4, $5, $6, $7, $8) returning document_id",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(&kind)
    .bind(&name)
    .bind(media_type)
    .bind(bytes.len() as i32)
    .bind(bytes.as_ref())
    .bind(user.user_id)
    .fetch_one(&mut *tx)
    .await?;
    let event = Event::new(
        "document bij verantwoording toegevoegd",
        "subsidieaanvraag",
        id,
    )
    .after(json!({"document": document_id, "soort": kind, "bestand": name, "bytes": bytes.len()}));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/{id}?melding=document#verantwoording-documenten",
        portal_base(&user)
    ))
    .into_response())
}

/// POST /{tenant}/aanvragen/{id}/verantwoording/documenten/{document}/verwijderen
pub async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
) -> AppResult<Response> {
    let (id, document) = (ids.get("id"), ids.get("document"));
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    if let Err(reason) = open_report(&mut tx, &user, id).await? {
        return Ok(refuse(reason));
    }
    let tenant_id = tx.tenant_id();
    let removed: Option<String> = sqlx::query_scalar(
        "delete from subsidy_report_documents where tenant_id = $1 and application_id = $2 and document_id = $3 \
         returning file_name",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(document)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(name) = removed else {
        return Err(AppError::NotFound);
    };
    let event = Event::new(
        "document bij verantwoording verwijderd",
        "subsidieaanvraag",
        id,
    )
    .before(json!({"document": document, "bestand": name}));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/{id}?melding=verwijderd#verantwoording-documenten",
        portal_base(&user)
    ))
    .into_response())
}

/// GET /{tenant}/aanvragen/{id}/verantwoording/documenten/{document}: the applicant's own.
pub async fn for_applicant(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
) -> AppResult<Response> {
    crate::subsidy::common::files_page::download(
        &state,
        &user,
        &ids,
        Stored::Report,
        Reader::Applicant,
    )
    .await
}

/// GET /{tenant}/regelingen/aanvragen/{id}/verantwoording/documenten/{document}: officials.
pub async fn for_official(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
) -> AppResult<Response> {
    let reader = Reader::Official {
        submitted_only: false,
    };
    crate::subsidy::common::files_page::download(&state, &user, &ids, Stored::Report, reader).await
}
