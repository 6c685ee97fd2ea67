//! Adding and changing a facility. Beleidsmedewerkers edit every facility; an aanbieder only
//! those of their own organisation, and their changes go live at once (the audit trail shows who
//! changed what).

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use uuid::Uuid;

use super::form_page::{facility_form, raw_from_body, with_form_fields};
use super::record::{self, FacilityInput, Lookups, RawFacility};
use super::store;
use crate::audit::{self, Actor, Event};
use crate::auth::roles::{Role, Section};
use crate::auth::session::CurrentUser;
use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::layout::FormErrors;
use crate::web::{ClientAddr, PathId};

/// The organisation an aanbieder user is limited to; `None` for users who see everything.
pub fn own_provider(user: &CurrentUser) -> Option<Option<Uuid>> {
    let limited = user.has_role(Role::Aanbieder)
        && !user.has_role(Role::Beleidsmedewerker)
        && !user.has_role(Role::Beheerder)
        && !user.has_role(Role::Wijkteam);
    limited.then_some(user.provider_id)
}

async fn provider_name(tx: &mut TenantTx, id: Option<Uuid>) -> AppResult<Option<String>> {
    let tenant_id = tx.tenant_id();
    let Some(id) = id else {
        return Ok(Some("(geen organisatie gekoppeld)".into()));
    };
    Ok(
        sqlx::query_scalar("select name from providers where tenant_id = $1 and provider_id = $2")
            .bind(tenant_id)
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?,
    )
}

async fn show_form(
    tx: &mut TenantTx,
    user: &CurrentUser,
    lookups: &Lookups,
    id: Option<Uuid>,
    version: i32,
    raw: RawFacility,
    errors: FormErrors,
) -> AppResult<Response> {
    let fixed = match own_provider(user) {
        Some(p) => provider_name(tx, p).await?,
        None => None,
    };
    facility_form(user, lookups, id, version, raw, errors, fixed)
}

fn base(user: &CurrentUser) -> String {
    user.href(Section::Facilities.path())
}

/// GET /{tenant}/voorzieningen/nieuw
pub async fn facility_new(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let lookups = store::lookups(&mut tx).await?;
    let mut raw = RawFacility::default();
    raw.set("rolstoeltoegankelijk", "onbekend");
    raw.set("toegang", "vrij");
    let response = show_form(
        &mut tx,
        &user,
        &lookups,
        None,
        0,
        raw,
        FormErrors::default(),
    )
    .await;
    tx.commit().await?;
    response
}

/// Checks the form; an aanbieder's facility always belongs to their own organisation.
fn check(
    user: &CurrentUser,
    raw: &mut RawFacility,
    lookups: &Lookups,
) -> Result<(FacilityInput, Uuid), FormErrors> {
    if let Some(own) = own_provider(user) {
        raw.set("aanbieder", own.map(|p| p.to_string()).unwrap_or_default());
    }
    let input = record::validate(raw, lookups)?;
    match input.provider_id {
        Some(p) => Ok((input, p)),
        None => {
            let mut errors = FormErrors::default();
            errors.add("aanbieder", "Kies een aanbieder uit de lijst.");
            Err(errors)
        }
    }
}

/// POST /{tenant}/voorzieningen
pub async fn facility_create(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    body: Bytes,
) -> AppResult<Response> {
    let (mut raw, _) = raw_from_body(&body);
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let lookups = store::lookups(&mut tx).await?;
    let (input, provider) = match check(&user, &mut raw, &lookups) {
        Ok(ok) => ok,
        Err(errors) => return show_form(&mut tx, &user, &lookups, None, 0, raw, errors).await,
    };
    let id = store::insert(&mut tx, &input, provider).await?;
    let after = store::snapshot(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let event = Event::new("aangemaakt", "voorziening", id).after(after.audit_value());
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}/{id}?melding=opgeslagen", base(&user))).into_response())
}

/// A facility this user may change, or 404.
pub async fn editable(
    tx: &mut TenantTx,
    user: &CurrentUser,
    id: Uuid,
) -> AppResult<store::Snapshot> {
    let snapshot = store::snapshot(tx, id).await?.ok_or(AppError::NotFound)?;
    match own_provider(user) {
        Some(own) if own != Some(snapshot.provider_id) => Err(AppError::NotFound),
        _ => Ok(snapshot),
    }
}

/// GET /{tenant}/voorzieningen/{id}/wijzigen
pub async fn facility_edit(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let snapshot = editable(&mut tx, &user, id).await?;
    let lookups = store::lookups(&mut tx).await?;
    let mut raw = with_form_fields(snapshot.raw());
    raw.set("aanbieder", snapshot.provider_id.to_string());
    let response = show_form(
        &mut tx,
        &user,
        &lookups,
        Some(id),
        snapshot.version,
        raw,
        FormErrors::default(),
    )
    .await;
    tx.commit().await?;
    response
}

/// POST /{tenant}/voorzieningen/{id}: refused when someone else saved since the form was opened.
pub async fn facility_update(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    PathId(id): PathId,
    body: Bytes,
) -> AppResult<Response> {
    let (mut raw, version) = raw_from_body(&body);
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let before = editable(&mut tx, &user, id).await?;
    let lookups = store::lookups(&mut tx).await?;
    let conflict = |errors: &mut FormErrors| {
        errors.add(
            "naam",
            "Iemand anders heeft deze voorziening opgeslagen nadat u het formulier opende. Uw invoer staat hieronder nog; \
             bekijk de voorziening in een ander venster, neem wat nodig is over en sla opnieuw op.",
        )
    };
    let (input, provider) = match check(&user, &mut raw, &lookups) {
        Ok(ok) if version == before.version => ok,
        Ok(_) => {
            let mut errors = FormErrors::default();
            conflict(&mut errors);
            return show_form(
                &mut tx,
                &user,
                &lookups,
                Some(id),
                before.version,
                raw,
                errors,
            )
            .await;
        }
        Err(errors) => {
            return show_form(&mut tx, &user, &lookups, Some(id), version, raw, errors).await
        }
    };
    if !store::update(&mut tx, id, version, &input, provider).await? {
        let mut errors = FormErrors::default();
        conflict(&mut errors);
        return show_form(
            &mut tx,
            &user,
            &lookups,
            Some(id),
            before.version,
            raw,
            errors,
        )
        .await;
    }
    let after = store::snapshot(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let event = Event::new("gewijzigd", "voorziening", id)
        .before(before.audit_value())
        .after(after.audit_value());
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}/{id}?melding=opgeslagen", base(&user))).into_response())
}

/// POST /{tenant}/voorzieningen/{id}/archiveren: archives, or brings back from the archive.
pub async fn facility_archive(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    PathId(id): PathId,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let before = editable(&mut tx, &user, id).await?;
    sqlx::query("update facilities set archived = not archived, version = version + 1, updated_at = now() where tenant_id = $1 and facility_id = $2")
        .bind(user.tenant_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let action = if before.archived {
        "teruggezet"
    } else {
        "gearchiveerd"
    };
    let event = Event::new(action, "voorziening", id)
        .before(serde_json::json!({"gearchiveerd": if before.archived { "ja" } else { "" }}))
        .after(serde_json::json!({"gearchiveerd": if before.archived { "" } else { "ja" }}));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}/{id}?melding={action}", base(&user))).into_response())
}
