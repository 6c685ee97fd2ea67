//! Scores as the assessors give them: the application and onderdeel an assessor may score, a
//! score and motivation read from the form, and both kinds of score stored (each assessor's
//! per criterion; the final assessor's final score per criterion).

use serde_json::json;
use std::collections::BTreeMap;
use uuid::Uuid;

use crate::auth::current_user::CurrentUser;
use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::fields::optional_text;
use crate::subsidy::assess::standing::{standing, Standing};
use crate::subsidy::common::store::{self, Application, RoundCategory};

/// A score of one criterion: (criterion code, points, motivation).
pub(in crate::subsidy) type Score = (String, i32, String);

/// The application `id` and its onderdeel, when `user` may score it: not found while the
/// user is no assessor of it (yet), forbidden when conflicted.
pub(in crate::subsidy) async fn scorable(
    tx: &mut TenantTx,
    user: &CurrentUser,
    id: Uuid,
) -> AppResult<(Application, RoundCategory)> {
    let application = store::application(tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    match standing(tx, user, &application).await? {
        Standing::Free => {}
        Standing::NotYet => return Err(AppError::NotFound),
        _ => return Err(AppError::Forbidden),
    }
    let category = store::round_categories(tx, application.round_id)
        .await?
        .into_iter()
        .find(|c| c.category_id == application.category_id)
        .ok_or(AppError::NotFound)?;
    Ok((application, category))
}

/// The points (a whole number 0–10, else `None`) and the motivation (at most 4,000
/// characters, else the message) typed under `points_key` and `motivation_key`.
pub(in crate::subsidy) fn typed_score(
    typed: &BTreeMap<String, String>,
    points_key: &str,
    motivation_key: &str,
) -> (Option<i32>, Result<String, String>) {
    let points = typed
        .get(points_key)
        .and_then(|p| p.trim().parse::<i32>().ok())
        .filter(|p| (0..=10).contains(p));
    let motivation = optional_text(
        typed.get(motivation_key).map(String::as_str).unwrap_or(""),
        4000,
        "de motivering",
    );
    (points, motivation)
}

/// Scores as the audit trail records them: `{code: {punten, motivering}}`.
pub(in crate::subsidy) fn as_json(rows: &[Score]) -> serde_json::Value {
    serde_json::Value::Object(
        rows.iter()
            .map(|(c, p, m)| (c.clone(), json!({"punten": p, "motivering": m})))
            .collect(),
    )
}

/// The scores `user_id` gave application `id` so far.
pub(in crate::subsidy) async fn given(
    tx: &mut TenantTx,
    id: Uuid,
    user_id: Uuid,
) -> AppResult<Vec<Score>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select criterion_code, points, motivation from subsidy_scores \
         where tenant_id = $1 and application_id = $2 and user_id = $3 order by criterion_code",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(user_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// Stores the scores of assessor `user_id` for application `id`, replacing earlier ones.
pub(in crate::subsidy) async fn save(
    tx: &mut TenantTx,
    id: Uuid,
    user_id: Uuid,
    scores: &[Score],
) -> AppResult<()> {
    let tenant_id = tx.tenant_id();
    for (code, points, motivation) in scores {
        sqlx::query(
            "insert into subsidy_scores (tenant_id, application_id, criterion_code, user_id, points, motivation) \
             values ($1, $2, $3, $4, $5, $6) \
             on conflict (tenant_id, application_id, criterion_code, user_id) \
             do update set points = excluded.points, motivation = excluded.motivation, scored_at = now()",
        )
        .bind(tenant_id)
        .bind(id)
        .bind(code)
        .bind(user_id)
        .bind(points)
        .bind(motivation)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Stores the final scores of application `id` under the rule `eindbeoordelaar`, set by
/// `set_by`, replacing earlier ones.
pub(in crate::subsidy) async fn save_final(
    tx: &mut TenantTx,
    id: Uuid,
    set_by: &str,
    set_by_user: Uuid,
    finals: &[Score],
) -> AppResult<()> {
    let tenant_id = tx.tenant_id();
    for (code, points, motivation) in finals {
        sqlx::query(
            "insert into subsidy_final_scores (tenant_id, application_id, criterion_code, points, motivation, rule, set_by, set_by_user) \
             values ($1, $2, $3, $4, $5, 'eindbeoordelaar', $6, $7) \
             on conflict (tenant_id, application_id, criterion_code) do update set points = excluded.points, \
             motivation = excluded.motivation, set_by = excluded.set_by, set_by_user = excluded.set_by_user, set_at = now()",
        )
        .bind(tenant_id)
        .bind(id)
        .bind(code)
        .bind(points)
        .bind(motivation)
        .bind(set_by)
        .bind(set_by_user)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
