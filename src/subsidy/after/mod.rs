//! After the decision: accountability (verantwoording) and its documents, settlement
//! (vaststelling), objections (bezwaar) and their outcome, payments, deadlines and reminders.
//!
//! Where a file goes: a plain file holds types, rules and queries (no axum, no askama, no
//! `AppState`); a `*_page.rs` file holds the templates and handlers and what only they use;
//! plain files never import page files; only `mod.rs` wires handlers into the router.

pub mod accountability_page;
pub mod after_grant;
pub mod deadlines;
pub mod deadlines_page;
pub mod money_overview;
pub mod money_overview_page;
pub mod objection_decide_page;
pub mod objection_new_page;
pub mod objection_outcome;
pub mod objections;
pub mod objections_page;
pub mod obligations;
pub mod payment_record_page;
pub mod payments;
pub mod payments_page;
pub mod reminders_job;
pub mod report_documents;
pub mod report_documents_page;
pub mod settlement;

use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::Router;

use crate::auth::access::require_section;
use crate::auth::roles::Section;
use crate::state::AppState;

/// The routes of this stage, each behind the section that may see it.
pub(super) fn router() -> Router<AppState> {
    let schemes = Router::new()
        .route(
            "/{tenant}/regelingen/termijnen",
            get(deadlines_page::deadlines_show),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/rondes/{ronde}/geld",
            get(money_overview_page::overview_show),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/rondes/{ronde}/geld.csv",
            get(money_overview_page::overview_csv),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/rondes/{ronde}/geld.xlsx",
            get(money_overview_page::overview_xlsx),
        )
        .route(
            "/{tenant}/regelingen/betalingen",
            get(payments_page::payments_show),
        )
        .route(
            "/{tenant}/regelingen/betalingen.csv",
            get(payments_page::payments_csv),
        )
        .route(
            "/{tenant}/regelingen/betalingen/{id}/betaald",
            post(payment_record_page::payment_paid),
        )
        .route(
            "/{tenant}/regelingen/betalingen/{id}/ongedaan",
            post(payment_record_page::payment_undo),
        )
        .route(
            "/{tenant}/regelingen/bezwaren",
            get(objections_page::objections_list),
        )
        .route(
            "/{tenant}/regelingen/bezwaren/{id}",
            get(objections_page::objection_show),
        )
        .route(
            "/{tenant}/regelingen/bezwaren/{id}/uitstel",
            post(objection_decide_page::objection_postpone),
        )
        .route(
            "/{tenant}/regelingen/bezwaren/{id}/beslissen",
            post(objection_decide_page::objection_decide),
        )
        .route(
            "/{tenant}/regelingen/aanvragen/{id}/bezwaren",
            post(objection_new_page::objection_create),
        )
        .route(
            "/{tenant}/regelingen/aanvragen/{id}/vaststellen",
            post(accountability_page::settle),
        )
        .route(
            "/{tenant}/regelingen/aanvragen/{id}/verantwoording/documenten/{document}",
            get(report_documents_page::for_official),
        )
        .route_layer(from_fn_with_state(Section::Schemes, require_section));
    let applications = Router::new()
        .route(
            "/{tenant}/aanvragen/{id}/verantwoording",
            post(accountability_page::report_submit),
        )
        .route(
            "/{tenant}/aanvragen/{id}/verantwoording/documenten",
            post(report_documents_page::upload).layer(DefaultBodyLimit::max(
                crate::subsidy::common::files::MAX_BYTES + 64 * 1024,
            )),
        )
        .route(
            "/{tenant}/aanvragen/{id}/verantwoording/documenten/{document}",
            get(report_documents_page::for_applicant),
        )
        .route(
            "/{tenant}/aanvragen/{id}/verantwoording/documenten/{document}/verwijderen",
            post(report_documents_page::delete),
        )
        .route_layer(from_fn_with_state(Section::Applications, require_section));
    schemes.merge(applications)
}
