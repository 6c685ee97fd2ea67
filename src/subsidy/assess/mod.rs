//! Assessing: conflict-of-interest declarations, scores per criterion and final scores.
//!
//! Where a file goes: a plain file holds types, rules and queries (no axum, no askama, no
//! `AppState`); a `*_page.rs` file holds the templates and handlers and what only they use;
//! plain files never import page files; only `mod.rs` wires handlers into the router.

pub mod assessment_page;
pub mod conflicts;
pub mod declaration_page;
pub mod final_scores;
pub mod scores;
pub mod scores_page;
pub mod standing;

use crate::auth::access::require_section;
use crate::auth::roles::Section;
use crate::state::AppState;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::Router;

/// The routes of this stage, each behind the section that may see it.
pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/{tenant}/beoordelen",
            get(assessment_page::assessment_list),
        )
        .route(
            "/{tenant}/beoordelen/{id}",
            get(assessment_page::assessment_show),
        )
        .route(
            "/{tenant}/beoordelen/{id}/verklaring",
            post(declaration_page::declaration_record),
        )
        .route(
            "/{tenant}/beoordelen/{id}/scores",
            post(scores_page::scores_save),
        )
        .route(
            "/{tenant}/beoordelen/{id}/eindscore",
            post(scores_page::final_scores_save),
        )
        .route_layer(from_fn_with_state(Section::Assessment, require_section))
}
