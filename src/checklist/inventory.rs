//! The inventory: for one gemeente, every facility type per levensgebied with the facilities
//! that count there, the (derived or recorded) status, the note and the progress.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use uuid::Uuid;

use super::nav::{subnav, with_status, Tab};
use super::scope::{self, Gemeente, GemeenteQuery};
use super::status::{Choice, Status};
use super::store::{self, ChecklistType, Entry, Listed};
use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::db::TenantTx;
use crate::error::AppResult;
use crate::register::lists;
use crate::state::AppState;
use crate::web::layout::{render, Layout, NavItem};

/// A message at one field of one type's form.
#[derive(Debug, Clone)]
pub struct FieldError {
    pub id: String,
    pub message: String,
}

/// What a user sent for one type, shown again with the errors.
#[derive(Debug, Clone)]
pub struct Edit {
    pub code: String,
    pub status: String,
    pub note: String,
    pub version: i32,
    pub errors: Vec<FieldError>,
    /// Someone else saved this type in between: 409 instead of 422.
    pub conflict: bool,
}

pub struct Row {
    pub t: ChecklistType,
    pub facilities: Vec<(Uuid, String)>,
    /// The recorded status; onbekend without a record.
    pub recorded: Status,
    pub note: String,
    pub version: i32,
    pub form_status: String,
    pub form_note: String,
    pub form_version: i32,
    pub errors: Vec<FieldError>,
}

impl Row {
    pub fn status(&self) -> Status {
        if self.facilities.is_empty() {
            self.recorded
        } else {
            Status::Aanwezig
        }
    }

    /// Present by the register while an official recorded something else.
    pub fn overruled(&self) -> bool {
        !self.facilities.is_empty() && self.recorded.assessed()
    }

    pub fn error(&self, field: &str) -> Option<&str> {
        let id = format!("{field}-{}", self.t.code);
        self.errors
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.message.as_str())
    }
}

pub struct Group {
    pub code: String,
    pub name: String,
    pub rows: Vec<Row>,
}

impl Group {
    pub fn assessed(&self) -> usize {
        self.rows.iter().filter(|r| r.status().assessed()).count()
    }
}

/// Types grouped by levensgebied, each with its facilities and recorded status in one gemeente.
pub fn assemble(
    types: &[ChecklistType],
    levensgebieden: &[lists::NamedCode],
    listed: &[&Listed],
    entries: &[&Entry],
) -> Vec<Group> {
    let mut facilities: HashMap<&str, Vec<(Uuid, String)>> = HashMap::new();
    for l in listed {
        facilities
            .entry(l.type_code.as_str())
            .or_default()
            .push((l.facility_id, l.name.clone()));
    }
    let recorded: HashMap<&str, &Entry> =
        entries.iter().map(|e| (e.type_code.as_str(), *e)).collect();
    levensgebieden
        .iter()
        .map(|g| Group {
            code: g.code.clone(),
            name: g.name.clone(),
            rows: types
                .iter()
                .filter(|t| t.levensgebied == g.code)
                .map(|t| {
                    let entry = recorded.get(t.code.as_str());
                    let status = entry
                        .map(|e| Status::from_code(&e.status))
                        .unwrap_or(Status::Onbekend);
                    let note = entry.map(|e| e.note.clone()).unwrap_or_default();
                    let version = entry.map(|e| e.version).unwrap_or(0);
                    Row {
                        t: t.clone(),
                        facilities: facilities.remove(t.code.as_str()).unwrap_or_default(),
                        recorded: status,
                        form_status: status.code().to_string(),
                        form_note: note.clone(),
                        form_version: version,
                        note,
                        version,
                        errors: Vec::new(),
                    }
                })
                .collect(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "checklist/inventory.html")]
struct InventoryPage {
    layout: Layout,
    subnav: Vec<NavItem>,
    base: String,
    facilities_base: String,
    gemeenten: Vec<Gemeente>,
    gemeente: Gemeente,
    groups: Vec<Group>,
    assessed: usize,
    total: usize,
    may_change: bool,
    choices: Vec<Choice>,
    errors: Vec<FieldError>,
    unplaced: Vec<(Uuid, String)>,
}

/// GET /{tenant}/checklist[?gemeente=GM0153]
pub async fn checklist_show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<GemeenteQuery>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let gemeenten = scope::gemeenten(&mut tx).await?;
    let gemeente = match scope::choose(&gemeenten, query.gemeente.as_deref()) {
        Ok(g) => g,
        Err(detail) => return Ok(super::nav::not_found(detail)),
    };
    let notice = match query.melding.as_deref() {
        Some("opgeslagen") => Some("De status is opgeslagen."),
        _ => None,
    };
    page(&mut tx, &user, gemeenten, gemeente, notice, None).await
}

/// The inventory page of `gemeente`; with `edit`, that type's form shows the input and errors.
pub async fn page(
    tx: &mut TenantTx,
    user: &CurrentUser,
    gemeenten: Vec<Gemeente>,
    gemeente: Gemeente,
    notice: Option<&str>,
    edit: Option<Edit>,
) -> AppResult<Response> {
    let types = store::types(tx).await?;
    let levensgebieden = lists::levensgebieden(tx).await?;
    let listed = store::listed(tx, Some(gemeente.area_id)).await?;
    let entries = store::entries(tx, Some(gemeente.area_id)).await?;
    let unplaced = store::unplaced(tx).await?;
    let mut groups = assemble(
        &types,
        &levensgebieden,
        &listed.iter().collect::<Vec<_>>(),
        &entries.iter().collect::<Vec<_>>(),
    );
    let mut errors = Vec::new();
    let mut status = StatusCode::OK;
    if let Some(edit) = edit {
        if let Some(row) = groups
            .iter_mut()
            .flat_map(|g| g.rows.iter_mut())
            .find(|r| r.t.code == edit.code)
        {
            row.form_status = edit.status;
            row.form_note = edit.note;
            row.form_version = edit.version;
            row.errors = edit.errors.clone();
        }
        status = if edit.conflict {
            StatusCode::CONFLICT
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        errors = edit.errors;
    }
    let total = groups.iter().map(|g| g.rows.len()).sum();
    let assessed = groups.iter().map(Group::assessed).sum();
    let title = if gemeenten.len() > 1 {
        format!("Checklist {}", gemeente.name)
    } else {
        "Checklist".to_string()
    };
    let page = InventoryPage {
        layout: Layout::for_user(user, title, Some(Section::Checklist)).with_notice(notice),
        subnav: subnav(user, Tab::Inventory),
        base: user.section_href(Section::Checklist),
        facilities_base: user.href(Section::Facilities.path()),
        gemeenten,
        gemeente,
        groups,
        assessed,
        total,
        may_change: user.may_change(Section::Checklist),
        choices: Status::choices(),
        errors,
        unplaced,
    };
    Ok(with_status(render(&page)?, status))
}
