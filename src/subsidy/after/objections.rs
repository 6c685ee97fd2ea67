//! Objections (bezwaar, Awb 6:4 and 7:1) as stored: one, all of a tenant, the replay of a
//! ranking with the points an objection asks for, and the receipt letter.

use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::subsidy::common::money::euro;
use crate::subsidy::common::terms::{self};
use crate::subsidy::decide::award::{self, Placed};
use crate::subsidy::decide::ranking::Board;
use crate::subsidy::letters::letter::{Letter, Part};
use crate::web::time_fmt;
use serde::Serialize;
use std::collections::BTreeMap;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Objection {
    pub objection_id: Uuid,
    pub application_id: Uuid,
    pub received_on: Date,
    pub channel: String,
    pub posted_on: Option<Date>,
    pub grounds: String,
    pub on_time: bool,
    pub registered_at: OffsetDateTime,
    pub registered_by: String,
    pub postponed_weeks: i32,
    pub postpone_reason: String,
    pub outcome: Option<String>,
    pub outcome_reason: String,
    pub replay: Option<sqlx::types::Json<Vec<ReplayRow>>>,
    pub decided_at: Option<OffsetDateTime>,
    pub decided_by: Option<String>,
    /// The objector's grant before and after an upheld objection re-decided it.
    pub granted_before_cents: Option<i64>,
    pub granted_after_cents: Option<i64>,
    pub sent_on: Date,
    pub reference: String,
    pub provider_name: String,
}

const COLUMNS: &str = "b.objection_id, b.application_id, b.received_on, b.channel, b.posted_on, b.grounds, b.on_time, \
     b.registered_at, b.registered_by, b.postponed_weeks, b.postpone_reason, b.outcome, b.outcome_reason, b.replay, \
     b.decided_at, b.decided_by, b.granted_before_cents, b.granted_after_cents, (o.decided_at at time zone 'Europe/Amsterdam')::date as sent_on, a.reference, \
     p.name as provider_name";

const FROM: &str = "from subsidy_objections b \
     join subsidy_applications a on a.tenant_id = b.tenant_id and a.application_id = b.application_id \
     join subsidy_outcomes o on o.tenant_id = b.tenant_id and o.application_id = b.application_id \
     join providers p on p.tenant_id = a.tenant_id and p.provider_id = a.provider_id";

impl Objection {
    pub fn deadline(&self) -> Date {
        terms::objection_deadline(self.sent_on)
    }

    pub fn decision_due(&self) -> Date {
        terms::objection_decision_due(self.sent_on, self.postponed_weeks as i64)
    }

    /// The grant as re-decided on this objection, in words.
    pub fn revision_text(&self) -> Option<String> {
        let (before, after) = (self.granted_before_cents?, self.granted_after_cents?);
        Some(format!(
            "Verleend was {}, wordt {}; het verschil staat in het betaalschema. De andere aanvragers houden hun besluit.",
            euro(before),
            euro(after)
        ))
    }

    pub fn outcome_label(&self) -> &'static str {
        match self.outcome.as_deref() {
            Some("gegrond") => "Gegrond",
            Some("ongegrond") => "Ongegrond",
            Some("niet_ontvankelijk") => "Niet-ontvankelijk",
            _ => "Nog niet beslist",
        }
    }
}

