//! Applying: the aanbieder's portal, the application form (drafts, submission by the server's
//! clock, withdrawal) and its documents, checked by content.
//!
//! Where a file goes: a plain file holds types, rules and queries (no axum, no askama, no
//! `AppState`); a `*_page.rs` file holds the templates and handlers and what only they use;
//! plain files never import page files; only `mod.rs` wires handlers into the router.

pub mod completion;
pub mod completion_view;
pub mod documents_page;
pub mod draft;
pub mod form;
pub mod form_page;
pub mod portal_page;
pub mod reference;
pub mod save;

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
            "/{tenant}/regelingen/aanvragen/{id}/documenten/{document}",
            get(documents_page::document_for_official),
        )
        .route_layer(from_fn_with_state(Section::Schemes, require_section));
    let applications = Router::new()
        .route(
            "/{tenant}/aanvragen",
            get(portal_page::portal_show).post(portal_page::application_start),
        )
        .route(
            "/{tenant}/aanvragen/{id}",
            get(form_page::application_show).post(form_page::application_save),
        )
        .route(
            "/{tenant}/aanvragen/{id}/intrekken",
            post(form_page::application_withdraw),
        )
        .route(
            "/{tenant}/aanvragen/{id}/documenten",
            post(documents_page::document_upload).layer(DefaultBodyLimit::max(
                crate::subsidy::common::files::MAX_BYTES + 64 * 1024,
            )),
        )
        .route(
            "/{tenant}/aanvragen/{id}/documenten/{document}",
            get(documents_page::document_for_applicant),
        )
        .route(
            "/{tenant}/aanvragen/{id}/documenten/{document}/verwijderen",
            post(documents_page::document_delete),
        )
        .route_layer(from_fn_with_state(Section::Applications, require_section));
    let assessment = Router::new()
        .route(
            "/{tenant}/beoordelen/{id}/documenten/{document}",
            get(documents_page::document_for_assessor),
        )
        .route_layer(from_fn_with_state(Section::Assessment, require_section));
    schemes.merge(applications).merge(assessment)
}
