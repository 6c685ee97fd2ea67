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
pub mod coverage_page;
pub mod demand;
pub mod demand_csv;
pub mod demand_form;
pub mod demand_store;
pub mod entry;
pub mod export;
pub mod export_wijk;
pub mod group_save_page;
pub mod import;
pub mod indicators;
pub mod inventory;
pub mod inventory_page;
pub mod nav;
pub mod overview;
pub mod scope;
pub mod status;
pub mod store;
pub mod supply;

use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::Router;

use crate::auth::access::{require_change, require_section};
use crate::auth::roles::Section;
use crate::state::AppState;
use nav::MAX_IMPORT_BYTES;

/// `/{tenant}/checklist/...`
pub fn router() -> Router<AppState> {
    let limit = DefaultBodyLimit::max(MAX_IMPORT_BYTES + 64 * 1024);
    Router::new()
        .route("/{tenant}/checklist", get(inventory_page::checklist_show))
        .route(
            "/{tenant}/checklist/dekking",
            get(coverage_page::coverage_show),
        )
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
            "/{tenant}/checklist/levensgebieden/{code}",
            post(group_save_page::group_update),
        )
        .route(
            "/{tenant}/checklist/{code}",
            get(entry::entry_show).post(entry::entry_update),
        )
        .route_layer(from_fn_with_state(Section::Checklist, require_section))
}
