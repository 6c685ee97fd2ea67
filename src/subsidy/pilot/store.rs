//! Queries of the pilot regelingen (§6b): partners, clients per partner per year, and the
//! versions of each year's allocation. Every query runs in a [`TenantTx`] and names its tenant.

use sqlx::FromRow;
use time::OffsetDateTime;
use uuid::Uuid;

use std::collections::BTreeMap;

use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::subsidy::common::store;
use crate::subsidy::pilot::allocation::{self, largest_remainder};
use crate::subsidy::pilot::scheme::pilot_scheme;

#[derive(Debug, Clone, FromRow)]
pub struct Partner {
    pub provider_id: Uuid,
    pub name: String,
}

/// The partners of a pilot, by name (the order the allocation rule breaks ties in).
pub async fn partners(tx: &mut TenantTx, scheme_id: Uuid) -> AppResult<Vec<Partner>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select p.provider_id, v.name from pilot_partners p \
         join providers v on v.tenant_id = p.tenant_id and v.provider_id = p.provider_id \
         where p.tenant_id = $1 and p.scheme_id = $2 order by v.name, p.provider_id",
    )
    .bind(tenant_id)
    .bind(scheme_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// The tenant's providers that are not yet partners of the pilot.
pub async fn candidates(tx: &mut TenantTx, scheme_id: Uuid) -> AppResult<Vec<Partner>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select v.provider_id, v.name from providers v where v.tenant_id = $1 and not exists \
         (select 1 from pilot_partners p where p.tenant_id = v.tenant_id and p.scheme_id = $2 \
          and p.provider_id = v.provider_id) order by v.name",
    )
    .bind(tenant_id)
    .bind(scheme_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// Adds a provider of the tenant as partner; false when it is no provider of the tenant.
pub async fn add_partner(
    tx: &mut TenantTx,
    scheme_id: Uuid,
    provider_id: Uuid,
    by: &str,
) -> AppResult<bool> {
    let tenant_id = tx.tenant_id();
    let added = sqlx::query(
        "insert into pilot_partners (tenant_id, scheme_id, provider_id, added_by) \
         select tenant_id, $2, provider_id, $4 from providers where tenant_id = $1 and provider_id = $3 \
         on conflict do nothing",
    )
    .bind(tenant_id)
    .bind(scheme_id)
    .bind(provider_id)
    .bind(by)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(added == 1)
}

/// Clients per partner (all wijken together) of one year and basis.
pub async fn clients(
    tx: &mut TenantTx,
    scheme_id: Uuid,
    year: i32,
    basis: &str,
) -> AppResult<Vec<(Uuid, i64)>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select provider_id, sum(clients)::bigint from pilot_clients \
         where tenant_id = $1 and scheme_id = $2 and year = $3 and basis = $4 group by provider_id",
    )
    .bind(tenant_id)
    .bind(scheme_id)
    .bind(year)
    .bind(basis)
    .fetch_all(&mut **tx)
    .await?)
}

/// Clients per partner and wijk (name) where they were given per wijk.
pub async fn clients_per_wijk(
    tx: &mut TenantTx,
    scheme_id: Uuid,
    year: i32,
    basis: &str,
) -> AppResult<Vec<(Uuid, String, i64)>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select c.provider_id, coalesce(a.name, c.wijk), c.clients::bigint from pilot_clients c \
         left join areas a on a.tenant_id = c.tenant_id and a.cbs_code = c.wijk \
         where c.tenant_id = $1 and c.scheme_id = $2 and c.year = $3 and c.basis = $4 and c.wijk <> '' \
         order by c.wijk",
    )
    .bind(tenant_id)
    .bind(scheme_id)
    .bind(year)
    .bind(basis)
    .fetch_all(&mut **tx)
    .await?)
}

/// Replaces the counts of one year and basis: `(provider, wijk or '', clients)`.
pub async fn replace_clients(
    tx: &mut TenantTx,
    scheme_id: Uuid,
    year: i32,
    basis: &str,
    rows: &[(Uuid, String, i64)],
    by: &str,
) -> AppResult<()> {
    let tenant_id = tx.tenant_id();
    sqlx::query(
        "delete from pilot_clients where tenant_id = $1 and scheme_id = $2 and year = $3 and basis = $4",
    )
    .bind(tenant_id)
    .bind(scheme_id)
    .bind(year)
    .bind(basis)
    .execute(&mut **tx)
    .await?;
    for (provider_id, wijk, clients) in rows {
        sqlx::query(
            "insert into pilot_clients (tenant_id, scheme_id, year, basis, provider_id, wijk, clients, updated_by) \
             values ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(tenant_id)
        .bind(scheme_id)
        .bind(year)
        .bind(basis)
        .bind(provider_id)
        .bind(wijk)
        .bind(*clients as i32)
        .bind(by)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct Allocation {
    pub version: i32,
    pub budget_cents: i64,
    pub kind: String,
    pub reason: String,
    pub created_at: OffsetDateTime,
    pub created_by: String,
}

#[derive(Debug, Clone, FromRow)]
pub struct Share {
    pub version: i32,
    pub provider_id: Uuid,
    pub clients: i32,
    pub proposed_cents: i64,
    pub share_cents: i64,
}

/// Every version of a year's allocation, newest first.
pub async fn allocations(
    tx: &mut TenantTx,
    scheme_id: Uuid,
    year: i32,
) -> AppResult<Vec<Allocation>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select version, budget_cents, kind, reason, created_at, created_by from pilot_allocations \
         where tenant_id = $1 and scheme_id = $2 and year = $3 order by version desc",
    )
    .bind(tenant_id)
    .bind(scheme_id)
    .bind(year)
    .fetch_all(&mut **tx)
    .await?)
}

