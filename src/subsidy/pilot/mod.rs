//! Almelo-style pilots (DOMAIN.md §6b): partners, clients per partner, the yearly budget's
//! allocation in versions, the uitvoeringsovereenkomst, monitoring reports and their review,
//! the dashboard, Positieve Gezondheid scores and the business case.
//!
//! Where a file goes: a plain file holds types, rules and queries (no axum, no askama, no
//! `AppState`); a `*_page.rs` file holds the templates and handlers and what only they use;
//! plain files never import page files; only `mod.rs` wires handlers into the router.

pub mod agreement;
pub mod agreement_page;
pub mod allocate_page;
pub mod allocation;
pub mod business_case;
pub mod dashboard;
pub mod dashboard_page;
pub mod figures;
pub mod health;
pub mod health_page;
pub mod import_page;
pub mod monitoring;
pub mod nav_page;
pub mod pilot_page;
pub mod report_form_page;
pub mod review_page;
pub mod scheme;
pub mod store;
pub mod year_page;
pub mod year_view;

use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::Router;

use crate::auth::access::{require_change, require_section};
use crate::auth::roles::Section;
use crate::state::AppState;

/// The routes of this stage, each behind the section that may see it.
pub(super) fn router() -> Router<AppState> {
    let schemes = Router::new()
        .route(
            "/{tenant}/regelingen/{regeling}/pilot",
            get(pilot_page::pilot_show),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/pilot/partners",
            post(pilot_page::partner_add),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/pilot/partners/{aanbieder}/overeenkomst",
            get(agreement_page::agreement_show).post(agreement_page::agreement_save),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/pilot/dashboard",
            get(dashboard_page::dashboard_show),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/pilot/businesscase",
            get(business_case::case_page::business_case_show),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/pilot/businesscase/{jaar}/{soort}",
            get(business_case::form_page::case_edit)
                .post(business_case::form_page::case_save)
                .route_layer(from_fn_with_state(Section::Schemes, require_change)),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/pilot/gezondheid",
            get(health_page::health_show),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/pilot/monitoring",
            get(review_page::monitoring_overview),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/pilot/monitoring/{aanbieder}/{periode}",
            get(review_page::report_view),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/pilot/monitoring/{aanbieder}/{periode}/beoordelen",
            post(review_page::report_review),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/pilot/{jaar}",
            get(year_page::year_show),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/pilot/{jaar}/clienten",
            post(allocate_page::clients_save),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/pilot/{jaar}/behoefte.csv",
            post(import_page::need_import)
                .layer(DefaultBodyLimit::max(import_page::MAX_BYTES + 64 * 1024)),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/pilot/{jaar}/voorstel",
            post(allocate_page::allocation_propose),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/pilot/{jaar}/aanpassing",
            post(allocate_page::allocation_adjust),
        )
        .route_layer(from_fn_with_state(Section::Schemes, require_section));
    let applications = Router::new()
        .route(
            "/{tenant}/aanvragen/monitoring",
            get(report_form_page::monitoring_list),
        )
        .route(
            "/{tenant}/aanvragen/monitoring/{regeling}/overeenkomst",
            get(report_form_page::own_agreement),
        )
        .route(
            "/{tenant}/aanvragen/monitoring/{regeling}/{periode}",
            get(report_form_page::report_show).post(report_form_page::report_submit),
        )
        .route_layer(from_fn_with_state(Section::Applications, require_section));
    schemes.merge(applications)
}
