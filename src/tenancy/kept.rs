//! Values built from a tenant's register, kept until its `register_generation` moves (statement
//! triggers move it on every change of the register): the names a facility page shows, say.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use uuid::Uuid;

use crate::db::TenantTx;
use crate::error::AppResult;

pub struct PerGeneration<T>(Mutex<HashMap<Uuid, (i64, Arc<T>)>>);

impl<T> Default for PerGeneration<T> {
    fn default() -> Self {
        PerGeneration(Mutex::new(HashMap::new()))
    }
}

impl<T> PerGeneration<T> {
    /// The value kept for the tenant at exactly `generation`.
    pub fn get(&self, tenant_id: Uuid, generation: i64) -> Option<Arc<T>> {
        self.0
            .lock()
            .expect("kept")
            .get(&tenant_id)
            .filter(|(g, _)| *g == generation)
            .map(|(_, v)| v.clone())
    }

    /// Keeps `value`, built from what the tenant's register was at `generation` or later.
    pub fn put(&self, tenant_id: Uuid, generation: i64, value: T) -> Arc<T> {
        let value = Arc::new(value);
        self.0
            .lock()
            .expect("kept")
            .insert(tenant_id, (generation, value.clone()));
        value
    }
}

/// The tenant's register generation, read in its transaction (read it before what it labels).
pub async fn generation(tx: &mut TenantTx) -> AppResult<i64> {
    let tenant_id = tx.tenant_id();
    Ok(
        sqlx::query_scalar("select register_generation from tenants where tenant_id = $1")
            .bind(tenant_id)
            .fetch_optional(&mut **tx)
            .await?
            .unwrap_or(0),
    )
}
