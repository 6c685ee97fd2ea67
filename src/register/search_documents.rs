//! The upkeep of the facilities' search documents on every write that changes what they hold
//! (`facility_search_refresh`, see the lookup migration): a facility saved, a type, provider or
//! area renamed. The search reads them in [`crate::search::load`].

use uuid::Uuid;

use crate::db::TenantTx;
use crate::error::AppResult;

/// Recomputes the search documents of the tenant's facilities `ids` (all when `None`).
pub async fn refresh(tx: &mut TenantTx, ids: Option<&[Uuid]>) -> AppResult<()> {
    let tenant_id = tx.tenant_id();
    sqlx::query("select facility_search_refresh($1, $2)")
        .bind(tenant_id)
        .bind(ids)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The search documents of tenant `$1`'s facilities of the types `$2`. Shared with the national
/// taxonomy sync, which runs in the owner's transaction over every tenant.
pub(crate) const REFRESH_TYPES: &str =
    "select facility_search_refresh($1, array(select distinct facility_id from facility_type_links \
     where tenant_id = $1 and type_code = any ($2)))";

/// Recomputes the search documents of the facilities of the given types (renamed, aliased).
pub async fn refresh_types(tx: &mut TenantTx, codes: &[String]) -> Result<(), sqlx::Error> {
    let tenant_id = tx.tenant_id();
    sqlx::query(REFRESH_TYPES)
        .bind(tenant_id)
        .bind(codes)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Recomputes the search documents of a provider's facilities (renamed).
pub async fn refresh_provider(tx: &mut TenantTx, provider_id: Uuid) -> AppResult<()> {
    let tenant_id = tx.tenant_id();
    sqlx::query("select facility_search_refresh($1, array(select facility_id from facilities where tenant_id = $1 and provider_id = $2))")
        .bind(tenant_id)
        .bind(provider_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
