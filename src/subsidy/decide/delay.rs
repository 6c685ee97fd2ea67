//! Verdaging (Awb 4:14): when a round's decision may be delayed, by how long, which applications
//! were waiting, and the notice of delay.

use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::subsidy::common::store::{self, Application, Round};
use crate::subsidy::letters::letter::{Letter, Part};
use crate::web::time_fmt;
use time::{Date, Duration, OffsetDateTime};

/// The longest delay a notice may announce, in weeks after the term it replaces.
pub const MAX_DELAY_WEEKS: i64 = 26;

/// Whether a notice of delay may be sent for `round` today: closed, not yet delayed, the term
/// not yet passed, and applications still waiting for a decision. Otherwise why not.
pub fn may_delay(round: &Round, waiting: usize, now: OffsetDateTime) -> Result<(), String> {
    let today = time_fmt::to_amsterdam(now).date();
    if round.phase(now) != store::Phase::Closed {
        return Err("Verdagen kan pas als de aanvraagtermijn gesloten is.".into());
    }
    if let Some(to) = round.decision_delayed_to {
        return Err(format!(
            "De beslissing is al verdaagd tot {}.",
            time_fmt::date(to)
        ));
    }
    if waiting == 0 {
        return Err("Er wachten geen aanvragen meer op een besluit.".into());
    }
    if today > round.decision_term_end() {
        return Err(format!(
            "De beslistermijn is verstreken op {}. Een bericht van verdaging moet vóór het einde van de termijn \
             worden verstuurd; beslis nu zo snel mogelijk.",
            time_fmt::date(round.decision_term_end())
        ));
    }
    Ok(())
}

/// Checks the new date: after the current term, at most [`MAX_DELAY_WEEKS`] later.
pub fn check_new_date(round: &Round, new: Date) -> Result<(), String> {
    let term = round.decision_term_end();
    if new <= term {
        return Err(format!(
            "De nieuwe datum moet na het einde van de beslistermijn liggen ({}).",
            time_fmt::date(term)
        ));
    }
    if new > term + Duration::weeks(MAX_DELAY_WEEKS) {
        return Err(format!(
            "Noem een zo kort mogelijke redelijke termijn: hoogstens {MAX_DELAY_WEEKS} weken na {} (uiterlijk {}).",
            time_fmt::date(term),
            time_fmt::date(term + Duration::weeks(MAX_DELAY_WEEKS))
        ));
    }
    Ok(())
}

/// The applications of a round that wait for a decision.
pub fn waiting(applications: &[Application]) -> usize {
    applications
        .iter()
        .filter(|a| matches!(a.status.as_str(), "ingediend" | "aanvulling"))
        .count()
}

/// The new decision date when `round`'s notice of delay concerns `application`: submitted before
/// the notice, and not withdrawn.
pub fn notice_for(round: &Round, application: &Application) -> Option<Date> {
    let (to, at) = (round.decision_delayed_to?, round.decision_delayed_at?);
    let submitted = application.submitted_at?;
    (submitted <= at && !matches!(application.status.as_str(), "concept" | "ingetrokken"))
        .then_some(to)
}

