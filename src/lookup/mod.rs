//! Finding facilities, the pages: the wijkteam's search, handouts, publishing and the public
//! sociale kaart. The search itself is [`crate::search`]; referrals are [`crate::referrals`].

pub mod handout;
pub mod pages;
pub mod public;
pub mod public_facts;
pub mod publish;
pub mod results;

use axum::middleware::from_fn_with_state;
use axum::routing::get;
use axum::Router;

use crate::auth::access::require_section;
use crate::auth::roles::Section;
use crate::state::AppState;

/// Signed-in routes: the search, handouts and publishing.
pub fn router() -> Router<AppState> {
    let lookup = Router::new()
        .route("/{tenant}/zoeken", get(pages::search_page))
        .route_layer(from_fn_with_state(Section::Lookup, require_section));
    let handout = Router::new()
        .route("/{tenant}/voorzieningen/{id}/folder", get(pages::handout))
        .route_layer(from_fn_with_state(Section::Facilities, require_section));
    let publication = Router::new()
        .route(
            "/{tenant}/beheer/publicatie",
            get(publish::page).post(publish::set),
        )
        .route_layer(from_fn_with_state(Section::Publication, require_section));
    lookup.merge(handout).merge(publication)
}

/// Public routes: the sociale kaart of published tenants.
pub fn public_router() -> Router<AppState> {
    Router::new()
        .route("/{tenant}/kaart", get(public::search_page))
        .route("/{tenant}/kaart/{id}", get(public::facility_page))
        .route("/{tenant}/kaart/{id}/folder", get(public::handout))
}
