//! Deciding a round: the computed price points, the ranking and award within the plafond,
//! deciding an onderdeel once, the decision as the letters show it, and verdaging (Awb 4:14).
//!
//! Where a file goes: a plain file holds types, rules and queries (no axum, no askama, no
//! `AppState`); a `*_page.rs` file holds the templates and handlers and what only they use;
//! plain files never import page files; only `mod.rs` wires handlers into the router.

pub mod award;
pub mod decide_page;
pub mod deciding;
pub mod decision;
pub mod delay;
pub mod delay_page;
pub mod outcome;
pub mod outliers;
pub mod outliers_page;
pub mod price;
pub mod ranking;
pub mod ranking_page;

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
            "/{tenant}/regelingen/{regeling}/rondes/{ronde}/rangschikking",
            get(ranking_page::ranking_show),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/rondes/{ronde}/verdagen",
            post(delay_page::delay_record),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/rondes/{ronde}/rangschikking.csv",
            get(ranking_page::ranking_csv),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/rondes/{ronde}/onderdelen/{onderdeel}/besluiten",
            post(decide_page::category_decide),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/rondes/{ronde}/onderdelen/{onderdeel}/uitschieters/{id}",
            post(outliers_page::outlier_check),
        )
        .route_layer(from_fn_with_state(Section::Schemes, require_section))
}
