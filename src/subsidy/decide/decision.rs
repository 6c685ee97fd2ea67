//! What an applicant and an assessor read of the outcome: the computed price line, and the
//! decision on an application with its final scores and motivation.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::TenantTx;
use crate::error::AppResult;
use crate::subsidy::common::money::euro;
use crate::subsidy::common::store::{Application, Round, RoundCategory};
use crate::subsidy::decide::award;
use crate::subsidy::decide::outcome::{self, OutcomeRow};
use crate::subsidy::decide::price::{self, PriceBasis};
use crate::subsidy::decide::ranking::{contenders, prices_of};
use crate::web::time_fmt;

/// The price criterion of one application as the assessor sees it.
pub struct PriceLine {
    pub points: i32,
    pub own: String,
    pub cheapest: String,
    pub rule: String,
}

pub async fn price_line(
    tx: &mut TenantTx,
    round: &Round,
    category: &RoundCategory,
    id: Uuid,
) -> AppResult<Option<PriceLine>> {
    let contenders = contenders(tx, round.round_id, category.category_id).await?;
    let prices = prices_of(category, &contenders);
    let basis = PriceBasis::parse(&category.price_basis).unwrap_or(PriceBasis::Requested);
    Ok(prices.get(&id).map(|p| PriceLine {
        points: p.points,
        own: euro(p.per_participant_cents),
        cheapest: euro(p.cheapest_cents),
        rule: price::rule_text(basis, category.fee_deduction),
    }))
}

pub struct ScoreLine {
    pub name: String,
    pub points: i32,
    pub pass_mark: i32,
    pub motivation: String,
}

/// The decision on an application as its applicant reads it.
pub struct DecisionView {
    pub outcome: &'static str,
    pub granted: String,
    pub requested: String,
    pub rank: Option<i32>,
    pub total: i32,
    pub reason: String,
    pub decided: String,
    pub scores: Vec<ScoreLine>,
    /// Re-decided on objection: the grant now, and when.
    pub revised: Option<(String, String)>,
}

pub async fn decision_view(
    tx: &mut TenantTx,
    application: &Application,
    category: &RoundCategory,
) -> AppResult<Option<DecisionView>> {
    let tenant_id = tx.tenant_id();
    let row = outcome::outcome(tx, application.application_id).await?;
    let Some(OutcomeRow {
        outcome,
        rank,
        total_points: total,
        requested_cents: requested,
        granted_cents: granted,
        reason,
        decided_at,
    }) = row
    else {
        return Ok(None);
    };
    let finals = outcome::final_scores(tx, application.application_id).await?;
    let revised: Option<(i64, OffsetDateTime)> = sqlx::query_as(
        "select granted_cents, revised_at from subsidy_current_outcomes \
         where tenant_id = $1 and application_id = $2 and revised_at is not null",
    )
    .bind(tenant_id)
    .bind(application.application_id)
    .fetch_optional(&mut **tx)
    .await?;
    let scores = category
        .criteria
        .iter()
        .filter_map(|c| {
            finals
                .iter()
                .find(|(code, _, _)| *code == c.code)
                .map(|(_, points, motivation)| ScoreLine {
                    name: c.name.clone(),
                    points: *points,
                    pass_mark: c.pass_mark,
                    motivation: motivation.clone(),
                })
        })
        .collect();
    Ok(Some(DecisionView {
        outcome: award::Outcome::parse(&outcome)
            .map(award::Outcome::label)
            .unwrap_or("Besloten"),
        granted: euro(granted),
        requested: euro(requested),
        rank,
        total,
        reason,
        decided: time_fmt::date_time(decided_at),
        scores,
        revised: revised.map(|(cents, at)| {
            (
                euro(cents),
                time_fmt::date(time_fmt::to_amsterdam(at).date()),
            )
        }),
    }))
}
