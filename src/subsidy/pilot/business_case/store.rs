//! Queries of a pilot's business case ([`crate::subsidy::pilot::business_case::rules`]): the versions per year
//! and basis with the pilot's costs per funding source, and recording a new version. The
//! planned costs of the pilot are the scheme's budget lines (its dekking) as they stood when
//! the version was saved, so that a version never changes afterwards.

use sqlx::FromRow;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::TenantTx;
use crate::error::AppResult;
use crate::subsidy::common::store::{self, BudgetLine};
use crate::subsidy::pilot::business_case::rules::Inputs;
use crate::subsidy::pilot::store::lock_scheme;

/// Planned (`gepland`, the decision's figures) or realised (`gerealiseerd`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    Planned,
    Realised,
}

impl Basis {
    pub fn parse(text: &str) -> Option<Basis> {
        match text {
            "gepland" => Some(Basis::Planned),
            "gerealiseerd" => Some(Basis::Realised),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Basis::Planned => "gepland",
            Basis::Realised => "gerealiseerd",
        }
    }
}

#[derive(Debug, Clone, FromRow)]
pub struct Version {
    pub year: i32,
    pub basis: String,
    pub version: i32,
    pub maatwerk_unchanged_cents: i64,
    pub maatwerk_after_cents: i64,
    pub reason: String,
    pub created_at: OffsetDateTime,
    pub created_by: String,
}

#[derive(Debug, Clone, FromRow)]
struct Cost {
    year: i32,
    basis: String,
    version: i32,
    source: String,
    amount_cents: i64,
}

/// Everything the business case pages need: every version with its costs per source, and the
/// scheme's budget lines.
pub struct CaseData {
    /// By year, basis and version, newest version first.
    pub versions: Vec<Version>,
    costs: Vec<Cost>,
    pub lines: Vec<BudgetLine>,
}

impl CaseData {
    pub async fn load(tx: &mut TenantTx, scheme_id: Uuid) -> AppResult<Self> {
        let tenant_id = tx.tenant_id();
        let versions = sqlx::query_as(
            "select year, basis, version, maatwerk_unchanged_cents, maatwerk_after_cents, reason, created_at, \
             created_by from pilot_business_cases where tenant_id = $1 and scheme_id = $2 \
             order by year, basis, version desc",
        )
        .bind(tenant_id)
        .bind(scheme_id)
        .fetch_all(&mut **tx)
        .await?;
        let costs = sqlx::query_as(
            "select year, basis, version, source, amount_cents from pilot_business_case_costs \
             where tenant_id = $1 and scheme_id = $2 order by source",
        )
        .bind(tenant_id)
        .bind(scheme_id)
        .fetch_all(&mut **tx)
        .await?;
        Ok(CaseData {
            versions,
            costs,
            lines: store::budget_lines(tx, scheme_id).await?,
        })
    }

    /// The funding sources of the scheme over all its years, in the order of its budget
    /// lines, then any other source a realised version names.
    pub fn sources(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let names = self
            .lines
            .iter()
            .map(|l| &l.source)
            .chain(self.costs.iter().map(|c| &c.source));
        for s in names {
            if !out.contains(s) {
                out.push(s.clone());
            }
        }
        out
    }

    /// The current version of a year and basis.
    pub fn current(&self, year: i32, basis: Basis) -> Option<&Version> {
        self.versions
            .iter()
            .find(|v| v.year == year && v.basis == basis.code())
    }

    /// Every version of a year and basis, newest first.
    pub fn history(&self, year: i32, basis: Basis) -> impl Iterator<Item = &Version> {
        self.versions
            .iter()
            .filter(move |v| v.year == year && v.basis == basis.code())
    }

    /// The inputs of a version.
    pub fn inputs(&self, v: &Version) -> Inputs {
        Inputs {
            maatwerk_unchanged_cents: v.maatwerk_unchanged_cents,
            pilot_costs: self
                .costs
                .iter()
                .filter(|c| c.year == v.year && c.basis == v.basis && c.version == v.version)
                .map(|c| (c.source.clone(), c.amount_cents))
                .collect(),
            maatwerk_after_cents: v.maatwerk_after_cents,
        }
    }

    /// The dekking of a year: the planned costs of the pilot per source.
    pub fn dekking(&self, year: i32) -> Vec<(String, i64)> {
        self.lines
            .iter()
            .filter(|l| l.year == year)
            .map(|l| (l.source.clone(), l.amount_cents))
            .collect()
    }

    /// Whether the dekking of a year differs from what its current planned version holds.
    pub fn dekking_changed(&self, year: i32) -> bool {
        self.current(year, Basis::Planned).is_some_and(|v| {
            let mut held = self.inputs(v).pilot_costs;
            let mut now = self.dekking(year);
            held.sort();
            now.sort();
            held != now
        })
    }

    /// The current inputs of a year and basis.
    pub fn current_inputs(&self, year: i32, basis: Basis) -> Option<Inputs> {
        self.current(year, basis).map(|v| self.inputs(v))
    }
}

/// A new version of one year and basis.
pub struct NewVersion<'a> {
    pub year: i32,
    pub basis: Basis,
    pub inputs: &'a Inputs,
    pub reason: &'a str,
    pub by: &'a str,
}

/// Records the next version; returns its number. The scheme's row is locked first, so two
/// officials at once make two versions one after the other.
pub async fn record(tx: &mut TenantTx, scheme_id: Uuid, n: &NewVersion<'_>) -> AppResult<i32> {
    lock_scheme(tx, scheme_id).await?;
    let tenant_id = tx.tenant_id();
    let version: i32 = sqlx::query_scalar(
        "insert into pilot_business_cases (tenant_id, scheme_id, year, basis, version, maatwerk_unchanged_cents, \
         maatwerk_after_cents, reason, created_by) \
         select $1, $2, $3, $4, coalesce(max(version), 0) + 1, $5, $6, $7, $8 from pilot_business_cases \
         where tenant_id = $1 and scheme_id = $2 and year = $3 and basis = $4 returning version",
    )
    .bind(tenant_id)
    .bind(scheme_id)
    .bind(n.year)
    .bind(n.basis.code())
    .bind(n.inputs.maatwerk_unchanged_cents)
    .bind(n.inputs.maatwerk_after_cents)
    .bind(n.reason)
    .bind(n.by)
    .fetch_one(&mut **tx)
    .await?;
    for (source, cents) in &n.inputs.pilot_costs {
        sqlx::query(
            "insert into pilot_business_case_costs (tenant_id, scheme_id, year, basis, version, source, amount_cents) \
             values ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(tenant_id)
        .bind(scheme_id)
        .bind(n.year)
        .bind(n.basis.code())
        .bind(version)
        .bind(source)
        .bind(cents)
        .execute(&mut **tx)
        .await?;
    }
    Ok(version)
}
