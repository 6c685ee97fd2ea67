//! Deciding one onderdeel: the final scores by the round's rule, the ranking and award, stored
//! as an immutable snapshot with the outcome of each application — once. The onderdeel's row
//! is locked first, so two officials pressing at once, or a hundred requests, decide it once
//! and never grant more than the plafond.

use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::{self, Actor, Event};
use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::subsidy::after::settlement::{self, Duty};
use crate::subsidy::common::money::euro;
use crate::subsidy::common::store::{self, Phase, Round, RoundCategory};
use crate::subsidy::decide::award::Placed;
use crate::subsidy::decide::outliers;
use crate::subsidy::decide::ranking::{compute, contenders, decided, prices_of, Board, Final};
use crate::web::time_fmt;

/// Decides one onderdeel of `round` in `tx`, unless it was decided already (then nothing
/// happens). Refused while the round is open, while a completion term runs, or while an
/// application lacks a score.
pub async fn decide(
    tx: &mut TenantTx,
    round: &Round,
    category_id: Uuid,
    decided_by: &str,
    actor: &Actor,
) -> AppResult<()> {
    let Some(category) = decidable(tx, round, category_id).await? else {
        return Ok(());
    };
    let seed: i64 = rand::random::<i64>() & 0x7FFF_FFFF_FFFF;
    let board = compute(tx, round.round_id, &category, seed).await?;
    if !board.unscored.is_empty() {
        return Err(AppError::BadRequest(format!(
            "Nog niet besluiten: {} {} nog niet op elk criterium gescoord.",
            board.unscored.join(", "),
            if board.unscored.len() == 1 {
                "is"
            } else {
                "zijn"
            }
        )));
    }
    let contenders = contenders(tx, round.round_id, category_id).await?;
    let open: Vec<String> =
        outliers::of_category(tx, &contenders, &prices_of(&category, &contenders))
            .await?
            .into_iter()
            .filter(|o| o.check.is_none())
            .map(|o| o.reference)
            .collect();
    if !open.is_empty() {
        return Err(AppError::BadRequest(format!(
            "Nog niet besluiten: controleer eerst de uitschieter{} {} en leg de controle met een reden vast.",
            if open.len() == 1 { "" } else { "s" },
            open.join(", ")
        )));
    }
    let granted: i64 = board.placed.iter().map(|p| p.granted_cents).sum();
    if granted > category.ceiling_cents {
        return Err(AppError::internal("award exceeded the plafond"));
    }
    store_board(tx, round, &category, &board, seed, decided_by).await?;
    schedule_payments(tx, round, &board.placed, decided_by).await?;
    let tenant_id = tx.tenant_id();
    let ids: Vec<Uuid> = board
        .placed
        .iter()
        .map(|p| p.candidate.application_id)
        .collect();
    sqlx::query("update subsidy_applications set status = 'besloten' where tenant_id = $1 and application_id = any($2)")
        .bind(tenant_id)
        .bind(&ids)
        .execute(&mut **tx)
        .await?;
    let event = Event::new(
        "besloten",
        "subsidieonderdeel",
        format!("{}/{}", round.round_id, category_id),
    )
    .after(json!({
        "regeling": round.scheme_name,
        "ronde": round.year,
        "onderdeel": category.name,
        "plafond": euro(category.ceiling_cents),
        "toegekend": euro(granted),
        "loting_uitgangswaarde": seed,
        "rangschikking": board.placed.iter().map(|p| json!({
            "kenmerk": p.candidate.reference,
            "rang": p.rank,
            "totaal": p.total,
            "subsidiabel": p.eligible,
            "gevraagd": euro(p.candidate.requested_cents),
            "toegekend": euro(p.granted_cents),
        })).collect::<Vec<_>>(),
    }));
    audit::record(tx, actor, event).await?;
    Ok(())
}

/// The onderdeel `category_id` of `round`, locked, when it can be decided now; `None` when it
/// was decided already. Refused while the round is open or a completion term runs.
async fn decidable(
    tx: &mut TenantTx,
    round: &Round,
    category_id: Uuid,
) -> AppResult<Option<RoundCategory>> {
    let tenant_id = tx.tenant_id();
    // One decision per onderdeel: whoever holds this lock decides; the others find it decided.
    let locked: Option<i64> = sqlx::query_scalar(
        "select ceiling_cents from subsidy_round_categories where tenant_id = $1 and round_id = $2 and category_id = $3 \
         for update",
    )
    .bind(tenant_id)
    .bind(round.round_id)
    .bind(category_id)
    .fetch_optional(&mut **tx)
    .await?;
    if locked.is_none() {
        return Err(AppError::NotFound);
    }
    if decided(tx, round.round_id, category_id).await?.is_some() {
        return Ok(None);
    }
    if round.phase(OffsetDateTime::now_utc()) != Phase::Closed {
        return Err(AppError::BadRequest(format!(
            "De ronde is nog open tot en met {}; besluiten kan pas daarna.",
            time_fmt::date_time(round.closes_at)
        )));
    }
    let category = store::round_categories(tx, round.round_id)
        .await?
        .into_iter()
        .find(|c| c.category_id == category_id)
        .ok_or(AppError::NotFound)?;
    let waiting: Vec<String> = sqlx::query_scalar(
        "select reference from subsidy_applications where tenant_id = $1 and round_id = $2 and category_id = $3 \
         and status = 'aanvulling' and completion_due > now() order by reference",
    )
    .bind(tenant_id)
    .bind(round.round_id)
    .bind(category_id)
    .fetch_all(&mut **tx)
    .await?;
    if !waiting.is_empty() {
        return Err(AppError::BadRequest(format!(
            "Nog niet besluiten: de aanvulling van {} is gevraagd en de termijn loopt nog.",
            waiting.join(", ")
        )));
    }
    Ok(Some(category))
}

