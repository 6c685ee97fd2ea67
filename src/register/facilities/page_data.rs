//! What the signed-in facility pages read through the register cache ([`crate::cache`]): the
//! facility list ([`listing`]) and a facility's page ([`load`]).
//!
//! The facility with its grants, and the page's lists, are kept per register generation
//! (grants move the generation too; what is kept is [`super::kept`]); the user's own recent
//! referrals of the facility are read at every request, in one round trip. With everything
//! kept, the page costs the session check and that one round trip (none for a user who does not
//! count referrals).

use std::sync::Arc;

use sqlx::postgres::PgRow;
use sqlx::Row;
use uuid::Uuid;

use super::kept::{FacilityPageLists, KeptFacility};
use super::listing::Listing;
use super::store;
use crate::auth::current_user::CurrentUser;
use crate::auth::ownership::Access;
use crate::cache::{FacilitySlot, RegisterCache};
use crate::db::{Db, TenantTx};
use crate::error::{AppError, AppResult};
use crate::referrals::form as referral_form;
use crate::referrals::store::{Recent, UNDO_MINUTES};
use crate::subsidy::open_data::grants_page::funding_of;

/// The tenant's list at `generation` or later (`tenants.register_generation`, read by the
/// caller in any statement: a change committed before it moved it): the one kept, or read once
/// in a tenant transaction of its own however many requests ask at the same time, and kept. So
/// while the register does not change, a page of the list costs the statement that read the
/// generation and no transaction.
pub async fn kept_listing(
    cache: &RegisterCache,
    db: &Db,
    tenant_id: Uuid,
    generation: i64,
) -> AppResult<Arc<Listing>> {
    let tenant = cache.tenant(tenant_id, generation);
    let mut loaded = None;
    let listing = tenant
        .facility_listing()
        .get_or_try_init(|| async {
            // What the transaction reads is at least `generation` (perhaps newer: harmless).
            let mut tx = db.tenant_tx(tenant_id).await?;
            let listing = Arc::new(Listing::load(&mut tx).await?);
            tx.commit().await?;
            loaded = Some(listing.bytes());
            Ok::<_, AppError>(listing)
        })
        .await?
        .clone();
    if let Some(bytes) = loaded {
        cache.kept(tenant_id, &tenant, bytes);
    }
    Ok(listing)
}

/// Everything the facility page shows but the forms.
pub struct PageData {
    pub facility: Arc<KeptFacility>,
    pub lists: Arc<FacilityPageLists>,
    /// The user's referrals of the facility they may still undo, newest first.
    pub recent: Vec<Recent>,
}

/// Facility `id` as `user` may read it (404 when it does not exist or is not theirs to read),
/// with the page's lists and, when `with_recent`, the user's recent referrals.
pub async fn load(
    db: &Db,
    cache: &RegisterCache,
    user: &CurrentUser,
    id: Uuid,
    with_recent: bool,
) -> AppResult<PageData> {
    let cache = cache.tenant(user.tenant_id, user.tenant_state.register_generation);
    let kept = cache.facility(FacilitySlot::SIGNED_IN_FACILITY, id);
    if let Some(f) = &kept {
        // Checked before any statement: another organisation's facility costs nothing.
        user.check_provider(f.snapshot.provider_id, Access::Read)?;
    }
    let kept_lists = cache.facility_page_lists();
    if let (Some(facility), Some(lists)) = (kept.clone(), kept_lists.clone()) {
        let recent = if with_recent {
            recent_at_once(db, user, id).await?
        } else {
            Vec::new()
        };
        return Ok(PageData {
            facility,
            lists,
            recent,
        });
    }
    let mut tx = db.tenant_tx(user.tenant_id).await?;
    let facility = match kept {
        Some(f) => f,
        None => {
            let snapshot = store::snapshot(&mut tx, id)
                .await?
                .ok_or(AppError::NotFound)?;
            user.check_provider(snapshot.provider_id, Access::Read)?;
            let funding = funding_of(&mut tx, id).await?;
            let facility = KeptFacility {
                snapshot: Arc::new(snapshot),
                funding,
            };
            cache.keep_facility(FacilitySlot::SIGNED_IN_FACILITY, id, facility)
        }
    };
    let lists = match kept_lists {
        Some(lists) => lists,
        None => cache.keep_facility_page_lists(FacilityPageLists {
            lookups: store::display_lookups(&mut tx).await?,
            referral: referral_form::choices(&mut tx).await?,
        }),
    };
    let recent = if with_recent {
        recent(&mut tx, user, id).await?
    } else {
        Vec::new()
    };
    tx.commit().await?;
    Ok(PageData {
        facility,
        lists,
        recent,
    })
}

/// The recent referrals of user `$3` of facility `$2` of tenant `$1` (`$4`: [`UNDO_MINUTES`]),
/// migration …039.
const RECENT: &str = "select ids, dates, routes from facility_recent_referrals($1, $2, $3, $4)";

async fn recent(
    tx: &mut TenantTx,
    user: &CurrentUser,
    facility_id: Uuid,
) -> AppResult<Vec<Recent>> {
    let row = sqlx::query(RECENT)
        .bind(user.tenant_id)
        .bind(facility_id)
        .bind(user.user_id)
        .bind(UNDO_MINUTES)
        .fetch_one(&mut **tx)
        .await?;
    recent_from(&row)
}

/// [`RECENT`] in a transaction of the user's tenant, sent as one simple query (BEGIN, the
/// tenant, the statement, COMMIT): one round trip instead of three. A simple query takes no
/// parameters, so the values are written into it; they are ids and a number, never text from
/// the request. It is planned at every request, so it only calls a plpgsql function, whose own
/// plan the connection keeps.
async fn recent_at_once(db: &Db, user: &CurrentUser, facility_id: Uuid) -> AppResult<Vec<Recent>> {
    let tenant = user.tenant_id.hyphenated();
    let statement = RECENT
        .replace("$1", &format!("'{tenant}'::uuid"))
        .replace("$2", &format!("'{}'::uuid", facility_id.hyphenated()))
        .replace("$3", &format!("'{}'::uuid", user.user_id.hyphenated()))
        .replace("$4", &UNDO_MINUTES.to_string());
    let sql = format!("begin; set local app.tenant_id = '{tenant}'; {statement}; commit");
    let rows = sqlx::raw_sql(&sql).fetch_all(db.pool()).await?;
    let [row] = rows.as_slice() else {
        return Err(AppError::Internal(format!(
            "the recent referrals' statement gave {} rows",
            rows.len()
        )));
    };
    recent_from(row)
}

/// The referrals from a row of [`RECENT`]: parallel arrays, null for none.
fn recent_from(row: &PgRow) -> AppResult<Vec<Recent>> {
    let ids: Option<Vec<Uuid>> = row.try_get(0)?;
    let dates: Option<Vec<time::Date>> = row.try_get(1)?;
    let routes: Option<Vec<String>> = row.try_get(2)?;
    Ok(ids
        .unwrap_or_default()
        .into_iter()
        .zip(dates.unwrap_or_default())
        .zip(routes.unwrap_or_default())
        .map(|((referral_id, referred_on), route)| Recent {
            referral_id,
            referred_on,
            route,
        })
        .collect())
}
