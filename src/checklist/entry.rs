//! Recording the status and note of one facility type in one gemeente.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use serde_json::json;

use super::inventory::{self, Edit, FieldError};
use super::scope::{self, GemeenteQuery};
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

/// A type of this tenant that the checklist shows (not retired): its name.
async fn type_name(tx: &mut TenantTx, code: &str) -> AppResult<Option<String>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_scalar(
        "select name from facility_types where tenant_id = $1 and code = $2 and not retired",
    )
    .bind(tenant_id)
    .bind(code)
    .fetch_optional(&mut **tx)
    .await?)
}

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// GET /{tenant}/checklist/{code}: the type's place on the inventory (e.g. after logging in
/// again from a form).
pub async fn entry_show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((_, code)): Path<(String, String)>,
    axum::extract::Query(query): axum::extract::Query<GemeenteQuery>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    if type_name(&mut tx, &code).await?.is_none() {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    let gemeente = query
        .gemeente
        .map(|g| format!("?gemeente={}", encode(&g)))
        .unwrap_or_default();
    Ok(Redirect::to(&format!(
        "{}{gemeente}#type-{code}",
        user.section_href(Section::Checklist)
    ))
    .into_response())
}

/// POST /{tenant}/checklist/{code}: status + note, refused when someone saved in between.
pub async fn entry_update(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    Path((_, code)): Path<(String, String)>,
    Form(form): Form<EntryForm>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let Some(name) = type_name(&mut tx, &code).await? else {
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
    let mut edit = Edit {
        code: code.clone(),
        status: form.status.clone(),
        note: form.toelichting.clone(),
        version: form.version.trim().parse().unwrap_or(-1),
        errors: Vec::new(),
        conflict: false,
    };
    let field = |f: &str| format!("{f}-{code}");
    let status = Status::parse_recorded(form.status.trim());
    if status.is_none() {
        edit.errors.push(FieldError {
            id: field("status"),
            message: format!("Kies bij ‘{name}’ een status uit de lijst: onbekend, niet aanwezig of niet van toepassing."),
        });
    }
    let note = optional_text(
        &form.toelichting,
        MAX_NOTE,
        &format!("de toelichting bij ‘{name}’"),
    )
    .map_err(|message| {
        edit.errors.push(FieldError {
            id: field("toelichting"),
            message,
        })
    })
    .ok();
    let (Some(status), Some(note)) = (status, note) else {
        return inventory::page(&mut tx, &user, gemeenten, gemeente, None, Some(edit)).await;
    };
    let current: Option<(String, String, i32)> = sqlx::query_as(
        "select status, note, version from checklist_entries where tenant_id = $1 and area_id = $2 and type_code = $3",
    )
    .bind(user.tenant_id)
    .bind(gemeente.area_id)
    .bind(&code)
    .fetch_optional(&mut *tx)
    .await?;
    let current_version = current.as_ref().map(|c| c.2).unwrap_or(0);
    let conflict = |mut edit: Edit| {
        edit.errors.push(FieldError {
            id: field("status"),
            message: format!(
                "Iemand anders heeft ‘{name}’ intussen gewijzigd. Uw invoer staat er nog; bekijk de huidige status en sla opnieuw op."
            ),
        });
        edit.conflict = true;
        edit.version = current_version;
        edit
    };
    if edit.version != current_version {
        let edit = conflict(edit);
        return inventory::page(&mut tx, &user, gemeenten, gemeente, None, Some(edit)).await;
    }
    let unchanged = match &current {
        Some((s, n, _)) => s == status.code() && *n == note,
        None => status == Status::Onbekend && note.is_empty(),
    };
    if !unchanged {
        // Insert when there was no record, update only the version the user saw: a second
        // writer finds no row to change and is refused below.
        let written = sqlx::query(
            "insert into checklist_entries (tenant_id, area_id, type_code, status, note, updated_by) \
             values ($1, $2, $3, $4, $5, $6) \
             on conflict (tenant_id, area_id, type_code) do update set status = excluded.status, note = excluded.note, \
               updated_by = excluded.updated_by, version = checklist_entries.version + 1, updated_at = now() \
             where checklist_entries.version = $7",
        )
        .bind(user.tenant_id)
        .bind(gemeente.area_id)
        .bind(&code)
        .bind(status.code())
        .bind(&note)
        .bind(&user.display_name)
        .bind(current_version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if written == 0 {
            let edit = conflict(edit);
            return inventory::page(&mut tx, &user, gemeenten, gemeente, None, Some(edit)).await;
        }
        let before = current
            .as_ref()
            .map(|(s, n, _)| json!({"status": s, "toelichting": n}));
        let event = Event::new("gewijzigd", "checklist", format!("{}/{code}", gemeente.code))
            .before(before.unwrap_or_else(|| json!({"status": "onbekend", "toelichting": ""})))
            .after(json!({"status": status.code(), "toelichting": note, "gemeente": gemeente.name, "type": name}));
        audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
        tx.commit().await?;
    }
    Ok(Redirect::to(&format!(
        "{}?gemeente={}&melding=opgeslagen#type-{code}",
        user.section_href(Section::Checklist),
        encode(&gemeente.code)
    ))
    .into_response())
}
