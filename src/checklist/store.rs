//! The checklist's queries. Each is set-based: the facilities that count for a gemeente (or
//! a wijk) come from one CTE, so the whole matrix is one query, never one per cell.

use sqlx::FromRow;
use uuid::Uuid;

use crate::db::TenantTx;
use crate::error::AppResult;

/// `counted(facility_id, gemeente_id)`: each non-archived facility with every gemeente it
/// counts for: where its buurt lies, where its werkgebied lies (a gemeente, or a wijk or buurt
/// in it), or all gemeenten when it serves the whole region. `$1` is the tenant.
const COUNTED: &str = "with area_gemeente as ( \
       select a.area_id, case a.level when 'gemeente' then a.area_id when 'wijk' then a.parent_id \
                           else w.parent_id end as gemeente_id \
       from areas a left join areas w on w.tenant_id = a.tenant_id and w.area_id = a.parent_id \
       where a.tenant_id = $1), \
     live as (select facility_id, buurt_id, serves_whole_region from facilities where tenant_id = $1 and not archived), \
     counted as ( \
       select f.facility_id, ag.gemeente_id from live f join area_gemeente ag on ag.area_id = f.buurt_id \
       union \
       select f.facility_id, ag.gemeente_id from live f \
         join facility_service_areas s on s.tenant_id = $1 and s.facility_id = f.facility_id \
         join area_gemeente ag on ag.area_id = s.area_id \
       union \
       select f.facility_id, g.area_id from live f join areas g on g.tenant_id = $1 and g.level = 'gemeente' \
       where f.serves_whole_region) ";

/// `in_wijk(facility_id, wijk_id)`: the same per wijk. A werkgebied of a whole gemeente serves
/// each of its wijken. `$1` is the tenant.
pub const IN_WIJK: &str = "with area_wijk as ( \
       select area_id, area_id as wijk_id from areas where tenant_id = $1 and level = 'wijk' \
       union all select area_id, parent_id from areas where tenant_id = $1 and level = 'buurt' \
       union all select parent_id, area_id from areas where tenant_id = $1 and level = 'wijk'), \
     live as (select facility_id, buurt_id, serves_whole_region from facilities where tenant_id = $1 and not archived), \
     in_wijk as ( \
       select f.facility_id, aw.wijk_id from live f join area_wijk aw on aw.area_id = f.buurt_id \
       union \
       select f.facility_id, aw.wijk_id from live f \
         join facility_service_areas s on s.tenant_id = $1 and s.facility_id = f.facility_id \
         join area_wijk aw on aw.area_id = s.area_id \
       union \
       select f.facility_id, w.area_id from live f join areas w on w.tenant_id = $1 and w.level = 'wijk' \
       where f.serves_whole_region) ";

/// A facility type as the checklist shows it.
#[derive(Debug, Clone, FromRow)]
pub struct ChecklistType {
    pub code: String,
    pub levensgebied: String,
    pub subgroup: String,
    pub name: String,
    pub description: String,
    pub innovative: bool,
}

/// The tenant's facility types that are not retired, in the taxonomy's order.
pub async fn types(tx: &mut TenantTx) -> AppResult<Vec<ChecklistType>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select code, levensgebied, subgroup, name, description, innovative from facility_types \
         where tenant_id = $1 and not retired order by position, lower(name), code",
    )
    .bind(tenant_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// A recorded status.
#[derive(Debug, Clone, FromRow)]
pub struct Entry {
    pub area_id: Uuid,
    pub type_code: String,
    pub status: String,
    pub note: String,
    pub version: i32,
}

/// The recorded statuses, of one gemeente or of all.
pub async fn entries(tx: &mut TenantTx, gemeente: Option<Uuid>) -> AppResult<Vec<Entry>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select area_id, type_code, status, note, version from checklist_entries \
         where tenant_id = $1 and ($2::uuid is null or area_id = $2)",
    )
    .bind(tenant_id)
    .bind(gemeente)
    .fetch_all(&mut **tx)
    .await?)
}

/// One facility under one of its types, in a gemeente it counts for.
#[derive(Debug, Clone, FromRow)]
pub struct Listed {
    pub type_code: String,
    pub gemeente_id: Uuid,
    pub facility_id: Uuid,
    pub name: String,
}

/// The facilities per type and gemeente (of one gemeente, or of all), by name.
pub async fn listed(tx: &mut TenantTx, gemeente: Option<Uuid>) -> AppResult<Vec<Listed>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(&format!(
        "{COUNTED} select l.type_code, c.gemeente_id, f.facility_id, f.name from counted c \
         join facilities f on f.tenant_id = $1 and f.facility_id = c.facility_id \
         join facility_type_links l on l.tenant_id = $1 and l.facility_id = c.facility_id \
         where $2::uuid is null or c.gemeente_id = $2 order by lower(f.name), f.facility_id"
    ))
    .bind(tenant_id)
    .bind(gemeente)
    .fetch_all(&mut **tx)
    .await?)
}

/// The number of facilities per (type, gemeente): the coverage matrix in one query.
pub async fn counts(tx: &mut TenantTx) -> AppResult<Vec<(String, Uuid, i64)>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(&format!(
        "{COUNTED} select l.type_code, c.gemeente_id, count(*) from counted c \
         join facility_type_links l on l.tenant_id = $1 and l.facility_id = c.facility_id group by 1, 2"
    ))
    .bind(tenant_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// The number of distinct facilities per type in the whole regio: a facility that serves
/// several gemeenten counts once.
pub async fn region_counts(tx: &mut TenantTx) -> AppResult<Vec<(String, i64)>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(&format!(
        "{COUNTED} select l.type_code, count(distinct c.facility_id) from counted c \
         join facility_type_links l on l.tenant_id = $1 and l.facility_id = c.facility_id group by 1"
    ))
    .bind(tenant_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// Live facilities that count nowhere: no buurt, no werkgebied, not the whole region. (Not
/// via `counted`: an anti-join against that CTE has no index and grows with the square.)
pub async fn unplaced(tx: &mut TenantTx) -> AppResult<Vec<(Uuid, String)>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select f.facility_id, f.name from facilities f where f.tenant_id = $1 and not f.archived \
           and f.buurt_id is null and not f.serves_whole_region \
           and not exists (select 1 from facility_service_areas s where s.tenant_id = $1 and s.facility_id = f.facility_id) \
         order by lower(f.name) limit 50",
    )
    .bind(tenant_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// The number of facilities per (wijk, bouwsteen).
pub async fn bouwsteen_counts(tx: &mut TenantTx) -> AppResult<Vec<(Uuid, String, i64)>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(&format!(
        "{IN_WIJK} select iw.wijk_id, b.code, count(*) from in_wijk iw \
         join facilities f on f.tenant_id = $1 and f.facility_id = iw.facility_id \
         cross join lateral unnest(f.bouwstenen) as b(code) group by 1, 2"
    ))
    .bind(tenant_id)
    .fetch_all(&mut **tx)
    .await?)
}
