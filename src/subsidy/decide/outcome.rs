//! The decision on one application as stored: its outcome row and the final scores per
//! criterion, read the same way by the applicant's page, the assessor's page and the letter.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::TenantTx;
use crate::error::AppResult;

/// The outcome of an application as decided (before any objection).
#[derive(sqlx::FromRow)]
pub(in crate::subsidy) struct OutcomeRow {
    pub(in crate::subsidy) outcome: String,
    pub(in crate::subsidy) rank: Option<i32>,
    pub(in crate::subsidy) total_points: i32,
    pub(in crate::subsidy) requested_cents: i64,
    pub(in crate::subsidy) granted_cents: i64,
    pub(in crate::subsidy) reason: String,
    pub(in crate::subsidy) decided_at: OffsetDateTime,
}

/// The outcome of application `application_id`, or `None` before the decision.
pub(in crate::subsidy) async fn outcome(
    tx: &mut TenantTx,
    application_id: Uuid,
) -> AppResult<Option<OutcomeRow>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select outcome, rank, total_points, requested_cents, granted_cents, reason, decided_at from subsidy_outcomes \
         where tenant_id = $1 and application_id = $2",
    )
    .bind(tenant_id)
    .bind(application_id)
    .fetch_optional(&mut **tx)
    .await?)
}

/// The final scores of application `application_id`: (criterion code, points, motivation).
pub(in crate::subsidy) async fn final_scores(
    tx: &mut TenantTx,
    application_id: Uuid,
) -> AppResult<Vec<(String, i32, String)>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select criterion_code, points, motivation from subsidy_final_scores where tenant_id = $1 and application_id = $2",
    )
    .bind(tenant_id)
    .bind(application_id)
    .fetch_all(&mut **tx)
    .await?)
}
