//! Documents attached to an application (begroting, jaarverslag, …): PDF, ODT, DOCX or XLSX,
//! recognised by their content (never by name or the browser's claim), at most
//! [`MAX_BYTES`], stored in PostgreSQL under the tenant's row-level security, so backup,
//! isolation and retention follow the application.

use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, Actor, Event};
use crate::auth::current_user::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::subsidy::apply::completion::{self, Editable};
use crate::subsidy::apply::form::RawApplication;
use crate::subsidy::apply::{draft, form_page};
use crate::subsidy::common::files::{checked, room_for, Stored};
use crate::subsidy::common::files_page::{read_upload_with_form, Reader};
use crate::subsidy::common::nav_page::Ids;
use crate::subsidy::common::nav_page::{own_provider, portal_base};
use crate::subsidy::common::store;
use crate::web::ClientAddr;

fn refuse(message: &str) -> Response {
    AppError::BadRequest(message.to_string()).into_response()
}

const NOT_ASKED: &str =
    "De gemeente heeft niet om aanvulling van dit document gevraagd: het blijft zoals ingediend.";

/// Whether documents of `kind` may change in the current version: always in a draft, in a
/// completion only when it named them.
async fn completion_names(
    tx: &mut crate::db::TenantTx,
    application: &store::Application,
    round: &store::Round,
    kind: &str,
) -> AppResult<bool> {
    if application.status != "aanvulling" {
        return Ok(true);
    }
    let Some(current) = store::versions(tx, application.application_id)
        .await?
        .into_iter()
        .find(|v| v.version == application.current_version)
    else {
        return Ok(false);
    };
    let category = store::round_categories(tx, round.round_id)
        .await?
        .into_iter()
        .find(|c| c.category_id == application.category_id);
    let Some(category) = category else {
        return Ok(false);
    };
    let namable = completion::namable(round, &category);
    Ok(Editable::of(&application.status, &current, &namable).document(kind))
}

/// POST /{tenant}/aanvragen/{id}/documenten (multipart: `soort`, `bestand`, and the rest of the
/// application form when the upload is sent from inside it). What was typed is saved as the
/// draft first; a file that is refused brings the application page back (422) with the
/// message at the file field and the typed input in place.
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
    let (kind, file, fields) = match read_upload_with_form(multipart).await {
        Ok(upload) => upload,
        Err(refused) => return refused_page(&state, &user, id, refused, false).await,
    };
    let saved = fields.iter().any(|(k, _)| k == "bewaard");
    let typed = fields
        .iter()
        .any(|(k, _)| k == "bewaard")
        .then(|| RawApplication::from_pairs(fields));
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let application = match store::application(&mut tx, id).await? {
        Some(a) if a.provider_id == provider => a,
        _ => return Err(AppError::NotFound),
    };
    let round = store::round_by_id(&mut tx, application.round_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let open = crate::subsidy::apply::form::edit_deadline(&application, &round)
        .is_some_and(|d| time::OffsetDateTime::now_utc() <= d);
    if !open {
        return Ok(refuse("Bij deze aanvraag kunnen geen documenten meer worden toegevoegd: ze is ingediend of de termijn is verstreken."));
    }
    let actor = Actor::user(&user, &address);
    if let Some(raw) = typed {
        let category = store::round_categories(&mut tx, round.round_id)
            .await?
            .into_iter()
            .find(|c| c.category_id == application.category_id)
            .ok_or(AppError::NotFound)?;
        let prepared = draft::prepare(&mut tx, &application, &round, &category, raw).await?;
        if prepared.stale() {
            tx.commit().await?;
            let mut errors = FormErrors::default();
            errors.add(
                "titel",
                "Deze aanvraag is intussen ergens anders opgeslagen; het document is niet toegevoegd. Uw invoer \
                 staat hieronder nog; controleer hem, sla opnieuw op en voeg het document dan toe.",
            );
            let mut raw = prepared.raw;
            raw.bewaard = crate::subsidy::apply::form::stamp(prepared.current.saved_at);
            return form_page::page(
                &state,
                &user,
                id,
                Some(raw),
                errors,
                None,
                Default::default(),
            )
            .await;
        }
        draft::keep(&mut tx, &actor, &user, &application, &prepared).await?;
    }
    let refused = stored(&state, &mut tx, &actor, &application, &round, &kind, file)
        .await?
        .err();
    tx.commit().await?;
    match refused {
        None => Ok(Redirect::to(&format!(
            "{}/{id}?melding=document#documenten",
            portal_base(&user)
        ))
        .into_response()),
        Some(message) => refused_page(&state, &user, id, &message, saved).await,
    }
}

