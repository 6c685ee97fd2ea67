//! The inventory page of one gemeente: progress per levensgebied at the top, then each
//! levensgebied folded with one form for all its types (filtered to the unknown or missing
//! ones when asked), the group just saved or refused open again.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use uuid::Uuid;

use super::inventory::{assemble, Edits, FieldError, Filter, Group};
use super::nav::{subnav, with_status, Tab};
use super::scope::{self, Gemeente};
use super::status::{Choice, Status};
use super::store;
use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::db::TenantTx;
use crate::error::AppResult;
use crate::register::lists;
use crate::state::AppState;
use crate::web::layout::{render, Layout, NavItem};

/// `?gemeente=GM0153&filter=onbekend&open=wonen&melding=opgeslagen&gewijzigd=3`
#[derive(Debug, Default, Deserialize)]
pub struct ChecklistQuery {
    #[serde(default)]
    pub gemeente: Option<String>,
    #[serde(default)]
    pub melding: Option<String>,
    #[serde(default)]
    pub filter: Option<String>,
    #[serde(default)]
    pub open: Option<String>,
    #[serde(default)]
    pub gewijzigd: Option<String>,
}

/// How the page is shown: the filter and the unfolded levensgebied (`alle` for every one).
#[derive(Debug, Clone, Default)]
pub struct View {
    pub filter: Filter,
    pub open: Option<String>,
}

/// `?a=b&c=d` from the pairs with a value, encoded.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        out.append_pair(k, v);
    }
    let text = out.finish();
    if text.is_empty() {
        text
    } else {
        format!("?{text}")
    }
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
    filter: Filter,
    filters: [(&'static str, &'static str); 3],
    shown: usize,
    all_open_href: String,
    errors: Vec<FieldError>,
    /// The confirmation shown in the group just saved.
    group_notice: Option<String>,
    unplaced: Vec<(Uuid, String)>,
}

/// GET /{tenant}/checklist[?gemeente=GM0153&filter=onbekend&open=wonen]
pub async fn checklist_show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<ChecklistQuery>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let gemeenten = scope::gemeenten(&mut tx).await?;
    let gemeente = match scope::choose(&gemeenten, query.gemeente.as_deref()) {
        Ok(g) => g,
        Err(detail) => return Ok(super::nav::not_found(detail)),
    };
    let view = View {
        filter: Filter::parse(query.filter.as_deref()),
        open: query.open.clone().filter(|o| !o.trim().is_empty()),
    };
    let notice = match query.melding.as_deref() {
        Some("opgeslagen") => Some(match query.gewijzigd.as_deref().map(str::parse::<u32>) {
            Some(Ok(0)) => "Er was niets gewijzigd; er is niets opgeslagen.".to_string(),
            Some(Ok(1)) => "Opgeslagen: 1 type gewijzigd.".to_string(),
            Some(Ok(n)) => format!("Opgeslagen: {n} typen gewijzigd."),
            _ => "De status is opgeslagen.".to_string(),
        }),
        _ => None,
    };
    page(&mut tx, &user, gemeenten, gemeente, view, notice, None).await
}

/// The inventory page of `gemeente`; with `edits`, the forms show that input and its errors.
pub async fn page(
    tx: &mut TenantTx,
    user: &CurrentUser,
    gemeenten: Vec<Gemeente>,
    gemeente: Gemeente,
    view: View,
    notice: Option<String>,
    edits: Option<Edits>,
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
    let base = user.section_href(Section::Checklist);
    let mut errors = Vec::new();
    let mut status = StatusCode::OK;
    let mut open = view.open.clone();
    if let Some(edits) = edits {
        for edit in &edits.rows {
            let row = groups
                .iter_mut()
                .flat_map(|g| g.rows.iter_mut())
                .find(|r| r.t.code == edit.code);
            if let Some(row) = row {
                row.apply(edit, &edits.errors);
            }
        }
        status = if edits.conflict {
            StatusCode::CONFLICT
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        open = Some(edits.levensgebied.clone());
        errors = edits.errors;
    }
    let filter = view.filter;
    for g in &mut groups {
        g.open = open.as_deref() == Some("alle")
            || open.as_deref() == Some(g.code.as_str())
            || g.has_errors();
        let pairs = [
            ("gemeente", gemeente.code.as_str()),
            ("filter", filter.code()),
            ("open", g.code.as_str()),
        ];
        g.href = format!("{base}{}#lg-{}", query_string(&pairs), g.code);
    }
    // The confirmation goes where the user is: in the group just saved, else at the top.
    let saved_group = groups.iter().any(|g| g.open) && open.as_deref() != Some("alle");
    let (notice, group_notice) = match (notice, saved_group) {
        (Some(n), true) => (None, Some(n)),
        (n, _) => (n, None),
    };
    let total = groups.iter().map(|g| g.rows.len()).sum();
    let assessed = groups.iter().map(Group::assessed).sum();
    let shown = groups.iter().map(|g| g.shown(&filter)).sum();
    let title = if gemeenten.len() > 1 {
        format!("Checklist {}", gemeente.name)
    } else {
        "Checklist".to_string()
    };
    let all_open = [
        ("gemeente", gemeente.code.as_str()),
        ("filter", filter.code()),
        ("open", "alle"),
    ];
    let page = InventoryPage {
        layout: Layout::for_user(user, title, Some(Section::Checklist))
            .with_notice(notice.as_deref()),
        subnav: subnav(user, Tab::Inventory),
        all_open_href: format!("{base}{}", query_string(&all_open)),
        facilities_base: user.href(Section::Facilities.path()),
        base,
        gemeenten,
        gemeente,
        groups,
        assessed,
        total,
        may_change: user.may_change(Section::Checklist),
        choices: Status::choices(),
        filter,
        filters: Filter::choices(),
        shown,
        errors,
        group_notice,
        unplaced,
    };
    Ok(with_status(render(&page)?, status))
}
