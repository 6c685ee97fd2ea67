//! Recording the status and note of one facility type in one gemeente: the one-type form
//! (kept for links and scripts) and the write both forms share ([`write_entry`]).

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use serde_json::json;

use super::inventory::{fingerprint, Edit, Edits, FieldError};
use super::inventory_page::{self, query_string, ChecklistQuery, View};
use super::scope::{self, Gemeente};
use super::status::Status;
use crate::audit::{self, Actor, Event};
use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::fields::optional_text;
use crate::state::AppState;
use crate::web::ClientAddr;

/// Longest note.
pub const MAX_NOTE: usize = 2000;

#[derive(Debug, Default, Deserialize)]
pub struct EntryForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    toelichting: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    gemeente: String,
}

/// A type of this tenant that the checklist shows (not retired): its name and levensgebied.
pub async fn type_name(tx: &mut TenantTx, code: &str) -> AppResult<Option<(String, String)>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select name, levensgebied from facility_types where tenant_id = $1 and code = $2 and not retired",
    )
    .bind(tenant_id)
    .bind(code)
    .fetch_optional(&mut **tx)
    .await?)
}

/// What is recorded for one type in one gemeente: status, note and version.
pub type Current = Option<(String, String, i32)>;

/// The recorded status of `code` in `gemeente`.
pub async fn current(tx: &mut TenantTx, gemeente: &Gemeente, code: &str) -> AppResult<Current> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select status, note, version from checklist_entries where tenant_id = $1 and area_id = $2 and type_code = $3",
    )
    .bind(tenant_id)
    .bind(gemeente.area_id)
    .bind(code)
    .fetch_optional(&mut **tx)
    .await?)
}

/// True when `status` and `note` are what is recorded (no record: onbekend without a note).
pub fn unchanged(current: &Current, status: Status, note: &str) -> bool {
    match current {
        Some((s, n, _)) => s == status.code() && n == note,
        None => status == Status::Onbekend && note.is_empty(),
    }
}

/// Writes one type's status and note over the version the user saw, with its audit event.
/// `false` when another writer came first (nothing written).
pub async fn write_entry(
    tx: &mut TenantTx,
    actor: &Actor,
    user: &CurrentUser,
    gemeente: &Gemeente,
    (code, name): (&str, &str),
    (status, note): (Status, &str),
    current: &Current,
) -> AppResult<bool> {
    let current_version = current.as_ref().map(|c| c.2).unwrap_or(0);
    // Insert when there was no record, update only the version the user saw: a second
    // writer finds no row to change and is refused.
    let written = sqlx::query(
        "insert into checklist_entries (tenant_id, area_id, type_code, status, note, updated_by) \
         values ($1, $2, $3, $4, $5, $6) \
         on conflict (tenant_id, area_id, type_code) do update set status = excluded.status, note = excluded.note, \
           updated_by = excluded.updated_by, version = checklist_entries.version + 1, updated_at = now() \
         where checklist_entries.version = $7",
    )
    .bind(user.tenant_id)
    .bind(gemeente.area_id)
    .bind(code)
    .bind(status.code())
    .bind(note)
    .bind(&user.display_name)
    .bind(current_version)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if written == 0 {
        return Ok(false);
    }
    let before = current
        .as_ref()
        .map(|(s, n, _)| json!({"status": s, "toelichting": n}));
    let event = Event::new("gewijzigd", "checklist", format!("{}/{code}", gemeente.code))
        .before(before.unwrap_or_else(|| json!({"status": "onbekend", "toelichting": ""})))
        .after(json!({"status": status.code(), "toelichting": note, "gemeente": gemeente.name, "type": name}));
    audit::record(tx, actor, event).await?;
    Ok(true)
}

/// The message of a type someone else saved in between.
pub fn conflict_message(name: &str) -> String {
    format!(
        "Iemand anders heeft ‘{name}’ intussen gewijzigd. Uw invoer staat er nog; bekijk de huidige status en sla opnieuw op."
    )
}

