//! Importing an existing inventory: a CSV with the columns of the export, of which gemeente,
//! type (code or name), status and toelichting are read. All or nothing.

use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::entry::MAX_NOTE;
use super::nav::{subnav, with_status, Tab, MAX_IMPORT_BYTES};
use super::scope::{self, Gemeente};
use super::status::Status;
use super::store::{self, ChecklistType};
use crate::audit::{self, Actor, Event};
use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::AppResult;
use crate::fields::optional_text;
use crate::state::AppState;
use crate::web::layout::{render, Layout, NavItem};
use crate::web::upload;
use crate::web::upload::LineError;
use crate::web::ClientAddr;

#[derive(Debug, Clone)]
pub struct ImportRecord {
    pub line: usize,
    pub gemeente: Gemeente,
    pub type_code: String,
    /// Aanwezig means: keep the recorded status, take the note.
    pub status: Status,
    pub note: String,
}

fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(60).collect()
}

/// Reads every line or returns every error (header = line 1).
pub fn parse(
    bytes: &[u8],
    gemeenten: &[Gemeente],
    types: &[ChecklistType],
) -> Result<Vec<ImportRecord>, Vec<LineError>> {
    let file = upload::read_csv(bytes).map_err(|e| vec![e])?;
    let (Some(gemeente_col), Some(type_col), Some(status_col)) = (
        file.column("gemeente"),
        file.column("type"),
        file.column("status"),
    ) else {
        return Err(vec![LineError::new(
            1,
            "",
            "De kopregel moet ten minste de kolommen ‘gemeente’, ‘type’ en ‘status’ hebben (en meestal ‘toelichting’), zoals in de export.",
        )]);
    };
    let note_col = file.column("toelichting");
    let mut records = Vec::new();
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    let mut unreadable = Vec::new();
    for (line, row) in file.rows(&mut unreadable) {
        let cell = |col: usize| row.get(col).unwrap_or("").trim();
        let gemeente_text = cell(gemeente_col);
        let gemeente = if gemeente_text.is_empty() && gemeenten.len() == 1 {
            gemeenten.first()
        } else {
            gemeenten.iter().find(|g| {
                g.code.eq_ignore_ascii_case(gemeente_text)
                    || g.name.to_lowercase() == gemeente_text.to_lowercase()
            })
        };
        if gemeente.is_none() {
            errors.push(LineError::new(
                line,
                "gemeente",
                format!("Gemeente ‘{}’ hoort niet bij deze organisatie. Gebruik de naam of de CBS-code (GM + 4 cijfers).", clean(gemeente_text)),
            ));
        }
        let type_text = cell(type_col);
        let by_code = types.iter().find(|t| t.code == type_text);
        let by_name: Vec<&ChecklistType> = types
            .iter()
            .filter(|t| t.name.to_lowercase() == type_text.to_lowercase())
            .collect();
        let found = match (by_code, by_name.as_slice()) {
            (Some(t), _) | (None, &[t]) => Some(t),
            (None, []) => {
                errors.push(LineError::new(
                    line,
                    "type",
                    format!("Type ‘{}’ staat niet in uw lijst van voorzieningentypen. Gebruik de naam of de code.", clean(type_text)),
                ));
                None
            }
            (None, _) => {
                errors.push(LineError::new(
                    line,
                    "type",
                    format!(
                        "Meer dan één type heet ‘{}’. Gebruik de code van het type.",
                        clean(type_text)
                    ),
                ));
                None
            }
        };
        let status = Status::parse_text(cell(status_col));
        if status.is_none() {
            errors.push(LineError::new(
                line,
                "status",
                format!(
                    "‘{}’ is geen status. Gebruik aanwezig, niet aanwezig, onbekend of niet van toepassing.",
                    clean(cell(status_col))
                ),
            ));
        }
        let note = match note_col.map(|c| optional_text(cell(c), MAX_NOTE, "de toelichting")) {
            None => Some(String::new()),
            Some(Ok(note)) => Some(note),
            Some(Err(message)) => {
                errors.push(LineError::new(line, "toelichting", message));
                None
            }
        };
        if let (Some(g), Some(t), Some(status), Some(note)) = (gemeente, found, status, note) {
            if seen.insert((g.area_id, t.code.clone())) {
                records.push(ImportRecord {
                    line,
                    gemeente: g.clone(),
                    type_code: t.code.clone(),
                    status,
                    note,
                });
            } else {
                errors.push(LineError::new(
                    line,
                    "type",
                    format!("‘{}’ in {} staat al eerder in het bestand.", t.name, g.name),
                ));
            }
        }
    }
    errors.extend(unreadable);
    errors.sort_by_key(|e| e.line);
    if records.is_empty() && errors.is_empty() {
        errors.push(LineError::new(0, "", "Het bestand bevat geen statussen."));
    }
    if errors.is_empty() {
        Ok(records)
    } else {
        Err(errors)
    }
}

