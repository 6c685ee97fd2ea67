//! Finding facilities: the wijkteam's lookup, handouts, referral counts and the public
//! sociale kaart.

pub mod bits;
pub mod filters;
pub mod index;
pub mod load;
pub mod pages;
pub mod params;
pub mod public;
pub mod public_facts;
pub mod publish;
pub mod referrals;
pub mod results;
pub mod search;
pub mod text;
pub mod words;

use askama::Template;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::Router;

use std::sync::{Arc, LazyLock};

use uuid::Uuid;

use crate::auth::access::require_section;
use crate::auth::roles::Section;
use crate::cache::TenantCache;
use crate::db::Db;
use crate::error::AppResult;
use crate::state::AppState;
use crate::tenancy::published::Published;
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

/// What a search needs to know of its tenant before it can run, read in one statement outside
/// any transaction: the tenant, how far its register is, and the query's words analysed.
pub struct TenantAndQuery {
    pub name: String,
    pub generation: i64,
    pub published: bool,
    /// `None`: the query has no words, everything matches.
    pub query: Option<words::Query>,
}

static TENANT_AND_QUERY: LazyLock<String> = LazyLock::new(|| {
    format!(
        "select name, register_generation, published, {} from tenants where tenant_id = $1",
        words::analysis_sql(2)
    )
});

/// The tenant `tenant_id` and the analysis of `q`; `None` for an unknown tenant.
pub async fn tenant_and_query(
    db: &Db,
    tenant_id: Uuid,
    q: &str,
) -> AppResult<Option<TenantAndQuery>> {
    type Row = (String, i64, bool, Option<Vec<String>>, Option<String>);
    let row: Option<Row> = sqlx::query_as(&TENANT_AND_QUERY)
        .bind(tenant_id)
        .bind(words::query_text(q))
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(
        |(name, generation, published, stems, plain)| TenantAndQuery {
            name,
            generation,
            published,
            query: words::from_analysis(stems, plain),
        },
    ))
}

/// A published tenant with what is kept of its register: its cache and search projection,
/// and the analysis of the query.
pub struct PublishedProjection {
    pub tenant: Published,
    pub cache: Arc<TenantCache>,
    pub index: Arc<index::TenantIndex>,
    /// `None`: the query has no words, everything matches.
    pub query: Option<words::Query>,
}

/// The published tenant `slug`, its projection and the analysis of `q`: one statement while
/// the projection is current. `None` for an unknown or unpublished tenant. The kaart and the
/// HSDS API find their tenant this way.
pub async fn published_projection(
    state: &AppState,
    slug: &str,
    q: &str,
) -> AppResult<Option<PublishedProjection>> {
    let Some(tenant_id) = state.slugs.tenant_id(state.db.pool(), slug).await? else {
        return Ok(None);
    };
    let Some(found) = tenant_and_query(&state.db, tenant_id, q)
        .await?
        .filter(|t| t.published)
    else {
        return Ok(None);
    };
    let (cache, index) = state
        .cache
        .projection(&state.db, tenant_id, found.generation)
        .await?;
    let tenant = Published {
        tenant_id,
        slug: slug.to_string(),
        name: found.name,
        generation: found.generation,
    };
    Ok(Some(PublishedProjection {
        tenant,
        cache,
        index,
        query: found.query,
    }))
}

/// The tenant's projection at the generation of `tenant` and, when the query has words,
/// their match.
pub async fn projection_and_ranks(
    state: &AppState,
    tenant_id: Uuid,
    tenant: &TenantAndQuery,
) -> AppResult<(Arc<index::TenantIndex>, Option<words::Ranks>)> {
    let (_, index) = state
        .cache
        .projection(&state.db, tenant_id, tenant.generation)
        .await?;
    let ranks = tenant.query.as_ref().map(|q| q.ranks(&index.text));
    Ok((index, ranks))
}

/// Signed-in routes: the search, handouts, referrals and their counts.
pub fn router() -> Router<AppState> {
    let lookup = Router::new()
        .route("/{tenant}/zoeken", get(pages::search_page))
        .route(
            "/{tenant}/voorzieningen/{id}/verwijzing",
            post(referrals::record),
        )
        .route_layer(from_fn_with_state(Section::Lookup, require_section));
    let handout = Router::new()
        .route("/{tenant}/voorzieningen/{id}/folder", get(pages::handout))
        .route_layer(from_fn_with_state(Section::Facilities, require_section));
    let counts = Router::new()
        .route("/{tenant}/verwijzingen", get(referrals::counts))
        .route("/{tenant}/verwijzingen/export.csv", get(referrals::export))
        .route_layer(from_fn_with_state(Section::Referrals, require_section));
    let publication = Router::new()
        .route(
            "/{tenant}/beheer/publicatie",
            get(publish::page).post(publish::set),
        )
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
