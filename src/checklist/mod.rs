//! The regional checklist, the inventory of the provision per gemeente: the inventory per
//! levensgebied and facility type, the coverage matrix, the bouwstenen per wijk and supply
//! against demand.
//!
//! Which facilities count where is decided once, in SQL ([`store`]): a facility counts for a
//! gemeente when its buurt lies there, its werkgebied holds the gemeente or a wijk or buurt in
//! it, or it serves the whole region; for a wijk likewise (a werkgebied of the whole gemeente
//! serves each of its wijken). "Aanwezig" is never stored: it is a count above zero.

pub mod bouwstenen;
pub mod coverage;
pub mod demand;
pub mod demand_csv;
pub mod demand_form;
pub mod demand_store;
pub mod entry;
pub mod export;
pub mod export_wijk;
pub mod import;
pub mod indicators;
pub mod inventory;
pub mod overview;
pub mod scope;
pub mod status;
pub mod store;
pub mod supply;

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::auth::access::{require_change, require_section};
use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::{AppError, ErrorPage};
use crate::state::AppState;
use crate::web::layout::NavItem;

/// Largest CSV accepted by the two imports.
pub const MAX_IMPORT_BYTES: usize = 2 * 1024 * 1024;

/// `/{tenant}/checklist/...`
pub fn router() -> Router<AppState> {
    let limit = DefaultBodyLimit::max(MAX_IMPORT_BYTES + 64 * 1024);
    Router::new()
        .route("/{tenant}/checklist", get(inventory::checklist_show))
        .route("/{tenant}/checklist/dekking", get(coverage::coverage_show))
        .route(
            "/{tenant}/checklist/overzicht",
            get(overview::overview_show),
        )
        .route(
            "/{tenant}/checklist/bouwstenen",
            get(bouwstenen::bouwstenen_show),
        )
        .route(
            "/{tenant}/checklist/vraag",
            get(demand::demand_show).post(demand_form::demand_update),
        )
        .route(
            "/{tenant}/checklist/vraag/import",
            post(demand_form::demand_import).layer(limit),
        )
        .route(
            "/{tenant}/checklist/vraag/indicatoren",
            get(indicators::indicators_show)
                .post(indicators::indicator_create)
                .route_layer(from_fn_with_state(Section::Checklist, require_change)),
        )
        .route(
            "/{tenant}/checklist/vraag/indicatoren/{code}",
            get(indicators::indicator_edit)
                .post(indicators::indicator_update)
                .route_layer(from_fn_with_state(Section::Checklist, require_change)),
        )
        .route("/{tenant}/checklist/export.csv", get(export::inventory_csv))
        .route(
            "/{tenant}/checklist/export.xlsx",
            get(export::inventory_xlsx),
        )
        .route("/{tenant}/checklist/dekking.csv", get(export::coverage_csv))
        .route(
            "/{tenant}/checklist/dekking.xlsx",
            get(export::coverage_xlsx),
        )
        .route(
            "/{tenant}/checklist/bouwstenen.csv",
            get(export_wijk::bouwstenen_csv),
        )
        .route(
            "/{tenant}/checklist/bouwstenen.xlsx",
            get(export_wijk::bouwstenen_xlsx),
        )
        .route(
            "/{tenant}/checklist/vraag.csv",
            get(export_wijk::demand_csv),
        )
        .route(
            "/{tenant}/checklist/vraag.xlsx",
            get(export_wijk::demand_xlsx),
        )
        .route(
            "/{tenant}/checklist/import",
            // The form exists only to change something: beheerders (who may read) get 403 here too.
            get(import::checklist_import_form)
                .route_layer(from_fn_with_state(Section::Checklist, require_change))
                .post(import::checklist_import)
                .layer(limit),
        )
        .route(
            "/{tenant}/checklist/{code}",
            get(entry::entry_show).post(entry::entry_update),
        )
        .route_layer(from_fn_with_state(Section::Checklist, require_section))
}

/// The pages of the checklist, for its sub-navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Inventory,
    Coverage,
    Bouwstenen,
    Demand,
    Overview,
}

/// Checklist · Dekking · Bouwstenen · Vraag en aanbod · Regionaal overzicht, with the current page marked.
pub fn subnav(user: &CurrentUser, current: Tab) -> Vec<NavItem> {
    [
        (Tab::Inventory, "Checklist", ""),
        (Tab::Coverage, "Dekking", "/dekking"),
        (Tab::Bouwstenen, "Bouwstenen", "/bouwstenen"),
        (Tab::Demand, "Vraag en aanbod", "/vraag"),
        (Tab::Overview, "Regionaal overzicht", "/overzicht"),
    ]
    .into_iter()
    .map(|(tab, label, path)| NavItem {
        label,
        href: format!("{}{path}", user.section_href(Section::Checklist)),
        current: tab == current,
    })
    .collect()
}

/// A 404 page that says what was not found.
pub fn not_found(detail: impl Into<String>) -> Response {
    let mut response = AppError::NotFound.into_response();
    response.extensions_mut().insert(ErrorPage {
        detail: Some(detail.into()),
        retry_at: None,
    });
    response
}

/// `Ok(page)` with 422 when the page shows errors.
pub fn with_status(mut response: Response, status: StatusCode) -> Response {
    *response.status_mut() = status;
    response
}

/// A number the Dutch way: `1.234,5` (one decimal) or `1.234` (none).
pub fn dutch_number(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let (sign, digits) = whole
        .strip_prefix('-')
        .map(|d| ("-", d))
        .unwrap_or(("", whole));
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    if fraction.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{fraction}")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn dutch_numbers() {
        assert_eq!(super::dutch_number(1234.56, 1), "1.234,6");
        assert_eq!(super::dutch_number(3.0, 0), "3");
        assert_eq!(super::dutch_number(1234567.0, 0), "1.234.567");
        assert_eq!(super::dutch_number(0.25, 2), "0,25");
    }
}