/// The application page (422) with `message` at the file field; the form shows the draft as
/// just saved.
async fn refused_page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    message: &str,
    saved: bool,
) -> AppResult<Response> {
    let mut errors = FormErrors::default();
    errors.add("bestand", message.to_string());
    let notice =
        saved.then_some("Uw invoer is als concept opgeslagen; het document is niet toegevoegd.");
    form_page::page(state, user, id, None, errors, notice, Default::default()).await
}

/// Stores `file` as the document of `kind`, or says in Dutch why not.
async fn stored(
    state: &AppState,
    tx: &mut crate::db::TenantTx,
    actor: &Actor,
    application: &store::Application,
    round: &store::Round,
    kind: &str,
    file: Option<crate::subsidy::common::files::Sent>,
) -> AppResult<Result<(), String>> {
    let id = application.application_id;
    if !round.documents.iter().any(|d| d == kind) {
        return Ok(Err("Kies welk document u toevoegt.".into()));
    }
    if !completion_names(tx, application, round, kind).await? {
        return Ok(Err(NOT_ASKED.into()));
    }
    let (name, bytes, media_type) = match checked(file) {
        Ok(file) => file,
        Err(refused) => return Ok(Err(refused.into())),
    };
    // One document per kind: a new upload replaces the earlier one of this version. Under the
    // application's lock, so that uploads at once neither add one of a kind twice nor pass
    // the limit.
    let max = state.settings.max_documents;
    let version = application.current_version;
    if let Err(refused) = room_for(tx, Stored::Application, id, version, kind, true, max).await? {
        return Ok(Err(refused));
    }
    let tenant_id = tx.tenant_id();
    sqlx::query("delete from subsidy_documents where tenant_id = $1 and application_id = $2 and version = $3 and kind = $4")
        .bind(tenant_id)
        .bind(id)
        .bind(version)
        .bind(kind)
        .execute(&mut **tx)
        .await?;
    let document_id: Uuid = sqlx::query_scalar(
        "insert into subsidy_documents (tenant_id, application_id, version, kind, file_name, media_type, size_bytes, content) \
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning document_id",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(version)
    .bind(kind)
    .bind(&name)
    .bind(media_type)
    .bind(bytes.len() as i32)
    .bind(bytes.as_ref())
    .fetch_one(&mut **tx)
    .await?;
    let event = Event::new("document toegevoegd", "subsidieaanvraag", id).after(json!({
        "document": document_id, "soort": kind, "bestand": name, "bytes": bytes.len(), "versie": version,
    }));
    audit::record(tx, actor, event).await?;
    Ok(Ok(()))
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
    let open = crate::subsidy::apply::form::edit_deadline(&application, &round)
        .is_some_and(|d| time::OffsetDateTime::now_utc() <= d);
    if !open {
        return Ok(refuse(
            "Documenten van een ingediende aanvraag blijven bewaard.",
        ));
    }
    let tenant_id = tx.tenant_id();
    let kind: Option<String> = sqlx::query_scalar(
        "select kind from subsidy_documents where tenant_id = $1 and application_id = $2 and version = $3 \
         and document_id = $4",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(application.current_version)
    .bind(document)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(kind) = kind else {
        return Err(AppError::NotFound);
    };
    if !completion_names(&mut tx, &application, &round, &kind).await? {
        return Ok(refuse(NOT_ASKED));
    }
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
        portal_base(&user)
    ))
    .into_response())
}

/// GET /{tenant}/aanvragen/{id}/documenten/{document}: the applicant's own.
pub async fn document_for_applicant(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
) -> AppResult<Response> {
    crate::subsidy::common::files_page::download(
        &state,
        &user,
        &ids,
        Stored::Application,
        Reader::Applicant,
    )
    .await
}

/// GET /{tenant}/regelingen/aanvragen/{id}/documenten/{document}: officials, once submitted.
pub async fn document_for_official(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
) -> AppResult<Response> {
    let reader = Reader::Official {
        submitted_only: true,
    };
    crate::subsidy::common::files_page::download(&state, &user, &ids, Stored::Application, reader)
        .await
}

/// GET /{tenant}/beoordelen/{id}/documenten/{document}: assessors without a conflict.
pub async fn document_for_assessor(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
) -> AppResult<Response> {
    crate::subsidy::common::files_page::download(
        &state,
        &user,
        &ids,
        Stored::Application,
        Reader::Assessor,
    )
    .await
}