pub async fn all(tx: &mut TenantTx) -> AppResult<Vec<Objection>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(&format!(
        "select {COLUMNS} {FROM} where b.tenant_id = $1 order by b.decided_at is not null, b.received_on"
    ))
    .bind(tenant_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// Objection `id` of the transaction's tenant.
pub async fn one(tx: &mut TenantTx, id: Uuid) -> AppResult<Objection> {
    let tenant_id = tx.tenant_id();
    sqlx::query_as(&format!(
        "select {COLUMNS} {FROM} where b.tenant_id = $1 and b.objection_id = $2"
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(AppError::NotFound)
}

/// One line of a replayed ranking, beside the original.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct ReplayRow {
    /// The application (absent in replays recorded before it was kept).
    #[serde(default)]
    pub application_id: Uuid,
    /// Its outcome in the replay: toegekend, gedeeltelijk or afgewezen.
    #[serde(default)]
    pub outcome_after: String,
    pub reference: String,
    pub applicant: String,
    pub rank_before: Option<u32>,
    pub rank_after: Option<u32>,
    pub granted_before: i64,
    pub granted_after: i64,
}

impl ReplayRow {
    pub fn changed(&self) -> bool {
        self.rank_before != self.rank_after || self.granted_before != self.granted_after
    }
    pub fn before(&self) -> String {
        euro(self.granted_before)
    }
    pub fn after(&self) -> String {
        euro(self.granted_after)
    }
    pub fn rank_text(rank: &Option<u32>) -> String {
        rank.map(|r| r.to_string()).unwrap_or_else(|| "–".into())
    }
}

/// The onderdeel's ranking replayed with `revised` points for `application_id`: the same
/// applications, rules, plafond and draw seed as the original decision.
pub fn replay(
    board: &Board,
    application_id: Uuid,
    revised: &BTreeMap<String, i32>,
) -> Vec<ReplayRow> {
    let candidates = board
        .placed
        .iter()
        .map(|p| {
            let mut c = p.candidate.clone();
            if c.application_id == application_id && c.points.len() == board.criteria.len() {
                for (i, criterion) in board.criteria.iter().enumerate() {
                    if let Some(points) = revised.get(&criterion.code) {
                        c.points[i] = *points;
                    }
                }
            }
            c
        })
        .collect();
    let after: Vec<Placed> = award::rank(&board.criteria, candidates, &board.rules);
    board
        .placed
        .iter()
        .map(|before| {
            let now = after
                .iter()
                .find(|p| p.candidate.application_id == before.candidate.application_id)
                .expect("the same applications");
            ReplayRow {
                application_id: before.candidate.application_id,
                outcome_after: now.outcome.code().to_string(),
                reference: before.candidate.reference.clone(),
                applicant: before.candidate.applicant.clone(),
                rank_before: before.rank,
                rank_after: now.rank,
                granted_before: before.granted_cents,
                granted_after: now.granted_cents,
            }
        })
        .collect()
}

/// The receipt letter of objection `id`.
pub async fn receipt_letter(tx: &mut TenantTx, id: Uuid) -> AppResult<Letter> {
    let objection = one(tx, id).await?;
    let tenant_id = tx.tenant_id();
    let tenant: String = sqlx::query_scalar("select name from tenants where tenant_id = $1")
        .bind(tenant_id)
        .fetch_one(&mut **tx)
        .await?;
    let mut parts = vec![Part::Paragraph(format!(
        "Op {} ontvingen wij {} uw bezwaarschrift tegen ons besluit van {} op uw subsidieaanvraag {}. \
         Met deze brief bevestigen wij de ontvangst.",
        time_fmt::date(objection.received_on),
        if objection.channel == "post" { "per post" } else { "digitaal" },
        time_fmt::date(objection.sent_on),
        objection.reference
    ))];
    parts.push(Part::Heading("Wat gebeurt er nu".into()));
    parts.push(Part::Paragraph(format!(
        "Wij beslissen op uw bezwaar uiterlijk op {}. Lukt dat niet, dan laten wij u dat vóór die datum weten, \
         met de reden en een nieuwe datum; uitstel kan één keer, met ten hoogste zes weken.",
        time_fmt::date(objection.decision_due())
    )));
    if !objection.on_time {
        parts.push(Part::Paragraph(format!(
            "Let op: de bezwaartermijn eindigde op {}. Uw bezwaar lijkt na die datum te zijn ontvangen. \
             Als u een reden heeft waarom u niet eerder bezwaar kon maken, laat ons die dan binnen twee weken weten.",
            time_fmt::date(objection.deadline())
        )));
    }
    Ok(Letter {
        tenant,
        title: format!("Ontvangstbevestiging bezwaar {}", objection.reference),
        reference: objection.reference.clone(),
        addressee: vec![objection.provider_name.clone()],
        date: time_fmt::date(time_fmt::to_amsterdam(objection.registered_at).date()),
        subject: format!(
            "Ontvangstbevestiging van uw bezwaar tegen besluit {}",
            objection.reference
        ),
        parts,
    })
}