#[derive(Template)]
#[template(path = "checklist/import.html")]
struct ImportPage {
    layout: Layout,
    subnav: Vec<NavItem>,
    base: String,
    errors: Vec<LineError>,
    summary: Option<(usize, usize)>,
    max_mb: usize,
}

fn import_page(
    user: &CurrentUser,
    errors: Vec<LineError>,
    summary: Option<(usize, usize)>,
) -> AppResult<Response> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = ImportPage {
        layout: Layout::for_user(user, "Inventarisatie importeren", Some(Section::Checklist)),
        subnav: subnav(user, Tab::Inventory),
        base: user.section_href(Section::Checklist),
        errors,
        summary,
        max_mb: MAX_IMPORT_BYTES / 1024 / 1024,
    };
    Ok(with_status(render(&page)?, status))
}

/// GET /{tenant}/checklist/import
pub async fn checklist_import_form(user: CurrentUser) -> AppResult<Response> {
    import_page(&user, Vec::new(), None)
}

/// POST /{tenant}/checklist/import (multipart, field `bestand`)
pub async fn checklist_import(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let bytes = match upload::read_file(&mut multipart, MAX_IMPORT_BYTES).await {
        Ok(bytes) => bytes,
        Err(error) => return import_page(&user, vec![error], None),
    };
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let gemeenten = scope::gemeenten(&mut tx).await?;
    let types = store::types(&mut tx).await?;
    let records = match parse(&bytes, &gemeenten, &types) {
        Ok(records) => records,
        Err(errors) => return import_page(&user, errors, None),
    };
    let current: HashMap<(Uuid, String), (Status, String)> = store::entries(&mut tx, None)
        .await?
        .into_iter()
        .map(|e| {
            (
                (e.area_id, e.type_code),
                (Status::from_code(&e.status), e.note),
            )
        })
        .collect();
    let (mut before, mut after) = (Map::new(), Map::new());
    for r in &records {
        let key = (r.gemeente.area_id, r.type_code.clone());
        let old = current.get(&key);
        // "Aanwezig" follows from the register: keep what was recorded, take the note.
        let status = if r.status == Status::Aanwezig {
            old.map(|o| o.0).unwrap_or(Status::Onbekend)
        } else {
            r.status
        };
        let unchanged = match old {
            Some((s, n)) => *s == status && *n == r.note,
            None => status == Status::Onbekend && r.note.is_empty(),
        };
        if unchanged {
            continue;
        }
        sqlx::query(
            "insert into checklist_entries (tenant_id, area_id, type_code, status, note, updated_by) \
             values ($1, $2, $3, $4, $5, $6) \
             on conflict (tenant_id, area_id, type_code) do update set status = excluded.status, note = excluded.note, \
               updated_by = excluded.updated_by, version = checklist_entries.version + 1, updated_at = now()",
        )
        .bind(user.tenant_id)
        .bind(r.gemeente.area_id)
        .bind(&r.type_code)
        .bind(status.code())
        .bind(&r.note)
        .bind(&user.display_name)
        .execute(&mut *tx)
        .await?;
        let id = format!("{}/{}", r.gemeente.code, r.type_code);
        let old = old.map_or(
            json!({"status": "onbekend", "toelichting": ""}),
            |(s, n)| json!({"status": s.code(), "toelichting": n}),
        );
        before.insert(id.clone(), old);
        after.insert(id, json!({"status": status.code(), "toelichting": r.note}));
    }
    let changed = after.len();
    if changed > 0 {
        let event = Event::new("geimporteerd", "checklist", "import")
            .before(Value::Object(before))
            .after(Value::Object(after));
        audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    }
    tx.commit().await?;
    import_page(&user, Vec::new(), Some((records.len(), changed)))
}