/// The notice of delay for `application`, when its round was delayed while it waited (an
/// application submitted, not withdrawn, before the notice).
pub async fn delay_letter(
    tx: &mut TenantTx,
    application: &Application,
) -> AppResult<Option<Letter>> {
    let round = store::round_by_id(tx, application.round_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(to) = notice_for(&round, application) else {
        return Ok(None);
    };
    let (Some(at), Some(submitted)) = (round.decision_delayed_at, application.submitted_at) else {
        return Ok(None);
    };
    let tenant_id = tx.tenant_id();
    let tenant: String = sqlx::query_scalar("select name from tenants where tenant_id = $1")
        .bind(tenant_id)
        .fetch_one(&mut **tx)
        .await?;
    let parts = vec![
        Part::Paragraph(format!(
            "Op {} ontvingen wij uw aanvraag {} voor {}. Wij zouden daarop uiterlijk op {} beslissen.",
            time_fmt::date(time_fmt::to_amsterdam(submitted).date()),
            application.reference,
            round.title(),
            time_fmt::date(round.decision_term_end())
        )),
        Part::Heading("Wij beslissen later".into()),
        Part::Paragraph(format!(
            "Het lukt ons niet om binnen die termijn te beslissen. De reden: {}",
            round.decision_delay_reason
        )),
        Part::Facts(vec![
            (
                "Oorspronkelijke beslistermijn".into(),
                time_fmt::date(round.decision_term_end()),
            ),
            ("Wij beslissen uiterlijk op".into(), time_fmt::date(to)),
        ]),
        Part::Paragraph(
            "Dit bericht sturen wij u op grond van artikel 4:14 van de Algemene wet bestuursrecht. Het is geen besluit; \
             u kunt er geen bezwaar tegen maken."
                .into(),
        ),
        Part::Heading("Als wij niet op tijd beslissen".into()),
        Part::Paragraph(format!(
            "Hebben wij op {} nog niet beslist, dan kunt u ons schriftelijk in gebreke stellen. Beslissen wij daarna \
             niet binnen twee weken, dan kunt u beroep instellen bij de rechtbank (artikel 6:12 Awb).",
            time_fmt::date(to + Duration::days(1))
        )),
    ];
    Ok(Some(Letter {
        tenant,
        title: format!("Verdaging {}", application.reference),
        reference: application.reference.clone(),
        addressee: vec![application.provider_name.clone()],
        date: time_fmt::date(time_fmt::to_amsterdam(at).date()),
        subject: format!("Uw aanvraag {}: wij beslissen later", application.reference),
        parts,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn round() -> Round {
        Round {
            round_id: uuid::Uuid::nil(),
            scheme_id: uuid::Uuid::nil(),
            scheme_name: "Regeling".into(),
            legal_basis: String::new(),
            objection_body: String::new(),
            year: 2027,
            opens_at: datetime!(2026-10-01 08:00 UTC),
            closes_at: datetime!(2026-11-30 22:59 UTC),
            decision_weeks: 8,
            published_at: datetime!(2026-09-01 08:00 UTC),
            period_start: time::macros::date!(2027 - 01 - 01),
            period_end: time::macros::date!(2027 - 12 - 31),
            obligations: String::new(),
            documents: Vec::new(),
            declarations: Vec::new(),
            advance_parts: 1,
            settle_direct_below_cents: 0,
            financial_report_from_cents: 0,
            accountability_months: 4,
            decision_delayed_to: None,
            decision_delay_reason: String::new(),
            decision_delayed_at: None,
            decision_delayed_by: String::new(),
        }
    }

    #[test]
    fn a_delay_is_sent_before_the_term_ends_and_only_once() {
        let r = round();
        // Closed on 30 November (Amsterdam); the term ends 8 weeks later, on 25 January.
        assert_eq!(r.decision_term_end(), time::macros::date!(2027 - 01 - 25));
        assert!(
            may_delay(&r, 3, datetime!(2026-11-15 12:00 UTC)).is_err(),
            "still open"
        );
        assert!(
            may_delay(&r, 3, datetime!(2027-01-25 21:00 UTC)).is_ok(),
            "the last day"
        );
        assert!(
            may_delay(&r, 3, datetime!(2027-01-25 23:30 UTC)).is_err(),
            "26 January in Amsterdam"
        );
        assert!(
            may_delay(&r, 0, datetime!(2027-01-10 12:00 UTC)).is_err(),
            "nothing waits"
        );
        let mut delayed = r.clone();
        delayed.decision_delayed_to = Some(time::macros::date!(2027 - 03 - 01));
        assert!(may_delay(&delayed, 3, datetime!(2027-01-10 12:00 UTC)).is_err());
    }

    #[test]
    fn the_new_date_lies_after_the_term_and_within_the_limit() {
        let r = round();
        assert!(check_new_date(&r, time::macros::date!(2027 - 01 - 25)).is_err());
        assert!(check_new_date(&r, time::macros::date!(2027 - 01 - 26)).is_ok());
        assert!(
            check_new_date(&r, time::macros::date!(2027 - 07 - 26)).is_ok(),
            "26 weeks"
        );
        assert!(check_new_date(&r, time::macros::date!(2027 - 07 - 27)).is_err());
    }
}