/// The parsed status and note of one type, or the messages at its fields.
pub fn parse_entry(
    code: &str,
    name: &str,
    status: &str,
    note: &str,
) -> Result<(Status, String), Vec<FieldError>> {
    let mut errors = Vec::new();
    let status = Status::parse_recorded(status.trim());
    if status.is_none() {
        errors.push(FieldError {
            id: format!("status-{code}"),
            message: format!("Kies bij ‘{name}’ een status uit de lijst: onbekend, niet aanwezig of niet van toepassing."),
        });
    }
    let note = optional_text(note, MAX_NOTE, &format!("de toelichting bij ‘{name}’"))
        .map_err(|message| {
            errors.push(FieldError {
                id: format!("toelichting-{code}"),
                message,
            })
        })
        .ok();
    match (status, note) {
        (Some(status), Some(note)) => Ok((status, note)),
        _ => Err(errors),
    }
}

/// The inventory with `gemeente` chosen and `levensgebied` open, at `anchor`.
pub fn back_to(user: &CurrentUser, pairs: &[(&str, &str)], anchor: &str) -> String {
    format!(
        "{}{}#{anchor}",
        user.section_href(Section::Checklist),
        query_string(pairs)
    )
}

/// GET /{tenant}/checklist/{code}: the type's place on the inventory (e.g. after logging in
/// again from a form), its levensgebied open.
pub async fn entry_show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((_, code)): Path<(String, String)>,
    axum::extract::Query(query): axum::extract::Query<ChecklistQuery>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let Some((_, levensgebied)) = type_name(&mut tx, &code).await? else {
        return Err(AppError::NotFound);
    };
    tx.commit().await?;
    let gemeente = query.gemeente.unwrap_or_default();
    let pairs = [("gemeente", gemeente.as_str()), ("open", &levensgebied)];
    Ok(Redirect::to(&back_to(&user, &pairs, &format!("type-{code}"))).into_response())
}

/// POST /{tenant}/checklist/{code}: status + note of one type, refused when someone saved in
/// between.
pub async fn entry_update(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    Path((_, code)): Path<(String, String)>,
    Form(form): Form<EntryForm>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let Some((name, levensgebied)) = type_name(&mut tx, &code).await? else {
        return Err(AppError::NotFound);
    };
    let gemeenten = scope::gemeenten(&mut tx).await?;
    let gemeente = match scope::choose(
        &gemeenten,
        Some(form.gemeente.as_str()).filter(|g| !g.trim().is_empty()),
    ) {
        Ok(g) => g,
        Err(detail) => return Ok(super::nav::not_found(detail)),
    };
    let current = current(&mut tx, &gemeente, &code).await?;
    let current_version = current.as_ref().map(|c| c.2).unwrap_or(0);
    let mut edits = Edits {
        rows: vec![Edit {
            code: code.clone(),
            status: form.status.clone(),
            note: form.toelichting.clone(),
            version: form.version.trim().parse().unwrap_or(-1),
            was: match &current {
                Some((s, n, _)) => fingerprint(s, n),
                None => fingerprint(Status::Onbekend.code(), ""),
            },
        }],
        levensgebied: levensgebied.clone(),
        ..Edits::default()
    };
    let view = View::default();
    let (status, note) = match parse_entry(&code, &name, &form.status, &form.toelichting) {
        Ok(parsed) => parsed,
        Err(errors) => {
            edits.errors = errors;
            return inventory_page::page(
                &mut tx,
                &user,
                gemeenten,
                gemeente,
                view,
                None,
                Some(edits),
            )
            .await;
        }
    };
    let refuse = |mut edits: Edits| {
        edits.errors.push(FieldError {
            id: format!("status-{code}"),
            message: conflict_message(&name),
        });
        edits.conflict = true;
        edits.rows[0].version = current_version;
        edits
    };
    if edits.rows[0].version != current_version {
        let edits = refuse(edits);
        return inventory_page::page(&mut tx, &user, gemeenten, gemeente, view, None, Some(edits))
            .await;
    }
    if !unchanged(&current, status, &note) {
        let actor = Actor::user(&user, &address);
        let who = (code.as_str(), name.as_str());
        if !write_entry(
            &mut tx,
            &actor,
            &user,
            &gemeente,
            who,
            (status, &note),
            &current,
        )
        .await?
        {
            let edits = refuse(edits);
            return inventory_page::page(
                &mut tx,
                &user,
                gemeenten,
                gemeente,
                view,
                None,
                Some(edits),
            )
            .await;
        }
        tx.commit().await?;
    }
    let pairs = [
        ("gemeente", gemeente.code.as_str()),
        ("open", levensgebied.as_str()),
        ("melding", "opgeslagen"),
    ];
    Ok(Redirect::to(&back_to(&user, &pairs, &format!("type-{code}"))).into_response())
}
