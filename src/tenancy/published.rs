//! Tenants whose register is public (the sociale kaart and the HSDS API): the one way those
//! routes find their tenant and open its transaction.

use std::collections::HashMap;
use std::sync::RwLock;

use sqlx::PgPool;
use uuid::Uuid;

use crate::db::Tx;

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

/// Opens the transaction of the published tenant `slug`: one statement reads the tenant and
/// admits its rows. `None` for an unknown or unpublished tenant.
pub async fn open(
    slugs: &Slugs,
    pool: &PgPool,
    slug: &str,
) -> Result<Option<(Published, Tx)>, sqlx::Error> {
    let Some(tenant_id) = slugs.tenant_id(pool, slug).await? else {
        return Ok(None);
    };
    let mut tx = pool.begin().await?;
    let row: Option<(String, i64)> = sqlx::query_as(
        "select name, register_generation from tenants, set_config('app.tenant_id', $1::text, true) \
         where tenant_id = $1::uuid and published",
    )
    .bind(tenant_id.to_string())
    .fetch_optional(&mut *tx)
    .await?;
    Ok(row.map(|(name, generation)| {
        (
            Published {
                tenant_id,
                slug: slug.to_string(),
                name,
                generation,
            },
            tx,
        )
    }))
}
