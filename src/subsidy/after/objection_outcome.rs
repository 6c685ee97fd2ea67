//! What a decision on an objection changes, and its letter. An objection upheld (gegrond) with
//! new scores re-decides the objector's application: when the replayed ranking (same
//! applications, rules, plafond and draw as the original decision) grants it more than it has,
//! its grant becomes that, the difference is scheduled for payment, and a settlement made at
//! once with the grant follows. It never lowers a grant, and the other applicants keep theirs:
//! the objection page shows what the replay would change for them. The original decision's
//! snapshot is not touched.

use serde_json::json;
use uuid::Uuid;

use crate::db::TenantTx;
use crate::error::AppResult;
use crate::subsidy::after::objections::{Objection, ReplayRow};
use crate::subsidy::after::settlement::Duty;
use crate::subsidy::common::money::euro;
use crate::subsidy::common::store::{Application, Round};
use crate::subsidy::letters::letter::{Letter, Part};
use crate::web::time_fmt;

/// A grant re-decided on objection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub granted_before: i64,
    pub granted_after: i64,
    pub outcome_after: String,
}

/// The revision the replay gives `application_id` whose grant is `current_cents` now: only
/// when the replay grants more.
pub fn revision(
    replayed: &[ReplayRow],
    application_id: Uuid,
    current_cents: i64,
) -> Option<Revision> {
    let row = replayed
        .iter()
        .find(|r| r.application_id == application_id)?;
    (row.granted_after > current_cents).then(|| Revision {
        granted_before: current_cents,
        granted_after: row.granted_after,
        outcome_after: row.outcome_after.clone(),
    })
}

