//! Tenants whose register is public (the sociale kaart and the HSDS API): the one way those
//! routes find their tenant and open its transaction.

use std::collections::HashMap;
use std::sync::RwLock;

use sqlx::PgPool;
use uuid::Uuid;

use crate::db::{Db, TenantTx};

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
