//! The ranking of an onderdeel: the contenders, their computed price points and final scores,
//! the award within the plafond, and the board as decided.

use crate::db::TenantTx;
use crate::error::AppResult;
use crate::subsidy::assess::conflicts;
use crate::subsidy::common::money::euro;
use crate::subsidy::common::store::{self, Application, Round, RoundCategory, Version};
use crate::subsidy::decide::award::{self, Candidate, Placed, Remainder, Rules};
use crate::subsidy::decide::price::{self, PriceBasis, PriceInput, PricePoints};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use time::OffsetDateTime;
use uuid::Uuid;

/// The ranking of one onderdeel as computed (and, once decided, as stored).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Board {
    pub criteria: Vec<award::Criterion>,
    pub rules: Rules,
    pub placed: Vec<Placed>,
    pub prices: HashMap<Uuid, PricePoints>,
    /// Final points and motivation per application and criterion code.
    pub finals: HashMap<Uuid, Vec<Final>>,
    /// References of applications not yet scored on every judged criterion.
    pub unscored: Vec<String>,
    /// Applications whose scores of an assessor with a declared conflict do not count, with
    /// how many assessors that is (`conflicts`).
    #[serde(default)]
    pub conflicted: Vec<(String, usize)>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Final {
    pub code: String,
    pub points: i32,
    pub motivation: String,
    pub rule: String,
}

/// The cost the price rule compares, in cents.
fn price_cost(basis: PriceBasis, v: &Version) -> i64 {
    match basis {
        PriceBasis::Requested => v.requested_cents,
        PriceBasis::FixedCosts => v.fixed_costs_cents,
        PriceBasis::FixedAndStaff => v.fixed_costs_cents + v.staff_costs_cents,
    }
}

/// The applications that compete in an onderdeel: submitted or decided ones. Drafts,
/// withdrawn applications and completions still open do not compete.
pub(in crate::subsidy) async fn contenders(
    tx: &mut TenantTx,
    round_id: Uuid,
    category_id: Uuid,
) -> AppResult<Vec<(Application, Version)>> {
    let applications: Vec<Application> = store::applications_of_round(tx, round_id)
        .await?
        .into_iter()
        .filter(|a| {
            a.category_id == category_id && matches!(a.status.as_str(), "ingediend" | "besloten")
        })
        .collect();
    let ids: Vec<Uuid> = applications.iter().map(|a| a.application_id).collect();
    let mut versions = store::current_versions(tx, &ids).await?;
    Ok(applications
        .into_iter()
        .filter_map(|a| versions.remove(&a.application_id).map(|v| (a, v)))
        .collect())
}

pub(in crate::subsidy) fn prices_of(
    category: &RoundCategory,
    contenders: &[(Application, Version)],
) -> HashMap<Uuid, PricePoints> {
    let basis = PriceBasis::parse(&category.price_basis).unwrap_or(PriceBasis::Requested);
    let inputs: Vec<PriceInput> = contenders
        .iter()
        .map(|(a, v)| PriceInput {
            application_id: a.application_id,
            cost_cents: price_cost(basis, v),
            participants: v.participants as i64,
            charges_fee: v.counter_service == "vergoeding",
        })
        .collect();
    price::price_points(&inputs, category.fee_deduction)
        .into_iter()
        .map(|p| (p.application_id, p))
        .collect()
}

