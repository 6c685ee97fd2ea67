//! The queries of supply against demand: the named indicators, their values per wijk, the
//! residents per wijk and which facilities serve which wijk.

use std::collections::HashMap;

use sqlx::FromRow;
use uuid::Uuid;

use super::store::IN_WIJK;
use crate::db::TenantTx;
use crate::error::AppResult;

/// A named demand indicator of the tenant.
#[derive(Debug, Clone, FromRow)]
pub struct Indicator {
    pub code: String,
    pub name: String,
    /// `aantal` or `percentage` (of the residents).
    pub unit: String,
    pub source: String,
    pub year: Option<i32>,
    pub main: bool,
    pub version: i32,
}

impl Indicator {
    pub fn percentage(&self) -> bool {
        self.unit == "percentage"
    }

    pub fn unit_label(&self) -> &'static str {
        if self.percentage() {
            "percentage van de inwoners"
        } else {
            "aantal"
        }
    }

    /// "GGD Gezondheidsmonitor, 2022" or what there is of it.
    pub fn source_text(&self) -> String {
        match (self.source.trim(), self.year) {
            ("", None) => "bron onbekend".into(),
            ("", Some(y)) => y.to_string(),
            (s, None) => s.to_string(),
            (s, Some(y)) => format!("{s}, {y}"),
        }
    }
}

/// The indicators, the main one first.
pub async fn indicators(tx: &mut TenantTx) -> AppResult<Vec<Indicator>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select code, name, unit, source, year, main, version from demand_indicators \
         where tenant_id = $1 order by main desc, lower(name), code",
    )
    .bind(tenant_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// Every stored value: (wijk, indicator) → value.
pub async fn values(tx: &mut TenantTx) -> AppResult<HashMap<(Uuid, String), f64>> {
    let tenant_id = tx.tenant_id();
    let rows: Vec<(Uuid, String, f64)> = sqlx::query_as(
        "select area_id, indicator, value::float8 from area_demand where tenant_id = $1",
    )
    .bind(tenant_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|(a, i, v)| ((a, i), v)).collect())
}

/// The residents of the wijken that have a figure.
pub async fn residents(tx: &mut TenantTx) -> AppResult<HashMap<Uuid, i32>> {
    let tenant_id = tx.tenant_id();
    let rows: Vec<(Uuid, i32)> = sqlx::query_as(
        "select area_id, residents from areas where tenant_id = $1 and level = 'wijk' and residents is not null",
    )
    .bind(tenant_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().collect())
}

/// One facility serving one wijk, with its places at once.
#[derive(Debug, Clone, FromRow)]
pub struct Served {
    pub facility_id: Uuid,
    pub wijk_id: Uuid,
    pub at_once: Option<i32>,
    pub per_day: Option<i32>,
}

