//! The published tenant an API request names ([`published_tx`], [`published_projection`]) and
//! its taxonomies ([`vocabulary`]); 404 for any other tenant, published or not.

use std::sync::Arc;

use super::api::{ApiError, ApiResult};
use super::vocabulary::Vocabulary;
use crate::cache::TenantCache;
use crate::db::TenantTx;
use crate::state::AppState;
use crate::tenancy::published::{Published, PublishedProjection};

/// The published tenant `slug` and a transaction that sees only its rows; 404 for any
/// other tenant, published or not.
pub async fn published_tx(state: &AppState, slug: &str) -> ApiResult<(Published, TenantTx)> {
    crate::tenancy::published::by_slug(&state.slugs, &state.db, slug)
        .await?
        .ok_or(ApiError::NotFound)
}

/// The published tenant `slug`, its register's cache and projection and the analysis of
/// `search`: one statement while the projection is current. 404 for any other tenant.
pub async fn published_projection(
    state: &AppState,
    slug: &str,
    search: &str,
) -> ApiResult<PublishedProjection> {
    crate::tenancy::published::published_projection(
        &state.slugs,
        &state.db,
        &state.cache,
        &state.analyses,
        slug,
        search,
    )
    .await?
    .ok_or(ApiError::NotFound)
}

/// The tenant's taxonomies, built once per generation of its register.
pub async fn vocabulary(
    state: &AppState,
    published: &Published,
    cache: &TenantCache,
) -> ApiResult<Arc<Vocabulary>> {
    if let Some(v) = cache.hsds_vocabulary() {
        return Ok(v);
    }
    let mut tx = state.db.tenant_tx(published.tenant_id).await?;
    let vocabulary = Vocabulary::load(&mut tx).await?;
    tx.commit().await?;
    Ok(cache.keep_hsds_vocabulary(vocabulary))
}
