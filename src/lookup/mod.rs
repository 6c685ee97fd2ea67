//! Finding facilities, the pages: the wijkteam's search, handouts, publishing and the public
//! sociale kaart. The search itself is [`crate::search`]; referrals are [`crate::referrals`].

pub mod pages;
pub mod public;
pub mod public_facts;
pub mod publish;
pub mod results;

use askama::Template;
use axum::middleware::from_fn_with_state;
use axum::routing::get;
use axum::Router;

use std::sync::Arc;

use uuid::Uuid;

use crate::auth::access::require_section;
use crate::auth::roles::Section;
use crate::error::AppResult;
use crate::search::index::TenantIndex;
use crate::search::words::Ranks;
use crate::search::TenantAndQuery;
use crate::state::AppState;
use public_facts::PublicFacts;

#[derive(Template)]
#[template(path = "lookup/handout.html")]
struct HandoutPage<'a> {
    facts: &'a PublicFacts,
    tenant_name: String,
    back: String,
    /// Only the open days (the handout must fit one page).
    compact: bool,
}

/// The printable handout: large type, no navigation, one A4 page.
pub fn handout_page(facts: &PublicFacts, tenant_name: String, back: String) -> AppResult<String> {
    Ok(HandoutPage {
        facts,
        tenant_name,
        back,
        compact: true,
    }
    .render()?)
}

/// The tenant's projection at the generation of `tenant` and, when the query has words,
/// their match.
pub async fn projection_and_ranks(
    state: &AppState,
    tenant_id: Uuid,
    tenant: &TenantAndQuery,
) -> AppResult<(Arc<TenantIndex>, Option<Ranks>)> {
    let (_, index) = state
        .cache
        .projection(&state.db, tenant_id, tenant.generation)
        .await?;
    let ranks = tenant.query.as_ref().map(|q| q.ranks(&index.text));
    Ok((index, ranks))
}

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