/// Carries out `revision` of `application`: the difference scheduled as the round pays grants
/// (after the parts already planned), and a direct settlement replaced or removed. Returns
/// what changed, for the audit trail.
pub async fn apply(
    tx: &mut TenantTx,
    application: &Application,
    round: &Round,
    revision: &Revision,
    decided_by: &str,
) -> AppResult<serde_json::Value> {
    let tenant_id = tx.tenant_id();
    let id = application.application_id;
    let difference = revision.granted_after - revision.granted_before;
    let last_part: i32 = sqlx::query_scalar(
        "select coalesce(max(part), 0) from subsidy_payments where tenant_id = $1 and application_id = $2",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    let today = time_fmt::today();
    let plan = crate::subsidy::after::settlement::schedule(
        difference,
        round.advance_parts,
        round.period_start,
        round.period_end,
        today,
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
    .bind(id)
    .bind(kind)
    .bind(plan.iter().map(|x| x.part + last_part).collect::<Vec<i32>>())
    .bind(plan.iter().map(|x| x.due_on).collect::<Vec<time::Date>>())
    .bind(plan.iter().map(|x| x.amount_cents).collect::<Vec<i64>>())
    .execute(&mut **tx)
    .await?;
    let direct: Option<bool> = sqlx::query_scalar(
        "select direct from subsidy_settlements where tenant_id = $1 and application_id = $2",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    let settlement = match direct {
        Some(true) if round.duty(revision.granted_after) == Duty::Direct => {
            sqlx::query(
                "update subsidy_settlements set settled_cents = $3, granted_cents = $3, settled_at = now(), settled_by = $4 \
                 where tenant_id = $1 and application_id = $2",
            )
            .bind(tenant_id)
            .bind(id)
            .bind(revision.granted_after)
            .bind(decided_by)
            .execute(&mut **tx)
            .await?;
            "direct vastgesteld op het nieuwe bedrag"
        }
        Some(true) => {
            sqlx::query(
                "delete from subsidy_settlements where tenant_id = $1 and application_id = $2 and direct",
            )
            .bind(tenant_id)
            .bind(id)
            .execute(&mut **tx)
            .await?;
            "de directe vaststelling vervalt: het nieuwe bedrag vraagt verantwoording"
        }
        Some(false) => "al vastgesteld na verantwoording; zo nodig opnieuw vaststellen",
        None => "",
    };
    Ok(json!({
        "verleend_was": euro(revision.granted_before),
        "verleend_wordt": euro(revision.granted_after),
        "uitkomst_wordt": revision.outcome_after,
        "extra_betalingen": plan.iter().map(|p| format!("{} op {}", euro(p.amount_cents), p.due_on)).collect::<Vec<_>>(),
        "vaststelling": settlement,
    }))
}

/// The decision on objection `objection` (beslissing op bezwaar), once decided.
pub async fn decision_letter(
    tx: &mut TenantTx,
    objection: &Objection,
) -> AppResult<Option<Letter>> {
    let (Some(outcome), Some(decided_at)) = (objection.outcome.as_deref(), objection.decided_at)
    else {
        return Ok(None);
    };
    let tenant_id = tx.tenant_id();
    let tenant: String = sqlx::query_scalar("select name from tenants where tenant_id = $1")
        .bind(tenant_id)
        .fetch_one(&mut **tx)
        .await?;
    let sent = time_fmt::to_amsterdam(decided_at).date();
    let mut parts = vec![Part::Paragraph(format!(
        "Op {} ontvingen wij uw bezwaarschrift tegen ons besluit van {} op uw subsidieaanvraag {}. Met deze brief \
         beslissen wij op uw bezwaar.",
        time_fmt::date(objection.received_on),
        time_fmt::date(objection.sent_on),
        objection.reference
    ))];
    parts.push(Part::Heading("Ons besluit".into()));
    parts.push(Part::Paragraph(
        match outcome {
            "gegrond" => "Wij verklaren uw bezwaar gegrond.",
            "ongegrond" => "Wij verklaren uw bezwaar ongegrond. Het besluit blijft in stand.",
            _ => "Wij verklaren uw bezwaar niet-ontvankelijk. Wij behandelen het daarom niet inhoudelijk.",
        }
        .to_string(),
    ));
    match (
        objection.granted_before_cents,
        objection.granted_after_cents,
    ) {
        (Some(before), Some(after)) => {
            parts.push(Part::Facts(vec![
                ("Verleend was".into(), euro(before)),
                ("Verleend wordt".into(), euro(after)),
                ("Extra te betalen".into(), euro(after - before)),
            ]));
            parts.push(Part::Paragraph(
                "Wij herroepen het besluit voor zover het u minder subsidie gaf, en verlenen u het bedrag hierboven. \
                 Het verschil betalen wij volgens het betaalschema van de regeling."
                    .into(),
            ));
        }
        _ if outcome == "gegrond" => parts.push(Part::Paragraph(
            "De nieuwe beoordeling verandert de hoogte van uw subsidie niet.".into(),
        )),
        _ => {}
    }
    parts.push(Part::Heading("Motivering".into()));
    parts.push(Part::Paragraph(objection.outcome_reason.clone()));
    parts.push(Part::Heading("Beroep".into()));
    parts.push(Part::Paragraph(format!(
        "Bent u het niet eens met deze beslissing, dan kunt u binnen zes weken na de dag waarop deze brief is verzonden \
         beroep instellen bij de rechtbank (artikel 8:1 en 6:7 Awb). Deze brief is verzonden op {}; uw beroepschrift \
         moet dus uiterlijk op {} zijn ontvangen. Voor het beroep betaalt u griffierecht.",
        time_fmt::date(sent),
        time_fmt::date(crate::subsidy::common::terms::objection_deadline(sent))
    )));
    Ok(Some(Letter {
        tenant,
        title: format!("Beslissing op bezwaar {}", objection.reference),
        reference: objection.reference.clone(),
        addressee: vec![objection.provider_name.clone()],
        date: time_fmt::date(sent),
        subject: format!(
            "Beslissing op uw bezwaar tegen besluit {}",
            objection.reference
        ),
        parts,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: Uuid, before: i64, after: i64, outcome: &str) -> ReplayRow {
        ReplayRow {
            application_id: id,
            outcome_after: outcome.into(),
            reference: "SUB-1".into(),
            applicant: "Stichting".into(),
            rank_before: None,
            rank_after: Some(1),
            granted_before: before,
            granted_after: after,
        }
    }

    #[test]
    fn an_upheld_objection_only_ever_raises_the_grant() {
        let me = Uuid::new_v4();
        let other = Uuid::new_v4();
        let replayed = vec![
            row(me, 0, 1_200_000, "gedeeltelijk"),
            row(other, 900_000, 0, "afgewezen"),
        ];
        assert_eq!(
            revision(&replayed, me, 0),
            Some(Revision {
                granted_before: 0,
                granted_after: 1_200_000,
                outcome_after: "gedeeltelijk".into()
            })
        );
        // Already granted that much (an earlier revision), or more: nothing to change.
        assert_eq!(revision(&replayed, me, 1_200_000), None);
        assert_eq!(revision(&replayed, me, 1_500_000), None);
        // Another applicant's replay never re-decides anything here.
        assert_eq!(revision(&replayed, other, 900_000), None);
        assert_eq!(revision(&replayed, Uuid::new_v4(), 0), None);
    }
}
