//! Open data of the grants: the public page and the 360Giving 1.4.3 package.
//!
//! Where a file goes: a plain file holds types, rules and queries (no axum, no askama, no
//! `AppState`); a `*_page.rs` file holds the templates and handlers and what only they use;
//! plain files never import page files; only `mod.rs` wires handlers into the router.

pub mod grants_page;

use axum::routing::get;
use axum::Router;

use crate::state::AppState;

/// Public routes: the granted subsidies of a published tenant, as a page and as 360Giving data.
pub fn public_router() -> Router<AppState> {
    Router::new().route("/{tenant}/kaart/subsidies", get(grants_page::grants_page))
}

/// Open data, outside sessions and CSRF (nothing here changes state).
pub fn api_router() -> Router<AppState> {
    Router::new().route(
        "/api/360giving/{tenant}/grants.json",
        get(grants_page::grants_json),
    )
}
