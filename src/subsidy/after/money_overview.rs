//! The money of one round (a regeling's year) per onderdeel and in total: budget and dekking,
//! plafond, requested, granted, paid, still to pay, settled, reclaimed and what remains. All in
//! integer cents, summed in PostgreSQL from the same rows the ranking and the payments list read,
//! so the overview adds up to `rangschikking.csv` and `betalingen.csv`.

use crate::db::TenantTx;
use crate::error::AppResult;
use uuid::Uuid;

/// The figures of one onderdeel. `requested` counts the applications that compete (submitted
/// or decided, as the ranking does); `granted` the current grants (after decisions on
/// objection), zero until the onderdeel is decided.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct Figures {
    pub name: String,
    pub ceiling_cents: i64,
    pub requested_cents: i64,
    pub granted_cents: i64,
    pub paid_cents: i64,
    pub unpaid_cents: i64,
    pub settled_cents: i64,
    pub reclaimed_cents: i64,
    pub decided: bool,
}

impl Figures {
    /// What the plafond still leaves after the grants (never below zero: a plafond is never
    /// exceeded, and a revision on objection above it shows as zero left).
    pub fn remaining_cents(&self) -> i64 {
        (self.ceiling_cents - self.granted_cents).max(0)
    }

    /// The sum of `parts`, as the "Totaal" row.
    pub fn total(parts: &[Figures]) -> Figures {
        let mut t = Figures {
            name: "Totaal".into(),
            decided: parts.iter().all(|p| p.decided),
            ..Figures::default()
        };
        for p in parts {
            t.ceiling_cents += p.ceiling_cents;
            t.requested_cents += p.requested_cents;
            t.granted_cents += p.granted_cents;
            t.paid_cents += p.paid_cents;
            t.unpaid_cents += p.unpaid_cents;
            t.settled_cents += p.settled_cents;
            t.reclaimed_cents += p.reclaimed_cents;
        }
        t
    }
}

/// The figures per onderdeel of `round_id`, in the onderdelen's order.
pub async fn per_category(tx: &mut TenantTx, round_id: Uuid) -> AppResult<Vec<Figures>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select c.name, rc.ceiling_cents, \
           coalesce((select sum(v.requested_cents) from subsidy_applications a \
              join subsidy_application_versions v on v.tenant_id = a.tenant_id and v.application_id = a.application_id \
                   and v.version = a.current_version \
              where a.tenant_id = rc.tenant_id and a.round_id = rc.round_id and a.category_id = rc.category_id \
                and a.status in ('ingediend', 'besloten')), 0)::bigint as requested_cents, \
           coalesce((select sum(o.granted_cents) from subsidy_current_outcomes o \
              where o.tenant_id = rc.tenant_id and o.round_id = rc.round_id and o.category_id = rc.category_id), 0)::bigint \
              as granted_cents, \
           coalesce((select sum(y.amount_cents) filter (where y.paid_on is not null) from subsidy_payments y \
              join subsidy_applications a on a.tenant_id = y.tenant_id and a.application_id = y.application_id \
              where a.tenant_id = rc.tenant_id and a.round_id = rc.round_id and a.category_id = rc.category_id), 0)::bigint \
              as paid_cents, \
           coalesce((select sum(y.amount_cents) filter (where y.paid_on is null) from subsidy_payments y \
              join subsidy_applications a on a.tenant_id = y.tenant_id and a.application_id = y.application_id \
              where a.tenant_id = rc.tenant_id and a.round_id = rc.round_id and a.category_id = rc.category_id), 0)::bigint \
              as unpaid_cents, \
           coalesce((select sum(s.settled_cents) from subsidy_settlements s \
              join subsidy_applications a on a.tenant_id = s.tenant_id and a.application_id = s.application_id \
              where a.tenant_id = rc.tenant_id and a.round_id = rc.round_id and a.category_id = rc.category_id), 0)::bigint \
              as settled_cents, \
           coalesce((select sum(s.claim_cents) from subsidy_settlements s \
              join subsidy_applications a on a.tenant_id = s.tenant_id and a.application_id = s.application_id \
              where a.tenant_id = rc.tenant_id and a.round_id = rc.round_id and a.category_id = rc.category_id), 0)::bigint \
              as reclaimed_cents, \
           exists (select 1 from subsidy_decisions d where d.tenant_id = rc.tenant_id and d.round_id = rc.round_id \
              and d.category_id = rc.category_id) as decided \
         from subsidy_round_categories rc \
         join subsidy_categories c on c.tenant_id = rc.tenant_id and c.category_id = rc.category_id \
         where rc.tenant_id = $1 and rc.round_id = $2 \
         order by c.position, c.name",
    )
    .bind(tenant_id)
    .bind(round_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// One round's money in short, for the beleidsmedewerker's start page.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RoundMoney {
    pub scheme_id: Uuid,
    pub round_id: Uuid,
    pub scheme: String,
    pub year: i32,
    pub ceiling_cents: i64,
    pub granted_cents: i64,
    pub paid_cents: i64,
}

/// The rounds of this year and last year, newest first, with plafond, granted and paid.
pub async fn recent_rounds(tx: &mut TenantTx, year: i32) -> AppResult<Vec<RoundMoney>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select r.scheme_id, r.round_id, s.name as scheme, r.year, \
           coalesce((select sum(rc.ceiling_cents) from subsidy_round_categories rc \
              where rc.tenant_id = r.tenant_id and rc.round_id = r.round_id), 0)::bigint as ceiling_cents, \
           coalesce((select sum(o.granted_cents) from subsidy_current_outcomes o \
              where o.tenant_id = r.tenant_id and o.round_id = r.round_id), 0)::bigint as granted_cents, \
           coalesce((select sum(y.amount_cents) from subsidy_payments y \
              join subsidy_applications a on a.tenant_id = y.tenant_id and a.application_id = y.application_id \
              where a.tenant_id = r.tenant_id and a.round_id = r.round_id and y.paid_on is not null), 0)::bigint as paid_cents \
         from subsidy_rounds r join subsidy_schemes s on s.tenant_id = r.tenant_id and s.scheme_id = r.scheme_id \
         where r.tenant_id = $1 and r.year between $2 - 1 and $2 + 1 order by r.year desc, s.name",
    )
    .bind(tenant_id)
    .bind(year)
    .fetch_all(&mut **tx)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(ceiling: i64, granted: i64) -> Figures {
        Figures {
            ceiling_cents: ceiling,
            granted_cents: granted,
            ..Figures::default()
        }
    }

    #[test]
    fn the_total_is_the_sum_and_remaining_never_goes_below_zero() {
        let parts = [part(100, 40), part(0, 0), part(i64::MAX / 4, 1)];
        let t = Figures::total(&parts);
        assert_eq!(t.ceiling_cents, 100 + i64::MAX / 4);
        assert_eq!(t.granted_cents, 41);
        assert_eq!(part(100, 150).remaining_cents(), 0);
        assert_eq!(part(0, 0).remaining_cents(), 0);
        assert_eq!(Figures::total(&[]).granted_cents, 0);
    }
}
