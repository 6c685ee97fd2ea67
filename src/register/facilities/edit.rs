//! Adding and changing a facility. Who may change which facility is the ownership rule
//! ([`crate::auth::ownership`]): beleidsmedewerkers every facility, an aanbieder only those of its
//! own organisation (whatever other roles it holds), and their changes go live at once (the audit
//! trail shows who changed what).

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use uuid::Uuid;

use super::access;
use super::form_page::{facility_form, raw_from_body, with_form_fields};
use super::record::{FacilityInput, Lookups, RawFacility};
use super::store;
use super::validate::validate;
use crate::audit::{self, Event};
use crate::auth::current_user::CurrentUser;
use crate::auth::ownership::{Access, ProviderScope};
use crate::auth::roles::Section;
use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::web::{time_fmt, ClientAddr, PathId};

/// Whose facilities this user may add or change; 403 when nobody's.
fn write_scope(user: &CurrentUser) -> AppResult<ProviderScope> {
    match user.write_scope() {
        ProviderScope::Nothing => Err(AppError::Forbidden),
        scope => Ok(scope),
    }
}

async fn provider_name(tx: &mut TenantTx, id: Uuid) -> AppResult<Option<String>> {
    let tenant_id = tx.tenant_id();
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
    // An aanbieder sees its own organisation, not a choice.
    let fixed = match user.write_scope() {
        ProviderScope::Own(p) => provider_name(tx, p).await?,
        ProviderScope::All | ProviderScope::Nothing => None,
    };
    facility_form(user, lookups, id, version, raw, errors, fixed)
}

/// GET /{tenant}/voorzieningen/nieuw
pub async fn facility_new(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    write_scope(&user)?;
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

/// The geocoder to place `input` with: when one is configured and the facility has an address
/// but no coordinates.
fn geocoder<'a>(state: &'a AppState, input: &FacilityInput) -> Option<&'a str> {
    let url = state.settings.geocoder_url.as_deref()?;
    super::geocode::wanted(input).map(|_| url)
}

/// Checks the form; an aanbieder's facility always belongs to its own organisation, whatever
/// the form says.
fn check(
    scope: ProviderScope,
    raw: &mut RawFacility,
    lookups: &Lookups,
) -> Result<(FacilityInput, Uuid), FormErrors> {
    match scope {
        ProviderScope::Own(own) => raw.set("aanbieder", own.to_string()),
        // Refused before the form is read; an empty organisation never passes.
        ProviderScope::Nothing => raw.set("aanbieder", ""),
        ProviderScope::All => {}
    }
    let input = validate(raw, lookups)?;
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
    let scope = write_scope(&user)?;
    let (mut raw, _) = raw_from_body(&body);
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let lookups = store::lookups(&mut tx).await?;
    let (mut input, provider) = match check(scope, &mut raw, &lookups) {
        Ok(ok) => ok,
        Err(errors) => return show_form(&mut tx, &user, &lookups, None, 0, raw, errors).await,
    };
    // Only a form that passed every check reaches the geocoder, and without holding a
    // connection while it answers.
    if let Some(url) = geocoder(&state, &input) {
        tx.commit().await?;
        super::geocode::place(url, &mut raw, &mut input).await;
        tx = state.db.tenant_tx(user.tenant_id).await?;
    }
    let id = super::write::insert(&mut tx, &input, provider).await?;
    // Whoever enters a facility vouches for its data.
    store::mark_verified(&mut tx, id, &user.display_name, time_fmt::today()).await?;
    let after = store::snapshot(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let event = Event::new("aangemaakt", "voorziening", id).after(after.audit_value());
    let to = format!(
        "{}/{id}?melding=opgeslagen",
        user.section_href(Section::Facilities)
    );
    audit::record_commit_redirect(tx, &user, &address, event, &to).await
}

/// GET /{tenant}/voorzieningen/{id}/wijzigen
pub async fn facility_edit(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let snapshot = access::facility(&mut tx, &user, id, Access::Write).await?;
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
    // Who may change it comes first: another's facility, or none, is refused before anything
    // else happens.
    let mut before = access::facility(&mut tx, &user, id, Access::Write).await?;
    let lookups = store::lookups(&mut tx).await?;
    let conflict = |errors: &mut FormErrors| {
        errors.add(
            "naam",
            "Iemand anders heeft deze voorziening opgeslagen nadat u het formulier opende. Uw invoer staat hieronder nog; \
             bekijk de voorziening in een ander venster, neem wat nodig is over en sla opnieuw op.",
        )
    };
    let (mut input, provider) = match check(user.write_scope(), &mut raw, &lookups) {
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
    // Only a form that passed every check reaches the geocoder, and without holding a
    // connection while it answers; what may have changed meanwhile is read again (the save
    // itself is refused over a newer version).
    if let Some(url) = geocoder(&state, &input) {
        tx.commit().await?;
        super::geocode::place(url, &mut raw, &mut input).await;
        tx = state.db.tenant_tx(user.tenant_id).await?;
        before = access::facility(&mut tx, &user, id, Access::Write).await?;
    }
    if !super::write::update(&mut tx, id, version, &input, provider).await? {
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
    // Saving counts as confirming the data are current (issue 16, item 6).
    store::mark_verified(&mut tx, id, &user.display_name, time_fmt::today()).await?;
    let after = store::snapshot(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let event = Event::new("gewijzigd", "voorziening", id)
        .before(before.audit_value())
        .after(after.audit_value());
    let to = format!(
        "{}/{id}?melding=opgeslagen",
        user.section_href(Section::Facilities)
    );
    audit::record_commit_redirect(tx, &user, &address, event, &to).await
}

/// POST /{tenant}/voorzieningen/{id}/archiveren: archives, or brings back from the archive.
pub async fn facility_archive(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    PathId(id): PathId,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let before = access::facility(&mut tx, &user, id, Access::Write).await?;
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
    let to = format!(
        "{}/{id}?melding={action}",
        user.section_href(Section::Facilities)
    );
    audit::record_commit_redirect(tx, &user, &address, event, &to).await
}
