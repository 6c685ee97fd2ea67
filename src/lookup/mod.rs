//! Finding facilities (DOMAIN.md §5): the wijkteam's lookup, handouts, referral counts and
//! the public sociale kaart.

pub mod index;
pub mod pages;
pub mod params;
pub mod public;
pub mod publish;
pub mod referrals;
pub mod results;
pub mod search;
pub mod sheet;
pub mod text;
pub mod words;

use askama::Template;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::Router;

use crate::auth::access::require_section;
use crate::auth::roles::Section;
use crate::error::AppResult;
use crate::state::AppState;
use sheet::Sheet;

#[derive(Template)]
#[template(path = "lookup/handout.html")]
struct HandoutPage {
    sheet: Sheet,
    tenant_name: String,
    back: String,
    /// Only the open days (the handout must fit one page).
    compact: bool,
}

/// The printable handout: large type, no navigation, one A4 page.
pub fn handout_page(sheet: Sheet, tenant_name: String, back: String) -> AppResult<String> {
    Ok(HandoutPage { sheet, tenant_name, back, compact: true }.render()?)
}

/// The tenant's projection at `generation` and, when `q` has words, each facility's rank
/// (`None`: no match). One query analyses the words; the rest happens in memory.
pub async fn find(
    state: &AppState,
    tx: &mut crate::db::Tx,
    tenant_id: uuid::Uuid,
    generation: i64,
    q: &str,
) -> AppResult<(std::sync::Arc<index::TenantIndex>, Option<Vec<Option<f32>>>)> {
    let index = state.lookup.get(tx, tenant_id, generation).await?;
    let ranks = words::analyse(tx, q).await?.map(|query| words::ranks(&query, &index));
    Ok((index, ranks))
}

/// Signed-in routes: the search, handouts, referrals and their counts.
pub fn router() -> Router<AppState> {
    let lookup = Router::new()
        .route("/{tenant}/zoeken", get(pages::search_page))
        .route("/{tenant}/voorzieningen/{id}/verwijzing", post(referrals::record))
        .route_layer(from_fn_with_state(Section::Lookup, require_section));
    let handout = Router::new()
        .route("/{tenant}/voorzieningen/{id}/folder", get(pages::handout))
        .route_layer(from_fn_with_state(Section::Facilities, require_section));
    let counts = Router::new()
        .route("/{tenant}/verwijzingen", get(referrals::counts))
        .route("/{tenant}/verwijzingen/export.csv", get(referrals::export))
        .route_layer(from_fn_with_state(Section::Referrals, require_section));
    let publication = Router::new()
        .route("/{tenant}/beheer/publicatie", get(publish::page).post(publish::set))
        .route_layer(from_fn_with_state(Section::Publication, require_section));
    lookup.merge(handout).merge(counts).merge(publication)
}

/// Public routes: the sociale kaart of published tenants.
pub fn public_router() -> Router<AppState> {
    Router::new()
        .route("/{tenant}/kaart", get(public::search_page))
        .route("/{tenant}/kaart/{id}", get(public::facility_page))
        .route("/{tenant}/kaart/{id}/folder", get(public::handout))
}