/// Which live facility lies in or serves which wijk (the same rule as the bouwstenen).
pub async fn served(tx: &mut TenantTx) -> AppResult<Vec<Served>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(&format!(
        "{IN_WIJK} select iw.facility_id, iw.wijk_id, f.capacity_at_once as at_once, f.capacity_per_day as per_day \
         from in_wijk iw join facilities f on f.tenant_id = $1 and f.facility_id = iw.facility_id"
    ))
    .bind(tenant_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// Serialises demand changes of one tenant until the transaction ends, so the stamp check and
/// the write that follows it cannot interleave with another save.
pub async fn lock(tx: &mut TenantTx) -> AppResult<()> {
    let tenant_id = tx.tenant_id();
    sqlx::query("select pg_advisory_xact_lock(hashtextextended('area_demand:' || $1::text, 0))")
        .bind(tenant_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A token over the values of one indicator and the residents: the form carries it, so a
/// second save over someone else's is refused.
pub async fn stamp(tx: &mut TenantTx, indicator: &str) -> AppResult<String> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_scalar(
        "select md5(coalesce((select string_agg(area_id::text || '=' || value::text, ',' order by area_id) \
           from area_demand where tenant_id = $1 and indicator = $2), '') || '|' || \
           coalesce((select string_agg(area_id::text || '=' || residents::text, ',' order by area_id) \
           from areas where tenant_id = $1 and level = 'wijk' and residents is not null), ''))",
    )
    .bind(tenant_id)
    .bind(indicator)
    .fetch_one(&mut **tx)
    .await?)
}

/// Sets (or with `None` clears) the values of one indicator; the caller audits.
pub async fn set_values(
    tx: &mut TenantTx,
    indicator: &str,
    changes: &[(Uuid, Option<f64>)],
) -> AppResult<()> {
    let tenant_id = tx.tenant_id();
    let clear: Vec<Uuid> = changes
        .iter()
        .filter(|(_, v)| v.is_none())
        .map(|(id, _)| *id)
        .collect();
    let (ids, values): (Vec<Uuid>, Vec<f64>) = changes
        .iter()
        .filter_map(|(id, v)| v.map(|v| (*id, v)))
        .unzip();
    sqlx::query(
        "delete from area_demand where tenant_id = $1 and indicator = $2 and area_id = any($3)",
    )
    .bind(tenant_id)
    .bind(indicator)
    .bind(&clear)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "insert into area_demand (tenant_id, area_id, indicator, value) \
         select $1, d.id, $2, d.value::numeric(12, 1) from unnest($3::uuid[], $4::float8[]) as d(id, value) \
         on conflict (tenant_id, area_id, indicator) do update set value = excluded.value, updated_at = now()",
    )
    .bind(tenant_id)
    .bind(indicator)
    .bind(&ids)
    .bind(&values)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Sets (or clears) the residents of wijken; the caller audits.
pub async fn set_residents(tx: &mut TenantTx, changes: &[(Uuid, Option<i32>)]) -> AppResult<()> {
    let tenant_id = tx.tenant_id();
    let (ids, values): (Vec<Uuid>, Vec<Option<i32>>) = changes.iter().copied().unzip();
    sqlx::query(
        "update areas a set residents = d.value, updated_at = now() \
         from unnest($2::uuid[], $3::int[]) as d(id, value) \
         where a.tenant_id = $1 and a.area_id = d.id and a.level = 'wijk'",
    )
    .bind(tenant_id)
    .bind(&ids)
    .bind(&values)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What the indicator form holds.
#[derive(Debug, Clone, Default)]
pub struct IndicatorInput {
    pub name: String,
    pub unit: String,
    pub source: String,
    pub year: Option<i32>,
    pub main: bool,
}

/// Makes `code` the only main indicator (or none when `main` is false for it).
async fn set_main(tx: &mut TenantTx, code: &str, main: bool) -> AppResult<()> {
    let tenant_id = tx.tenant_id();
    if main {
        sqlx::query("update demand_indicators set main = false where tenant_id = $1 and main and code <> $2")
            .bind(tenant_id)
            .bind(code)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Adds an indicator under a free code; the caller audits.
pub async fn insert(tx: &mut TenantTx, code: &str, input: &IndicatorInput) -> AppResult<()> {
    let tenant_id = tx.tenant_id();
    set_main(tx, code, input.main).await?;
    sqlx::query(
        "insert into demand_indicators (tenant_id, code, name, unit, source, year, main) \
         values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tenant_id)
    .bind(code)
    .bind(&input.name)
    .bind(&input.unit)
    .bind(&input.source)
    .bind(input.year)
    .bind(input.main)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Changes an indicator if nobody did since `version`; false when someone did.
pub async fn update(
    tx: &mut TenantTx,
    code: &str,
    version: i32,
    input: &IndicatorInput,
) -> AppResult<bool> {
    let tenant_id = tx.tenant_id();
    set_main(tx, code, input.main).await?;
    let done = sqlx::query(
        "update demand_indicators set name = $4, unit = $5, source = $6, year = $7, main = $8, \
           version = version + 1, updated_at = now() \
         where tenant_id = $1 and code = $2 and version = $3",
    )
    .bind(tenant_id)
    .bind(code)
    .bind(version)
    .bind(&input.name)
    .bind(&input.unit)
    .bind(&input.source)
    .bind(input.year)
    .bind(input.main)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
