//! Saving every type of one levensgebied at once, with optimistic concurrency per type: a
//! type the user left as it was is skipped (even when someone else saved it meanwhile), a
//! changed type is written only over the version the user saw. Nothing is saved while any
//! type has an error or a conflict: the form comes back with all input kept.

use std::collections::{HashMap, HashSet};

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;

use super::entry::{self, back_to, conflict_message, parse_entry, unchanged};
use super::inventory::{fingerprint, Edit, Edits, FieldError, Filter};
use super::inventory_page::{self, View};
use super::scope;
use super::store;
use crate::audit::Actor;
use crate::auth::current_user::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::register::lists;
use crate::state::AppState;
use crate::web::ClientAddr;

/// The longest form read: every type of a levensgebied with a full note is far below this.
const MAX_TYPES: usize = 500;

/// POST /{tenant}/checklist/levensgebieden/{code}: `type` (repeated), and per type
/// `status-{type}`, `toelichting-{type}`, `version-{type}` and `was-{type}`.
pub async fn group_update(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    Path((_, levensgebied)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let known = lists::levensgebieden(&mut tx).await?;
    if !known.iter().any(|g| g.code == levensgebied) {
        return Err(AppError::NotFound);
    }
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let gemeenten = scope::gemeenten(&mut tx).await?;
    let wanted = field("gemeente").filter(|g| !g.trim().is_empty());
    let gemeente = match scope::choose(&gemeenten, wanted) {
        Ok(g) => g,
        Err(detail) => return Ok(super::nav::not_found(detail)),
    };
    let filter = Filter::parse(field("filter"));
    let names: HashMap<String, String> = store::types(&mut tx)
        .await?
        .into_iter()
        .filter(|t| t.levensgebied == levensgebied)
        .map(|t| (t.code, t.name))
        .collect();
    // Only this levensgebied's types, each once; anything else sent is ignored.
    let mut seen = HashSet::new();
    let codes: Vec<&str> = fields
        .iter()
        .filter(|(k, _)| k == "type")
        .map(|(_, v)| v.as_str())
        .filter(|c| names.contains_key(*c) && seen.insert(*c))
        .take(MAX_TYPES)
        .collect();
    let current: HashMap<String, (String, String, i32)> =
        store::entries(&mut tx, Some(gemeente.area_id))
            .await?
            .into_iter()
            .map(|e| (e.type_code, (e.status, e.note, e.version)))
            .collect();

    let mut edits = Edits {
        levensgebied: levensgebied.clone(),
        ..Edits::default()
    };
    let mut writes = Vec::new();
    let mut conflicted = HashSet::new();
    for code in &codes {
        let text = |prefix: &str| field(&format!("{prefix}-{code}")).unwrap_or_default();
        let edit = Edit {
            code: code.to_string(),
            status: text("status").to_string(),
            note: text("toelichting").to_string(),
            version: text("version").trim().parse().unwrap_or(-1),
            was: text("was").trim().to_string(),
        };
        let name = &names[*code];
        let now = current.get(*code).cloned();
        match parse_entry(code, name, &edit.status, &edit.note) {
            Err(errors) => edits.errors.extend(errors),
            Ok((status, note)) => {
                let touched = edit.was != fingerprint(status.code(), &note);
                let version = now.as_ref().map(|c| c.2).unwrap_or(0);
                if unchanged(&now, status, &note) || !touched {
                    // Nothing to do: already so, or left alone by this user.
                } else if edit.version != version {
                    edits.errors.push(conflict(code, name));
                    conflicted.insert(code.to_string());
                } else {
                    writes.push((code.to_string(), status, note, now));
                }
            }
        }
        edits.rows.push(edit);
    }
    let view = View {
        filter,
        open: Some(levensgebied.clone()),
    };
    if !edits.errors.is_empty() {
        edits.conflict = !conflicted.is_empty();
        refresh_versions(&mut edits, &conflicted, &current);
        return inventory_page::page(&mut tx, &user, gemeenten, gemeente, view, None, Some(edits))
            .await;
    }
    let actor = Actor::user(&user, &address);
    for (code, status, note, now) in &writes {
        let who = (code.as_str(), names[code].as_str());
        let what = (*status, note.as_str());
        if !entry::write_entry(&mut tx, &actor, &user, &gemeente, who, what, now).await? {
            // Another save came between reading and writing: undo this one's writes.
            drop(tx);
            let mut tx = state.db.tenant_tx(user.tenant_id).await?;
            let latest: HashMap<String, (String, String, i32)> =
                store::entries(&mut tx, Some(gemeente.area_id))
                    .await?
                    .into_iter()
                    .map(|e| (e.type_code, (e.status, e.note, e.version)))
                    .collect();
            edits.errors.push(conflict(code, &names[code]));
            edits.conflict = true;
            conflicted.insert(code.clone());
            refresh_versions(&mut edits, &conflicted, &latest);
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
    }
    tx.commit().await?;
    let changed = writes.len().to_string();
    let pairs = [
        ("gemeente", gemeente.code.as_str()),
        ("filter", filter.code()),
        ("open", levensgebied.as_str()),
        ("melding", "opgeslagen"),
        ("gewijzigd", changed.as_str()),
    ];
    Ok(Redirect::to(&back_to(&user, &pairs, &format!("lg-{levensgebied}"))).into_response())
}

fn conflict(code: &str, name: &str) -> FieldError {
    FieldError {
        id: format!("status-{code}"),
        message: conflict_message(name),
    }
}

/// A type refused for a conflict shows the version now stored, so that saving again (after
/// looking) is deliberate and succeeds.
fn refresh_versions(
    edits: &mut Edits,
    conflicted: &HashSet<String>,
    current: &HashMap<String, (String, String, i32)>,
) {
    for edit in &mut edits.rows {
        if conflicted.contains(&edit.code) {
            edit.version = current.get(&edit.code).map(|c| c.2).unwrap_or(0);
        }
    }
}
