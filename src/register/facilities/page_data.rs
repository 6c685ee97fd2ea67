//! What the signed-in facility page reads: the facility and the page's lists, kept per
//! register generation ([`crate::cache`]), and what the register generation does not cover —
//! the subsidies that fund the facility and the user's own recent referrals of it — in one
//! statement. With both kept, the page costs the session check and one transaction.

use std::sync::Arc;

use uuid::Uuid;

use super::record::Lookups;
use super::store::{self, Snapshot};
use crate::auth::ownership::Access;
use crate::auth::session::CurrentUser;
use crate::cache::FacilitySlot;
use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::referrals::form::{self as referral_form, ReferralChoices};
use crate::referrals::store::{Recent, RECENT, RECENT_ORDER, UNDO_MINUTES};
use crate::state::AppState;
use crate::subsidy::open_data::{FUNDING_OF, FUNDING_ORDER};

/// What the facility page calls codes, and the referral form's choices: the same for every
/// facility of the tenant until its register changes.
pub struct FacilityPageLists {
    pub lookups: Lookups,
    pub referral: ReferralChoices,
}

/// Everything the facility page shows but the forms.
pub struct PageData {
    pub facility: Arc<Snapshot>,
    pub lists: Arc<FacilityPageLists>,
    /// Scheme, year and amount of the grants that fund the facility, newest first.
    pub funding: Vec<(String, i32, i64)>,
    /// The user's referrals of the facility they may still undo, newest first.
    pub recent: Vec<Recent>,
}

/// Facility `id` as `user` may read it (404 when it does not exist or is not theirs to read),
/// with the page's lists, its funding and, when `with_recent`, the user's recent referrals.
pub async fn load(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    with_recent: bool,
) -> AppResult<PageData> {
    let cache = state
        .cache
        .tenant(user.tenant_id, user.tenant_state.register_generation);
    let kept = cache.facility(FacilitySlot::SNAPSHOT, id);
    if let Some(f) = &kept {
        // Checked before any statement: another organisation's facility costs nothing.
        user.check_provider(f.provider_id, Access::Read)?;
    }
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let facility = match kept {
        Some(f) => f,
        None => {
            let f = store::snapshot(&mut tx, id)
                .await?
                .ok_or(AppError::NotFound)?;
            user.check_provider(f.provider_id, Access::Read)?;
            cache.keep_facility(FacilitySlot::SNAPSHOT, id, f)
        }
    };
    let lists = match cache.facility_page_lists() {
        Some(lists) => lists,
        None => cache.keep_facility_page_lists(FacilityPageLists {
            lookups: store::display_lookups(&mut tx).await?,
            referral: referral_form::choices(&mut tx).await?,
        }),
    };
    let (funding, recent) = funding_and_recent(&mut tx, id, user.user_id, with_recent).await?;
    tx.commit().await?;
    Ok(PageData {
        facility,
        lists,
        funding,
        recent,
    })
}

type FundingAndRecent = (
    Option<Vec<String>>,
    Option<Vec<i32>>,
    Option<Vec<i64>>,
    Option<Vec<Uuid>>,
    Option<Vec<time::Date>>,
    Option<Vec<String>>,
);

/// The facility's funding and the user's recent referrals of it (none unless `with_recent`),
/// as parallel arrays aggregated in the same order, in one statement.
async fn funding_and_recent(
    tx: &mut TenantTx,
    facility_id: Uuid,
    user_id: Uuid,
    with_recent: bool,
) -> AppResult<(Vec<(String, i32, i64)>, Vec<Recent>)> {
    let tenant_id = tx.tenant_id();
    let sql = format!(
        "select fu.names, fu.years, fu.cents, re.ids, re.dates, re.routes from \
         (select array_agg(s.name order by {FUNDING_ORDER}), array_agg(r.year order by {FUNDING_ORDER}), \
                 array_agg(o.granted_cents order by {FUNDING_ORDER}) {FUNDING_OF}) fu (names, years, cents), \
         (select array_agg(referral_id order by {RECENT_ORDER}), array_agg(referred_on order by {RECENT_ORDER}), \
                 array_agg(route order by {RECENT_ORDER}) {RECENT} and $5) re (ids, dates, routes)"
    );
    let (names, years, cents, ids, dates, routes): FundingAndRecent = sqlx::query_as(&sql)
        .bind(tenant_id)
        .bind(facility_id)
        .bind(user_id)
        .bind(UNDO_MINUTES)
        .bind(with_recent)
        .fetch_one(&mut **tx)
        .await?;
    let funding = names
        .unwrap_or_default()
        .into_iter()
        .zip(years.unwrap_or_default())
        .zip(cents.unwrap_or_default())
        .map(|((name, year), cents)| (name, year, cents))
        .collect();
    let recent = ids
        .unwrap_or_default()
        .into_iter()
        .zip(dates.unwrap_or_default())
        .zip(routes.unwrap_or_default())
        .map(|((referral_id, referred_on), route)| Recent {
            referral_id,
            referred_on,
            route,
        })
        .collect();
    Ok((funding, recent))
}
