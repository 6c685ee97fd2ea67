//! What the signed-in facility page reads: the facility and the page's lists, kept per
//! register generation ([`crate::cache`]), and what the register generation does not cover —
//! the subsidies that fund the facility and the user's own recent referrals of it — in one
//! statement. With both kept, the page costs the session check and one transaction.

use std::sync::Arc;

use sqlx::postgres::PgRow;
use sqlx::Row;
use uuid::Uuid;

use super::record::Lookups;
use super::store::{self, Snapshot};
use crate::auth::ownership::Access;
use crate::auth::session::CurrentUser;
use crate::cache::FacilitySlot;
use crate::error::{AppError, AppResult};
use crate::referrals::form::{self as referral_form, ReferralChoices};
use crate::referrals::store::{Recent, UNDO_MINUTES};
use crate::state::AppState;

/// What the facility page calls codes, and the referral form's choices: the same for every
/// facility of the tenant until its register changes.
pub struct FacilityPageLists {
    pub lookups: Lookups,
    pub referral: ReferralChoices,
}

/// Scheme, year and amount of grants.
pub type Grants = Vec<(String, i32, i64)>;

/// Everything the facility page shows but the forms.
pub struct PageData {
    pub facility: Arc<Snapshot>,
    pub lists: Arc<FacilityPageLists>,
    /// Scheme, year and amount of the grants that fund the facility, newest first.
    pub funding: Grants,
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
    let kept_lists = cache.facility_page_lists();
    if let (Some(facility), Some(lists)) = (&kept, &kept_lists) {
        let (funding, recent) = funding_and_recent_at_once(state, user, id, with_recent).await?;
        return Ok(PageData {
            facility: facility.clone(),
            lists: lists.clone(),
            funding,
            recent,
        });
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
    let lists = match kept_lists {
        Some(lists) => lists,
        None => cache.keep_facility_page_lists(FacilityPageLists {
            lookups: store::display_lookups(&mut tx).await?,
            referral: referral_form::choices(&mut tx).await?,
        }),
    };
    let row = sqlx::query(FUNDING_AND_RECENT)
        .bind(user.tenant_id)
        .bind(id)
        .bind(user.user_id)
        .bind(UNDO_MINUTES)
        .bind(with_recent)
        .fetch_one(&mut *tx)
        .await?;
    let (funding, recent) = funding_and_recent(&row)?;
    tx.commit().await?;
    Ok(PageData {
        facility,
        lists,
        funding,
        recent,
    })
}

/// The facility's funding and the user's recent referrals (migration …039).
const FUNDING_AND_RECENT: &str = "select names, years, cents, ids, dates, routes \
     from facility_funding_and_recent($1, $2, $3, $4, $5)";

/// [`FUNDING_AND_RECENT`] in a transaction of the user's tenant, sent as one simple query
/// (BEGIN, the tenant, the statement, COMMIT): one round trip instead of three. A simple query
/// takes no parameters, so the values are written into it; they are ids, a number and a flag,
/// never text from the request. It is planned at every request, so it only calls a plpgsql
/// function, whose own plan the connection keeps.
async fn funding_and_recent_at_once(
    state: &AppState,
    user: &CurrentUser,
    facility_id: Uuid,
    with_recent: bool,
) -> AppResult<(Grants, Vec<Recent>)> {
    let tenant = user.tenant_id.hyphenated();
    let statement = FUNDING_AND_RECENT
        .replace("$1", &format!("'{tenant}'::uuid"))
        .replace("$2", &format!("'{}'::uuid", facility_id.hyphenated()))
        .replace("$3", &format!("'{}'::uuid", user.user_id.hyphenated()))
        .replace("$4", &UNDO_MINUTES.to_string())
        .replace("$5", if with_recent { "true" } else { "false" });
    let sql = format!("begin; set local app.tenant_id = '{tenant}'; {statement}; commit");
    let rows = sqlx::raw_sql(&sql).fetch_all(state.db.pool()).await?;
    let [row] = rows.as_slice() else {
        return Err(AppError::Internal(format!(
            "the facility page's statement gave {} rows",
            rows.len()
        )));
    };
    funding_and_recent(row)
}

/// The funding and the recent referrals from a row of [`FUNDING_AND_RECENT`].
fn funding_and_recent(row: &PgRow) -> AppResult<(Grants, Vec<Recent>)> {
    let column = |i: usize| row.try_get::<Option<Vec<String>>, _>(i);
    let names = column(0)?;
    let years: Option<Vec<i32>> = row.try_get(1)?;
    let cents: Option<Vec<i64>> = row.try_get(2)?;
    let ids: Option<Vec<Uuid>> = row.try_get(3)?;
    let dates: Option<Vec<time::Date>> = row.try_get(4)?;
    let routes = column(5)?;
    let funding = crate::subsidy::open_data::funding_from(names, years, cents);
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
