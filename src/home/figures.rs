//! The figures on the start page, per role: what a beleidsmedewerker, an aanbieder, a
//! wijkteam worker and a beheerder want to know first. Each is a few aggregate queries in the
//! user's tenant transaction; nothing about a resident.

use time::Date;
use uuid::Uuid;

use crate::checklist::coverage;
use crate::checklist::status::Status;
use crate::db::TenantTx;
use crate::error::AppResult;

/// Gaps of one levensgebied: types without any facility in any gemeente.
pub struct Gaps {
    pub levensgebied: String,
    pub gaps: usize,
    pub types: usize,
}

/// The register and the checklist at a glance (beleidsmedewerker).
pub struct OfficialFigures {
    pub facilities: i64,
    /// Verified within a year, of `facilities`.
    pub verified: i64,
    /// Cells of the checklist (type × gemeente) that are present or have a recorded status.
    pub checklist_done: usize,
    pub checklist_cells: usize,
    pub gaps: Vec<Gaps>,
    pub referrals_this_month: i64,
}

impl OfficialFigures {
    pub fn verified_percent(&self) -> i64 {
        percent(self.verified, self.facilities)
    }

    pub fn checklist_percent(&self) -> i64 {
        percent(self.checklist_done as i64, self.checklist_cells as i64)
    }

    pub fn stale(&self) -> i64 {
        self.facilities - self.verified
    }

    pub fn total_gaps(&self) -> usize {
        self.gaps.iter().map(|g| g.gaps).sum()
    }
}

/// Whole percent, rounded down, so "100%" means every one.
pub fn percent(part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        0
    } else {
        part * 100 / whole
    }
}

/// The first day of `today`'s month.
fn month_start(today: Date) -> Date {
    today.replace_day(1).expect("the first of a month exists")
}

async fn referrals_since(tx: &mut TenantTx, since: Date) -> AppResult<i64> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_scalar(
        "select coalesce(sum(weight), 0)::bigint from referrals where tenant_id = $1 and referred_on >= $2",
    )
    .bind(tenant_id)
    .bind(since)
    .fetch_one(&mut **tx)
    .await?)
}

pub async fn official(tx: &mut TenantTx, today: Date) -> AppResult<OfficialFigures> {
    let tenant_id = tx.tenant_id();
    let (facilities, verified): (i64, i64) = sqlx::query_as(
        "select count(*), count(*) filter (where verified_on >= $2::date - 365) \
         from facilities where tenant_id = $1 and not archived",
    )
    .bind(tenant_id)
    .bind(today)
    .fetch_one(&mut **tx)
    .await?;
    let matrix = coverage::load(tx).await?;
    let cells: Vec<&coverage::Cell> = matrix.rows().flat_map(|r| r.cells.iter()).collect();
    let checklist_done = cells
        .iter()
        .filter(|c| c.status != Status::Onbekend)
        .count();
    let gaps = matrix
        .groups
        .iter()
        .filter(|g| !g.rows.is_empty())
        .map(|g| Gaps {
            levensgebied: g.name.clone(),
            gaps: g.rows.iter().filter(|r| r.gap()).count(),
            types: g.rows.len(),
        })
        .collect();
    Ok(OfficialFigures {
        facilities,
        verified,
        checklist_done,
        checklist_cells: cells.len(),
        gaps,
        referrals_this_month: referrals_since(tx, month_start(today)).await?,
    })
}

/// An aanbieder's organisation: its facilities and its subsidy applications that ask for action.
pub struct ProviderFigures {
    pub facilities: i64,
    pub drafts: i64,
    /// Applications the municipality asked to supplement.
    pub to_supplement: i64,
    /// Submitted, waiting for a decision.
    pub submitted: i64,
}

pub async fn provider(tx: &mut TenantTx, provider_id: Uuid) -> AppResult<ProviderFigures> {
    let tenant_id = tx.tenant_id();
    let facilities: i64 = sqlx::query_scalar(
        "select count(*) from facilities where tenant_id = $1 and provider_id = $2 and not archived",
    )
    .bind(tenant_id)
    .bind(provider_id)
    .fetch_one(&mut **tx)
    .await?;
    let (drafts, to_supplement, submitted): (i64, i64, i64) = sqlx::query_as(
        "select count(*) filter (where status = 'concept'), count(*) filter (where status = 'aanvulling'), \
                count(*) filter (where status = 'ingediend') \
         from subsidy_applications where tenant_id = $1 and provider_id = $2",
    )
    .bind(tenant_id)
    .bind(provider_id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(ProviderFigures {
        facilities,
        drafts,
        to_supplement,
        submitted,
    })
}

/// The wijkteam's month: referrals counted by all wijkteams of the tenant.
pub async fn referrals_this_month(tx: &mut TenantTx, today: Date) -> AppResult<i64> {
    referrals_since(tx, month_start(today)).await
}

/// Accounts (beheerder).
pub struct AdminFigures {
    pub active: i64,
    pub inactive: i64,
    /// Accounts without a password whose one-time link is still valid.
    pub open_invitations: i64,
    /// Accounts without a password whose links have all expired: send a new one.
    pub expired_invitations: i64,
}

pub async fn admin(tx: &mut TenantTx) -> AppResult<AdminFigures> {
    let tenant_id = tx.tenant_id();
    let (active, inactive, open, expired): (i64, i64, i64, i64) = sqlx::query_as(
        "select count(*) filter (where u.active), count(*) filter (where not u.active), \
           count(*) filter (where u.active and u.password_hash is null and exists (select 1 from password_tokens t \
             where t.tenant_id = u.tenant_id and t.user_id = u.user_id and t.used_at is null and t.expires_at > now())), \
           count(*) filter (where u.active and u.password_hash is null and not exists (select 1 from password_tokens t \
             where t.tenant_id = u.tenant_id and t.user_id = u.user_id and t.used_at is null and t.expires_at > now())) \
         from users u where u.tenant_id = $1",
    )
    .bind(tenant_id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(AdminFigures {
        active,
        inactive,
        open_invitations: open,
        expired_invitations: expired,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn percentages_round_down_and_the_month_starts_on_the_first() {
        assert_eq!(percent(0, 0), 0);
        assert_eq!(percent(199, 200), 99);
        assert_eq!(percent(200, 200), 100);
        assert_eq!(month_start(date!(2026 - 11 - 29)), date!(2026 - 11 - 01));
    }
}
