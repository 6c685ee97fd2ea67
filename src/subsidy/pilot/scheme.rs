//! A pilot regeling: the scheme itself (not found unless it is a pilot), who recorded a version,
//! and the names of the kinds of arrangement.

use crate::auth::current_user::CurrentUser;
use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::subsidy::common::store::{self, Scheme};
use uuid::Uuid;

/// The scheme if it is a pilot of the tenant; otherwise not found.
pub async fn pilot_scheme(tx: &mut TenantTx, scheme_id: Uuid) -> AppResult<Scheme> {
    store::scheme(tx, scheme_id)
        .await?
        .filter(|s| s.kind == "pilot")
        .ok_or(AppError::NotFound)
}

/// Who did it, as recorded with versions and counts.
pub fn by(user: &CurrentUser) -> String {
    format!("{} ({})", user.display_name, user.email)
}

pub fn kind_label(kind: &str) -> &'static str {
    if kind == "aanpassing" {
        "aangepast"
    } else {
        "voorstel volgens de verdeelregel"
    }
}
