//! The letters of the subsidy procedure (beschikking, vaststelling, verdaging, objection
//! receipts and decisions) as HTML pages and PDF.
//!
//! Where a file goes: a plain file holds types, rules and queries (no axum, no askama, no
//! `AppState`); a `*_page.rs` file holds the templates and handlers and what only they use;
//! plain files never import page files; only `mod.rs` wires handlers into the router.

pub mod letter;
pub mod letters_page;

use crate::auth::access::require_section;
use crate::auth::roles::Section;
use crate::state::AppState;
use axum::middleware::from_fn_with_state;
use axum::routing::get;
use axum::Router;

/// The routes of this stage, each behind the section that may see it.
pub(super) fn router() -> Router<AppState> {
    let schemes = Router::new()
        .route(
            "/{tenant}/regelingen/bezwaren/{id}/ontvangstbevestiging",
            get(letters_page::objection_receipt),
        )
        .route(
            "/{tenant}/regelingen/bezwaren/{id}/ontvangstbevestiging.pdf",
            get(letters_page::objection_receipt_pdf),
        )
        .route(
            "/{tenant}/regelingen/bezwaren/{id}/beslissing",
            get(letters_page::objection_decision),
        )
        .route(
            "/{tenant}/regelingen/bezwaren/{id}/beslissing.pdf",
            get(letters_page::objection_decision_pdf),
        )
        .route(
            "/{tenant}/regelingen/aanvragen/{id}/beschikking",
            get(letters_page::decision_official),
        )
        .route(
            "/{tenant}/regelingen/aanvragen/{id}/beschikking.pdf",
            get(letters_page::decision_official_pdf),
        )
        .route(
            "/{tenant}/regelingen/aanvragen/{id}/vaststelling",
            get(letters_page::settlement_official),
        )
        .route(
            "/{tenant}/regelingen/aanvragen/{id}/verdaging",
            get(letters_page::delay_official),
        )
        .route(
            "/{tenant}/regelingen/aanvragen/{id}/verdaging.pdf",
            get(letters_page::delay_official_pdf),
        )
        .route(
            "/{tenant}/regelingen/aanvragen/{id}/vaststelling.pdf",
            get(letters_page::settlement_official_pdf),
        )
        .route_layer(from_fn_with_state(Section::Schemes, require_section));
    let applications = Router::new()
        .route(
            "/{tenant}/aanvragen/{id}/beschikking",
            get(letters_page::decision_applicant),
        )
        .route(
            "/{tenant}/aanvragen/{id}/beschikking.pdf",
            get(letters_page::decision_applicant_pdf),
        )
        .route(
            "/{tenant}/aanvragen/{id}/vaststelling",
            get(letters_page::settlement_applicant),
        )
        .route(
            "/{tenant}/aanvragen/{id}/verdaging",
            get(letters_page::delay_applicant),
        )
        .route(
            "/{tenant}/aanvragen/{id}/verdaging.pdf",
            get(letters_page::delay_applicant_pdf),
        )
        .route(
            "/{tenant}/aanvragen/{id}/vaststelling.pdf",
            get(letters_page::settlement_applicant_pdf),
        )
        .route_layer(from_fn_with_state(Section::Applications, require_section));
    schemes.merge(applications)
}
