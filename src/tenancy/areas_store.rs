//! Area queries, and applying a parsed CSV in one transaction.

use std::collections::HashMap;

use sqlx::FromRow;
use uuid::Uuid;

use crate::cbs::CbsCode;
use crate::db::TenantTx;
use crate::error::AppResult;
use crate::tenancy::areas_csv::AreaRecord;
use crate::web::upload::LineError;

#[derive(Debug, Clone, FromRow)]
pub struct Area {
    pub area_id: Uuid,
    pub level: String,
    pub cbs_code: String,
    pub name: String,
    pub parent_id: Option<Uuid>,
    pub version: i32,
}

pub async fn list(tx: &mut TenantTx) -> AppResult<Vec<Area>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select area_id, level, cbs_code, name, parent_id, version from areas where tenant_id = $1 order by cbs_code",
    )
    .bind(tenant_id)
    .fetch_all(&mut **tx)
    .await?)
}

pub async fn get(tx: &mut TenantTx, area_id: Uuid) -> AppResult<Option<Area>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select area_id, level, cbs_code, name, parent_id, version from areas where tenant_id = $1 and area_id = $2",
    )
    .bind(tenant_id)
    .bind(area_id)
    .fetch_optional(&mut **tx)
    .await?)
}

pub async fn id_by_code(tx: &mut TenantTx, code: &str) -> AppResult<Option<Uuid>> {
    let tenant_id = tx.tenant_id();
    Ok(
        sqlx::query_scalar("select area_id from areas where tenant_id = $1 and cbs_code = $2")
            .bind(tenant_id)
            .bind(code)
            .fetch_optional(&mut **tx)
            .await?,
    )
}

/// What still refers to an area, so that deleting it would break a record.
#[derive(Debug, Default, FromRow)]
pub struct AreaUse {
    /// Areas (wijken, buurten) that lie in it.
    pub children: i64,
    /// Facilities in this buurt (archived ones included).
    pub facilities: i64,
    /// Facilities that name it in their werkgebied.
    pub service_areas: i64,
    /// Checklist entries recorded for it.
    pub checklist_entries: i64,
    /// Referrals counted for this wijk.
    pub referrals: i64,
}

impl AreaUse {
    /// "3 voorzieningen (als buurt), 12 verwijzingen": what uses it, in Dutch; `None` when unused.
    pub fn describe(&self) -> Option<String> {
        let parts: Vec<String> = [
            (
                self.children,
                "gebied",
                "gebieden",
                " dat erin ligt",
                " die erin liggen",
            ),
            (
                self.facilities,
                "voorziening",
                "voorzieningen",
                " in deze buurt",
                " in deze buurt",
            ),
            (
                self.service_areas,
                "voorziening",
                "voorzieningen",
                " met dit gebied in het werkgebied",
                " met dit gebied in het werkgebied",
            ),
            (
                self.checklist_entries,
                "checklistregel",
                "checklistregels",
                "",
                "",
            ),
            (
                self.referrals,
                "verwijzing",
                "verwijzingen",
                " vanuit deze wijk",
                " vanuit deze wijk",
            ),
        ]
        .into_iter()
        .filter(|(n, ..)| *n > 0)
        .map(|(n, one, many, one_rest, many_rest)| {
            if n == 1 {
                format!("1 {one}{one_rest}")
            } else {
                format!("{n} {many}{many_rest}")
            }
        })
        .collect();
        match parts.as_slice() {
            [] => None,
            [only] => Some(only.clone()),
            [rest @ .., last] => Some(format!("{} en {last}", rest.join(", "))),
        }
    }
}

/// Counts what refers to `area_id`; one statement.
pub async fn usage(tx: &mut TenantTx, area_id: Uuid) -> AppResult<AreaUse> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select \
           (select count(*) from areas where tenant_id = $1 and parent_id = $2) as children, \
           (select count(*) from facilities where tenant_id = $1 and buurt_id = $2) as facilities, \
           (select count(*) from facility_service_areas where tenant_id = $1 and area_id = $2) as service_areas, \
           (select count(*) from checklist_entries where tenant_id = $1 and area_id = $2) as checklist_entries, \
           (select count(*) from referrals where tenant_id = $1 and wijk_id = $2) as referrals",
    )
    .bind(tenant_id)
    .bind(area_id)
    .fetch_one(&mut **tx)
    .await?)
}

/// The tenant's own gemeente code, for a gemeente tenant (a regio may hold several gemeenten).
pub async fn tenant_gemeente(tx: &mut TenantTx) -> AppResult<Option<String>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_scalar(
        "select cbs_code from tenants where tenant_id = $1 and kind = 'gemeente'",
    )
    .bind(tenant_id)
    .fetch_optional(&mut **tx)
    .await?
    .flatten())
}

/// Checks that `code` may be registered by this tenant: a gemeente tenant keeps only areas
/// in its own gemeente.
pub fn check_within(code: &CbsCode, own_gemeente: Option<&str>) -> Result<(), String> {
    match own_gemeente {
        Some(own) if code.gemeente().as_str() != own => Err(format!(
            "{} ligt niet in gemeente {own}; deze organisatie beheert alleen gebieden in die gemeente.",
            code.as_str()
        )),
        _ => Ok(()),
    }
}

#[derive(Debug, Default)]
pub struct ImportSummary {
    pub created: usize,
    pub updated: usize,
}

/// Inserts or renames every record (parents first); all or nothing: on any error nothing is
/// written and every error is returned.
pub async fn apply(
    tx: &mut TenantTx,
    mut records: Vec<AreaRecord>,
) -> AppResult<Result<ImportSummary, Vec<LineError>>> {
    let tenant_id = tx.tenant_id();
    let own = tenant_gemeente(tx).await?;
    let existing: HashMap<String, Uuid> = sqlx::query_as::<_, (String, Uuid)>(
        "select cbs_code, area_id from areas where tenant_id = $1",
    )
    .bind(tenant_id)
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .collect();
    let in_file: std::collections::HashSet<String> = records
        .iter()
        .map(|r| r.code.as_str().to_string())
        .collect();
    let mut errors = Vec::new();
    for record in &records {
        if let Err(message) = check_within(&record.code, own.as_deref()) {
            errors.push(LineError::new(record.line, "code", message));
        } else if let Some(parent) = record.code.parent() {
            if !existing.contains_key(parent.as_str()) && !in_file.contains(parent.as_str()) {
                errors.push(LineError::new(
                    record.line,
                    "code",
                    format!(
                        "Het bovenliggende gebied {} bestaat niet en staat niet in het bestand.",
                        parent.as_str()
                    ),
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    records.sort_by_key(|r| (r.code.level(), r.line));
    let mut ids = existing;
    let mut summary = ImportSummary::default();
    for record in records {
        let parent_id = record
            .code
            .parent()
            .and_then(|p| ids.get(p.as_str()).copied());
        let (area_id, inserted): (Uuid, bool) = sqlx::query_as(
            "insert into areas (tenant_id, level, cbs_code, name, parent_id) values ($1, $2, $3, $4, $5) \
             on conflict (tenant_id, cbs_code) do update set name = excluded.name, \
               version = areas.version + 1, updated_at = now() \
             returning area_id, (xmax = 0)",
        )
        .bind(tenant_id)
        .bind(record.code.level().as_str())
        .bind(record.code.as_str())
        .bind(&record.name)
        .bind(parent_id)
        .fetch_one(&mut **tx)
        .await?;
        if inserted {
            summary.created += 1;
        } else {
            summary.updated += 1;
        }
        ids.insert(record.code.as_str().to_string(), area_id);
    }
    Ok(Ok(summary))
}
