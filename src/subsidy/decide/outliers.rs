//! Outliers of the price rule, checked by an official before an onderdeel is decided.
//!
//! The price rule is relative (10 × cheapest ÷ own), so one application with an implausibly
//! low cost per participant would push every other one below the pass mark on Prijs. Two
//! guards, stated in the round's published rules ([`crate::subsidy::decide::price::rule_text`]):
//!
//! - at submission the cost basis may not be zero, and the expected participants are bounded
//!   ([`crate::subsidy::apply::form`]);
//! - before deciding, the ranking flags every application whose cost per participant is below
//!   a quarter of the onderdeel's median, or whose expected participants exceed three times the
//!   visitors last year of the facilities it names in the register. The official records a
//!   reasoned check of each flag (audited); the onderdeel cannot be decided while one is open.
//!   A check belongs to the version it was made on.

use std::collections::HashMap;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::TenantTx;
use crate::error::AppResult;
use crate::subsidy::common::money::euro;
use crate::subsidy::common::store::{Application, Version};
use crate::subsidy::decide::price::PricePoints;

/// A cost per participant below `1 / MEDIAN_SHARE` of the onderdeel's median is an outlier.
pub const MEDIAN_SHARE: i64 = 4;
/// Expected participants above this many times the named facilities' visitors last year are
/// an outlier.
pub const VISITORS_FACTOR: i64 = 3;

/// One flagged application, with why and the check recorded, if any.
#[derive(Debug, Clone)]
pub struct Outlier {
    pub application_id: Uuid,
    pub reference: String,
    pub version: i32,
    pub reasons: Vec<String>,
    pub check: Option<Check>,
}

/// An official's reasoned check of a flagged application.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Check {
    pub reason: String,
    pub checked_by: String,
    pub checked_at: OffsetDateTime,
}

/// The median of `values` (integer cents; the mean of the middle two, rounded down).
pub fn median(values: &[i64]) -> Option<i64> {
    let mut v = values.to_vec();
    v.sort_unstable();
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2]),
        _ => Some((v[n / 2 - 1] + v[n / 2]) / 2),
    }
}

/// The reasons `application` is an outlier (empty: it is not). `visitors` is the sum of the
/// named facilities' visitors last year, when the register knows any.
pub fn reasons(
    price: &PricePoints,
    participants: i64,
    median_cents: Option<i64>,
    visitors: Option<i64>,
) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(median) = median_cents.filter(|m| *m > 0) {
        if price.per_participant_cents * MEDIAN_SHARE < median {
            out.push(format!(
                "kosten per deelnemer {} zijn minder dan een kwart van de mediaan van het onderdeel ({})",
                euro(price.per_participant_cents),
                euro(median)
            ));
        }
    }
    if let Some(visitors) = visitors.filter(|v| *v > 0) {
        if participants > VISITORS_FACTOR * visitors {
            out.push(format!(
                "{participants} verwachte deelnemers is meer dan drie keer de {visitors} bezoekers vorig jaar \
                 van de genoemde voorzieningen in het register"
            ));
        }
    }
    out
}

/// The outliers among `contenders` of one onderdeel, with their checks.
pub(in crate::subsidy) async fn of_category(
    tx: &mut TenantTx,
    contenders: &[(Application, Version)],
    prices: &HashMap<Uuid, PricePoints>,
) -> AppResult<Vec<Outlier>> {
    let tenant_id = tx.tenant_id();
    let per: Vec<i64> = contenders
        .iter()
        .filter(|(_, v)| v.participants > 0)
        .filter_map(|(a, _)| prices.get(&a.application_id))
        .map(|p| p.per_participant_cents)
        .collect();
    let median_cents = median(&per);
    let mut out = Vec::new();
    for (a, v) in contenders {
        let Some(price) = prices.get(&a.application_id) else {
            continue;
        };
        let visitors: Option<i64> = sqlx::query_scalar(
            "select sum(visitors_last_year)::bigint from facilities \
             where tenant_id = $1 and facility_id = any($2) and visitors_last_year is not null",
        )
        .bind(tenant_id)
        .bind(&v.facility_ids)
        .fetch_one(&mut **tx)
        .await?;
        let why = reasons(price, v.participants as i64, median_cents, visitors);
        if why.is_empty() || v.participants == 0 {
            continue;
        }
        let check: Option<Check> = sqlx::query_as(
            "select reason, checked_by, checked_at from subsidy_outlier_checks \
             where tenant_id = $1 and application_id = $2 and version = $3",
        )
        .bind(tenant_id)
        .bind(a.application_id)
        .bind(v.version)
        .fetch_optional(&mut **tx)
        .await?;
        out.push(Outlier {
            application_id: a.application_id,
            reference: a.reference.clone(),
            version: v.version,
            reasons: why,
            check,
        });
    }
    Ok(out)
}

/// Records the check of `application_id` at `version`; false when one was recorded already.
pub(in crate::subsidy) async fn record_check(
    tx: &mut TenantTx,
    application_id: Uuid,
    version: i32,
    reason: &str,
    checked_by: &str,
) -> AppResult<bool> {
    let tenant_id = tx.tenant_id();
    let inserted = sqlx::query(
        "insert into subsidy_outlier_checks (tenant_id, application_id, version, reason, checked_by) \
         values ($1, $2, $3, $4, $5) on conflict do nothing",
    )
    .bind(tenant_id)
    .bind(application_id)
    .bind(version)
    .bind(reason)
    .bind(checked_by)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(inserted == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn price(per: i64) -> PricePoints {
        PricePoints {
            application_id: Uuid::nil(),
            points: 10,
            per_participant_cents: per,
            cheapest_cents: per,
            fee_deducted: 0,
        }
    }

    #[test]
    fn the_median_of_odd_even_and_no_values() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[30, 10, 20]), Some(20));
        assert_eq!(median(&[40, 10, 20, 30]), Some(25));
    }

    #[test]
    fn below_a_quarter_of_the_median_is_flagged_at_a_quarter_is_not() {
        assert!(reasons(&price(2_499), 10, Some(10_000), None).len() == 1);
        assert!(reasons(&price(2_500), 10, Some(10_000), None).is_empty());
        // A zero cost (from before the basis rule) is the most extreme outlier.
        assert_eq!(reasons(&price(0), 10, Some(10_000), None).len(), 1);
        assert!(reasons(&price(0), 10, Some(0), None).is_empty());
    }

    #[test]
    fn participants_beyond_three_times_last_years_visitors_are_flagged() {
        assert!(reasons(&price(100), 300, None, Some(100)).is_empty());
        assert_eq!(reasons(&price(100), 301, None, Some(100)).len(), 1);
        // Unknown visitors: no bound to compare with.
        assert!(reasons(&price(100), 10_000_000, None, None).is_empty());
        assert_eq!(reasons(&price(1), 10_000, Some(10_000), Some(10)).len(), 2);
    }
}
