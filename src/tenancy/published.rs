//! Tenants whose register is public (the sociale kaart and the HSDS API): the one way those
//! routes find their tenant, open its transaction ([`by_slug`]) or take what is kept of its
//! register ([`published_projection`]).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use sqlx::PgPool;
use uuid::Uuid;

use crate::cache::{RegisterCache, TenantCache};
use crate::db::{Db, TenantTx};
use crate::error::AppResult;
use crate::search::analysis::Analyses;
use crate::search::index::TenantIndex;
use crate::search::query::Query;

/// Slugs never change, so the slug → tenant id lookup is remembered (found ones only).
#[derive(Default)]
pub struct Slugs(RwLock<HashMap<String, Uuid>>);

impl Slugs {
    pub async fn tenant_id(&self, pool: &PgPool, slug: &str) -> Result<Option<Uuid>, sqlx::Error> {
        if let Some(id) = self.0.read().expect("slugs").get(slug) {
            return Ok(Some(*id));
        }
        if slug.len() > 40 {
            return Ok(None);
        }
        let id: Option<Uuid> = sqlx::query_scalar("select tenant_id from tenants where slug = $1")
            .bind(slug)
            .fetch_optional(pool)
            .await?;
        if let Some(id) = id {
            self.0.write().expect("slugs").insert(slug.to_string(), id);
        }
        Ok(id)
    }
}

/// A tenant whose register is public.
pub struct Published {
    pub tenant_id: Uuid,
    pub slug: String,
    pub name: String,
    /// `tenants.register_generation`, for caches of the register.
    pub generation: i64,
}

/// Opens the transaction of the published tenant `slug` ([`Db::published_tx`]: one statement
/// reads the tenant and admits its rows). `None` for an unknown or unpublished tenant.
pub async fn by_slug(
    slugs: &Slugs,
    db: &Db,
    slug: &str,
) -> Result<Option<(Published, TenantTx)>, sqlx::Error> {
    let Some(tenant_id) = slugs.tenant_id(db.pool(), slug).await? else {
        return Ok(None);
    };
    Ok(db.published_tx(tenant_id).await?.map(|(tenant, tx)| {
        (
            Published {
                tenant_id,
                slug: slug.to_string(),
                name: tenant.name,
                generation: tenant.generation,
            },
            tx,
        )
    }))
}

/// A published tenant with what is kept of its register: its cache and search projection,
/// and the analysis of the query.
pub struct PublishedProjection {
    pub tenant: Published,
    pub cache: Arc<TenantCache>,
    pub index: Arc<TenantIndex>,
    /// `None`: the query has no words, everything matches.
    pub query: Option<std::sync::Arc<Query>>,
}

/// The published tenant `slug`, its projection and the analysis of `q`: one statement while
/// the projection is current. `None` for an unknown or unpublished tenant. The kaart and the
/// HSDS API find their tenant this way (with the state's `slugs`, `db`, `cache` and `analyses`).
pub async fn published_projection(
    slugs: &Slugs,
    db: &Db,
    cache: &RegisterCache,
    analyses: &Analyses,
    slug: &str,
    q: &str,
) -> AppResult<Option<PublishedProjection>> {
    let Some(tenant_id) = slugs.tenant_id(db.pool(), slug).await? else {
        return Ok(None);
    };
    let Some(found) = crate::search::tenant_and_query(db, analyses, tenant_id, q)
        .await?
        .filter(|t| t.published)
    else {
        return Ok(None);
    };
    let (cache, index) = cache.projection(db, tenant_id, found.generation).await?;
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
