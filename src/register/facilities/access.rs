//! One facility as a user may have it: the ownership rule ([`crate::auth::ownership`]) applied
//! to a facility, for reading (its page, history, handout) or for changing (form, update,
//! archive, verify).

use uuid::Uuid;

use super::store::{self, Snapshot};
use crate::auth::current_user::CurrentUser;
use crate::auth::ownership::Access;
use crate::db::TenantTx;
use crate::error::{AppError, AppResult};

/// Facility `id` if `user` may read it ([`Access::Read`]) or change it ([`Access::Write`]).
/// 404 when it does not exist or the user may not read it; 403 when they may read it but not
/// change it.
pub async fn facility(
    tx: &mut TenantTx,
    user: &CurrentUser,
    id: Uuid,
    access: Access,
) -> AppResult<Snapshot> {
    let snapshot = store::snapshot(tx, id).await?.ok_or(AppError::NotFound)?;
    user.check_provider(snapshot.provider_id, access)?;
    Ok(snapshot)
}
