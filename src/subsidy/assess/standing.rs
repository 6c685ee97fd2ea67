//! Where an assessor stands with an application: free to score, conflicted, or not (yet) an
//! assessor of its onderdeel.

use crate::auth::current_user::CurrentUser;
use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::subsidy::common::store::{self, Application};
use time::OffsetDateTime;

/// Where an assessor stands towards one application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Not (yet) open for assessment: a draft, withdrawn, or the window still open.
    NotYet,
    /// The assessor works for the applicant: always a conflict.
    OwnOrganisation,
    Undeclared,
    Conflicted,
    Free,
}

/// The assessor's standing: the newest declaration counts.
pub async fn standing(
    tx: &mut TenantTx,
    user: &CurrentUser,
    application: &Application,
) -> AppResult<Standing> {
    let assessable = matches!(application.status.as_str(), "ingediend" | "besloten");
    if !assessable {
        return Ok(Standing::NotYet);
    }
    let round = store::round_by_id(tx, application.round_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if round.phase(OffsetDateTime::now_utc()) != store::Phase::Closed {
        return Ok(Standing::NotYet);
    }
    if user.provider_id == Some(application.provider_id) {
        return Ok(Standing::OwnOrganisation);
    }
    let tenant_id = tx.tenant_id();
    let conflicted: Option<bool> = sqlx::query_scalar(
        "select conflicted from subsidy_conflict_declarations \
         where tenant_id = $1 and application_id = $2 and user_id = $3 order by declared_at desc limit 1",
    )
    .bind(tenant_id)
    .bind(application.application_id)
    .bind(user.user_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(match conflicted {
        None => Standing::Undeclared,
        Some(true) => Standing::Conflicted,
        Some(false) => Standing::Free,
    })
}