/// Stores the decision: the computed final scores, the snapshot of `board` and the outcome of
/// each application.
async fn store_board(
    tx: &mut TenantTx,
    round: &Round,
    category: &RoundCategory,
    board: &Board,
    seed: i64,
    decided_by: &str,
) -> AppResult<()> {
    let tenant_id = tx.tenant_id();
    let category_id = category.category_id;
    // Final scores and outcomes go in as sets (one statement each), not row by row.
    let finals: Vec<(&Uuid, &Final)> = board
        .finals
        .iter()
        .flat_map(|(id, finals)| finals.iter().map(move |f| (id, f)))
        .filter(|(_, f)| f.rule != "eindbeoordelaar")
        .collect();
    sqlx::query(
        "insert into subsidy_final_scores (tenant_id, application_id, criterion_code, points, motivation, rule, set_by) \
         select $1, a, c, p, m, r, $7 from unnest($2::uuid[], $3::text[], $4::int[], $5::text[], $6::text[]) as u(a, c, p, m, r) \
         on conflict (tenant_id, application_id, criterion_code) do update \
         set points = excluded.points, motivation = excluded.motivation, rule = excluded.rule, \
             set_by = excluded.set_by, set_at = now()",
    )
    .bind(tenant_id)
    .bind(finals.iter().map(|(id, _)| **id).collect::<Vec<Uuid>>())
    .bind(finals.iter().map(|(_, f)| f.code.as_str()).collect::<Vec<&str>>())
    .bind(finals.iter().map(|(_, f)| f.points).collect::<Vec<i32>>())
    .bind(finals.iter().map(|(_, f)| f.motivation.as_str()).collect::<Vec<&str>>())
    .bind(finals.iter().map(|(_, f)| f.rule.as_str()).collect::<Vec<&str>>())
    .bind(decided_by)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "insert into subsidy_decisions (tenant_id, round_id, category_id, decided_by, ceiling_cents, draw_seed, snapshot) \
         values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tenant_id)
    .bind(round.round_id)
    .bind(category_id)
    .bind(decided_by)
    .bind(category.ceiling_cents)
    .bind(seed)
    .bind(sqlx::types::Json(board))
    .execute(&mut **tx)
    .await?;
    let placed = &board.placed;
    sqlx::query(
        "insert into subsidy_outcomes (tenant_id, application_id, round_id, category_id, outcome, rank, total_points, \
            eligible, requested_cents, granted_cents, remaining_cents, reason) \
         select $1, a, $3, $4, o, rk, t, e, rq, g, rm, why \
         from unnest($2::uuid[], $5::text[], $6::int[], $7::int[], $8::bool[], $9::bigint[], $10::bigint[], $11::bigint[], \
                     $12::text[]) as u(a, o, rk, t, e, rq, g, rm, why)",
    )
    .bind(tenant_id)
    .bind(placed.iter().map(|p| p.candidate.application_id).collect::<Vec<Uuid>>())
    .bind(round.round_id)
    .bind(category_id)
    .bind(placed.iter().map(|p| p.outcome.code()).collect::<Vec<&str>>())
    .bind(placed.iter().map(|p| p.rank.map(|r| r as i32)).collect::<Vec<Option<i32>>>())
    .bind(placed.iter().map(|p| p.total).collect::<Vec<i32>>())
    .bind(placed.iter().map(|p| p.eligible).collect::<Vec<bool>>())
    .bind(placed.iter().map(|p| p.candidate.requested_cents).collect::<Vec<i64>>())
    .bind(placed.iter().map(|p| p.granted_cents).collect::<Vec<i64>>())
    .bind(placed.iter().map(|p| p.remaining_cents).collect::<Vec<i64>>())
    .bind(placed.iter().map(|p| p.reason.as_str()).collect::<Vec<&str>>())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The payment schedule of every grant in `placed`, and the settlement of the small ones at
/// once.
async fn schedule_payments(
    tx: &mut TenantTx,
    round: &Round,
    placed: &[Placed],
    decided_by: &str,
) -> AppResult<()> {
    let tenant_id = tx.tenant_id();
    let decided_on = time_fmt::today();
    for p in placed.iter().filter(|p| p.granted_cents > 0) {
        let plan = settlement::schedule(
            p.granted_cents,
            round.advance_parts,
            round.period_start,
            round.period_end,
            decided_on,
        );
        let kind = if plan.len() > 1 {
            "voorschot"
        } else {
            "betaling"
        };
        sqlx::query(
            "insert into subsidy_payments (tenant_id, application_id, kind, part, due_on, amount_cents) \
             select $1, $2, $3, part, due, amount from unnest($4::int[], $5::date[], $6::bigint[]) as u(part, due, amount)",
        )
        .bind(tenant_id)
        .bind(p.candidate.application_id)
        .bind(kind)
        .bind(plan.iter().map(|x| x.part).collect::<Vec<i32>>())
        .bind(plan.iter().map(|x| x.due_on).collect::<Vec<time::Date>>())
        .bind(plan.iter().map(|x| x.amount_cents).collect::<Vec<i64>>())
        .execute(&mut **tx)
        .await?;
        if round.duty(p.granted_cents) == Duty::Direct {
            sqlx::query(
                "insert into subsidy_settlements (tenant_id, application_id, settled_cents, granted_cents, paid_cents, \
                 claim_cents, direct, settled_by) values ($1, $2, $3, $3, 0, 0, true, $4)",
            )
            .bind(tenant_id)
            .bind(p.candidate.application_id)
            .bind(p.granted_cents)
            .bind(decided_by)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}