/// The shares of every version of a year.
pub async fn shares(tx: &mut TenantTx, scheme_id: Uuid, year: i32) -> AppResult<Vec<Share>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select version, provider_id, clients, proposed_cents, share_cents from pilot_allocation_shares \
         where tenant_id = $1 and scheme_id = $2 and year = $3",
    )
    .bind(tenant_id)
    .bind(scheme_id)
    .bind(year)
    .fetch_all(&mut **tx)
    .await?)
}

/// One partner's line of a new version.
pub struct NewShare {
    pub provider_id: Uuid,
    pub clients: i64,
    pub proposed_cents: i64,
    pub share_cents: i64,
}

/// Locks the scheme's row until the transaction ends: changes to its allocation then happen one
/// after the other, each seeing the version the previous one made.
pub async fn lock_scheme(tx: &mut TenantTx, scheme_id: Uuid) -> AppResult<()> {
    let tenant_id = tx.tenant_id();
    sqlx::query("select 1 from subsidy_schemes where tenant_id = $1 and scheme_id = $2 for update")
        .bind(tenant_id)
        .bind(scheme_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A new version of a year's allocation.
pub struct NewAllocation<'a> {
    pub year: i32,
    pub budget_cents: i64,
    /// `voorstel` (by the rule) or `aanpassing` (an official's, with a reason).
    pub kind: &'a str,
    pub reason: &'a str,
    pub shares: &'a [NewShare],
    pub by: &'a str,
}

/// Records the next version of a year's allocation; returns its number. The scheme's row is
/// locked first, so two officials at once get two versions one after the other, never a clash
/// on the version number.
pub async fn record_allocation(
    tx: &mut TenantTx,
    scheme_id: Uuid,
    a: &NewAllocation<'_>,
) -> AppResult<i32> {
    lock_scheme(tx, scheme_id).await?;
    let tenant_id = tx.tenant_id();
    let version: i32 = sqlx::query_scalar(
        "insert into pilot_allocations (tenant_id, scheme_id, year, version, budget_cents, kind, reason, created_by) \
         select $1, $2, $3, coalesce(max(version), 0) + 1, $4, $5, $6, $7 from pilot_allocations \
         where tenant_id = $1 and scheme_id = $2 and year = $3 returning version",
    )
    .bind(tenant_id)
    .bind(scheme_id)
    .bind(a.year)
    .bind(a.budget_cents)
    .bind(a.kind)
    .bind(a.reason)
    .bind(a.by)
    .fetch_one(&mut **tx)
    .await?;
    for s in a.shares {
        sqlx::query(
            "insert into pilot_allocation_shares (tenant_id, scheme_id, year, version, provider_id, clients, \
             proposed_cents, share_cents) values ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(tenant_id)
        .bind(scheme_id)
        .bind(a.year)
        .bind(version)
        .bind(s.provider_id)
        .bind(s.clients as i32)
        .bind(s.proposed_cents)
        .bind(s.share_cents)
        .execute(&mut **tx)
        .await?;
    }
    Ok(version)
}

/// Everything the year page and its forms need from the database.
pub struct YearData {
    pub scheme_name: String,
    pub partners: Vec<Partner>,
    pub budget_cents: i64,
    pub sources: Vec<(String, i64)>,
    pub need: BTreeMap<Uuid, i64>,
    pub realised: BTreeMap<Uuid, i64>,
    pub need_per_wijk: Vec<(Uuid, String, i64)>,
    pub versions: Vec<Allocation>,
    pub shares: Vec<Share>,
}

impl YearData {
    pub async fn load(tx: &mut TenantTx, scheme_id: Uuid, year: i32) -> AppResult<Self> {
        let scheme = pilot_scheme(tx, scheme_id).await?;
        if !(scheme.first_year..=scheme.last_year).contains(&year) {
            return Err(AppError::NotFound);
        }
        let sources: Vec<(String, i64)> = store::budget_lines(tx, scheme_id)
            .await?
            .into_iter()
            .filter(|l| l.year == year)
            .map(|l| (l.source, l.amount_cents))
            .collect();
        Ok(YearData {
            scheme_name: scheme.name,
            partners: partners(tx, scheme_id).await?,
            budget_cents: sources.iter().map(|(_, c)| c).sum(),
            sources,
            need: clients(tx, scheme_id, year, "behoefte")
                .await?
                .into_iter()
                .collect(),
            realised: clients(tx, scheme_id, year, "gerealiseerd")
                .await?
                .into_iter()
                .collect(),
            need_per_wijk: clients_per_wijk(tx, scheme_id, year, "behoefte").await?,
            versions: allocations(tx, scheme_id, year).await?,
            shares: shares(tx, scheme_id, year).await?,
        })
    }

    pub fn current_version(&self) -> i32 {
        self.versions.first().map(|v| v.version).unwrap_or(0)
    }

    /// The need in the partners' order.
    pub fn need_counts(&self) -> Vec<u64> {
        self.partners
            .iter()
            .map(|p| self.need.get(&p.provider_id).copied().unwrap_or(0).max(0) as u64)
            .collect()
    }

    /// The proposal by the rule for the year's budget and need.
    pub fn proposal(&self) -> Result<Vec<i64>, allocation::NoProposal> {
        largest_remainder(self.budget_cents, &self.need_counts())
    }

    /// The share of `provider` in `version`, if it had one.
    pub fn share(&self, version: i32, provider: Uuid) -> Option<&Share> {
        self.shares
            .iter()
            .find(|s| s.version == version && s.provider_id == provider)
    }
}