/// Computes the ranking of `category` from the scores as they stand, with the draw `seed`.
pub async fn compute(
    tx: &mut TenantTx,
    round_id: Uuid,
    category: &RoundCategory,
    seed: i64,
) -> AppResult<Board> {
    let contenders = contenders(tx, round_id, category.category_id).await?;
    let prices = prices_of(category, &contenders);
    let ids: Vec<Uuid> = contenders.iter().map(|(a, _)| a.application_id).collect();
    let tenant_id = tx.tenant_id();
    let mut finals: HashMap<Uuid, Vec<Final>> = HashMap::new();
    // Scores of an assessor conflicted now do not count, whenever they were given.
    let conflicted = conflicts::conflicted(tx, &ids).await?;
    let mut excluded: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
    if category.combine_rule == "eindbeoordelaar" {
        let rows: Vec<(Uuid, String, i32, String, Option<Uuid>)> = sqlx::query_as(
            "select application_id, criterion_code, points, motivation, set_by_user from subsidy_final_scores \
             where tenant_id = $1 and application_id = any($2) and rule = 'eindbeoordelaar'",
        )
        .bind(tenant_id)
        .bind(&ids)
        .fetch_all(&mut **tx)
        .await?;
        for (id, code, points, motivation, by) in rows {
            if by.is_some_and(|by| conflicted.contains(&(id, by))) {
                excluded
                    .entry(id)
                    .or_default()
                    .insert(by.unwrap_or_default());
                continue;
            }
            finals.entry(id).or_default().push(Final {
                code,
                points,
                motivation,
                rule: "eindbeoordelaar".into(),
            });
        }
    } else {
        // Assessors are named in order of their first score (Beoordelaar 1, 2, …) so a letter
        // shows every motivation without naming the official.
        let rows: Vec<(Uuid, String, Uuid, i32, String)> = sqlx::query_as(
            "select application_id, criterion_code, user_id, points, motivation from subsidy_scores \
             where tenant_id = $1 and application_id = any($2) order by application_id, criterion_code, scored_at, user_id",
        )
        .bind(tenant_id)
        .bind(&ids)
        .fetch_all(&mut **tx)
        .await?;
        let mut grouped: HashMap<(Uuid, String), Vec<AssessorScore>> = HashMap::new();
        for (id, code, user, points, motivation) in rows {
            if conflicted.contains(&(id, user)) {
                excluded.entry(id).or_default().insert(user);
                continue;
            }
            grouped
                .entry((id, code))
                .or_default()
                .push((user, points, motivation));
        }
        for ((id, code), scores) in grouped {
            let n = scores.len() as i32;
            let sum: i32 = scores.iter().map(|s| s.1).sum();
            // Rounded mean, half up: (2·sum + n) div (2·n).
            let points = (2 * sum + n) / (2 * n);
            let motivation = scores
                .iter()
                .enumerate()
                .map(|(i, (_, p, m))| format!("Beoordelaar {} ({p}): {m}", i + 1))
                .collect::<Vec<_>>()
                .join("\n");
            finals.entry(id).or_default().push(Final {
                code,
                points,
                motivation,
                rule: "gemiddelde".into(),
            });
        }
    }
    let criteria: Vec<award::Criterion> = category
        .criteria
        .iter()
        .map(|c| award::Criterion {
            code: c.code.clone(),
            name: c.name.clone(),
            pass_mark: c.pass_mark,
        })
        .collect();
    let mut unscored = Vec::new();
    let mut candidates = Vec::new();
    for (a, v) in &contenders {
        let own = finals.entry(a.application_id).or_default();
        let price = prices.get(&a.application_id);
        if let Some(c) = category.criteria.iter().find(|c| c.computed) {
            if let Some(p) = price {
                own.push(Final {
                    code: c.code.clone(),
                    points: p.points,
                    motivation: price_motivation(p),
                    rule: "berekend".into(),
                });
            }
        }
        let points: Option<Vec<i32>> = category
            .criteria
            .iter()
            .map(|c| own.iter().find(|f| f.code == c.code).map(|f| f.points))
            .collect();
        if points.is_none() {
            unscored.push(a.reference.clone());
        }
        candidates.push(Candidate {
            application_id: a.application_id,
            reference: a.reference.clone(),
            applicant: a.provider_name.clone(),
            kvk: a.kvk_number.clone(),
            requested_cents: v.requested_cents,
            points: points.unwrap_or_default(),
        });
    }
    let rules = Rules {
        ceiling_cents: category.ceiling_cents,
        tie_criterion: category.tie_criterion.clone(),
        remainder: Remainder::parse(&category.remainder_rule).unwrap_or(Remainder::Nothing),
        draw_seed: seed,
    };
    let placed = award::rank(&criteria, candidates, &rules);
    let conflicted = contenders
        .iter()
        .filter_map(|(a, _)| {
            excluded
                .get(&a.application_id)
                .map(|users| (a.reference.clone(), users.len()))
        })
        .collect();
    Ok(Board {
        criteria,
        rules,
        placed,
        prices,
        finals,
        unscored,
        conflicted,
    })
}

fn price_motivation(p: &PricePoints) -> String {
    let mut text = format!(
        "Berekend: {} per deelnemer; de goedkoopste aanvraag kost {} per deelnemer.",
        euro(p.per_participant_cents),
        euro(p.cheapest_cents)
    );
    if p.fee_deducted > 0 {
        text.push_str(&format!(
            " {} punt(en) minder omdat deelnemers een vergoeding betalen.",
            p.fee_deducted
        ));
    }
    text
}

/// The decided board of an onderdeel, if any.
pub(in crate::subsidy) async fn decided(
    tx: &mut TenantTx,
    round_id: Uuid,
    category_id: Uuid,
) -> AppResult<Option<(Board, OffsetDateTime, String)>> {
    let tenant_id = tx.tenant_id();
    let row: Option<(sqlx::types::Json<Board>, OffsetDateTime, String)> = sqlx::query_as(
        "select snapshot, decided_at, decided_by from subsidy_decisions \
         where tenant_id = $1 and round_id = $2 and category_id = $3",
    )
    .bind(tenant_id)
    .bind(round_id)
    .bind(category_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|(board, at, by)| (board.0, at, by)))
}

/// The board to show: the decided snapshot, else the provisional ranking.
pub(in crate::subsidy) async fn board_of(
    tx: &mut TenantTx,
    round: &Round,
    category: &RoundCategory,
) -> AppResult<(Board, Option<(OffsetDateTime, String)>)> {
    Ok(
        match decided(tx, round.round_id, category.category_id).await? {
            Some((board, at, by)) => (board, Some((at, by))),
            None => (compute(tx, round.round_id, category, 0).await?, None),
        },
    )
}

/// One assessor's points and motivation.
type AssessorScore = (Uuid, i32, String);
