//! Regelingen and their rounds: setup by beleidsmedewerkers, the published rules, the
//! official's view of an application, and the rendement of a regeling.
//!
//! Where a file goes: a plain file holds types, rules and queries (no axum, no askama, no
//! `AppState`); a `*_page.rs` file holds the templates and handlers and what only they use;
//! plain files never import page files; only `mod.rs` wires handlers into the router.

pub mod completion_page;
pub mod conflicts_page;
pub mod rendement;
pub mod rendement_page;
pub mod review_page;
pub mod round_page;
pub mod round_rules;
pub mod round_setup_page;
pub mod round_store;
pub mod scheme_rules;
pub mod scheme_setup_page;
pub mod scheme_store;
pub mod schemes_page;

use crate::auth::access::{require_change, require_section};
use crate::auth::roles::Section;
use crate::state::AppState;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::Router;

/// The routes of this stage, each behind the section that may see it.
pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/{tenant}/regelingen",
            get(schemes_page::schemes_list).post(scheme_setup_page::scheme_create),
        )
        .route(
            "/{tenant}/regelingen/nieuw",
            get(scheme_setup_page::scheme_new)
                .route_layer(from_fn_with_state(Section::Schemes, require_change)),
        )
        .route(
            "/{tenant}/regelingen/{regeling}",
            get(schemes_page::scheme_show).post(scheme_setup_page::scheme_update),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/wijzigen",
            get(scheme_setup_page::scheme_edit)
                .route_layer(from_fn_with_state(Section::Schemes, require_change)),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/rondes",
            post(round_setup_page::round_create),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/rondes/nieuw",
            get(round_setup_page::round_new)
                .route_layer(from_fn_with_state(Section::Schemes, require_change)),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/rondes/{ronde}",
            get(round_page::round_show).post(round_setup_page::round_update),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/rondes/{ronde}/wijzigen",
            get(round_setup_page::round_edit)
                .route_layer(from_fn_with_state(Section::Schemes, require_change)),
        )
        .route(
            "/{tenant}/regelingen/aanvragen/{id}",
            get(review_page::application_review),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/rendement",
            get(rendement_page::rendement_show).post(rendement_page::rendement_save),
        )
        .route(
            "/{tenant}/regelingen/aanvragen/{id}/aanvulling",
            post(completion_page::completion_request),
        )
        .route(
            "/{tenant}/regelingen/aanvragen/{id}/belang/{gebruiker}/opheffen",
            post(conflicts_page::conflict_lift),
        )
        .route_layer(from_fn_with_state(Section::Schemes, require_section))
}
