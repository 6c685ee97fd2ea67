//! The places kept free for walk-ins, per weekday and dagdeel, for the wijkteam's search
//! ("vrije inloopplekken op dinsdagmiddag"). The capacity per dagdeel is internal (see
//! [`crate::register::public_fields`]), so this is never part of the shared projection that the
//! public kaart and HSDS read: it is read per search, in the signed-in user's transaction, and
//! only when the search asks for it.

use uuid::Uuid;

use super::bits::Bits;
use super::filters::{opening_slot, OPENING_SLOTS};
use super::index::TenantIndex;
use crate::db::TenantTx;
use crate::error::AppResult;
use crate::register::facilities::hours::DAGDELEN;

/// Per [`opening_slot`], the entries of `index` with at least one walk-in place then.
pub async fn slots(tx: &mut TenantTx, index: &TenantIndex) -> AppResult<Vec<Bits>> {
    let tenant_id = tx.tenant_id();
    let rows: Vec<(Uuid, i16, String)> = sqlx::query_as(
        "select facility_id, weekday, dagdeel from facility_dagdeel_capacity \
         where tenant_id = $1 and walk_in > 0",
    )
    .bind(tenant_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut out = vec![Bits::empty(index.len()); OPENING_SLOTS];
    for (id, weekday, dagdeel) in rows {
        let (Some(&entry), Some(part)) = (
            index.by_id.get(&id),
            DAGDELEN.iter().position(|d| *d == dagdeel),
        ) else {
            continue;
        };
        if (1..=7).contains(&weekday) {
            out[opening_slot(weekday as usize, part)].set(entry);
        }
    }
    Ok(out)
}
