//! Rounds as stored: their phase by the clock, onderdelen with plafonds and criteria.

use sqlx::FromRow;
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

use crate::db::TenantTx;
use crate::error::AppResult;
use crate::web::time_fmt;

/// Where a round stands by the server's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Published, not yet open.
    Announced,
    Open,
    /// The window has closed: assessment and decisions.
    Closed,
}

#[derive(Debug, Clone, FromRow)]
pub struct Round {
    pub round_id: Uuid,
    pub scheme_id: Uuid,
    pub scheme_name: String,
    pub legal_basis: String,
    pub objection_body: String,
    pub year: i32,
    pub opens_at: OffsetDateTime,
    pub closes_at: OffsetDateTime,
    pub decision_weeks: i32,
    pub published_at: OffsetDateTime,
    pub period_start: Date,
    pub period_end: Date,
    pub obligations: String,
    pub documents: Vec<String>,
    pub declarations: Vec<String>,
    pub advance_parts: i32,
    pub settle_direct_below_cents: i64,
    pub financial_report_from_cents: i64,
    pub accountability_months: i32,
    /// The new decision date of a notice of delay (Awb 4:14), with its reason, moment and sender.
    pub decision_delayed_to: Option<Date>,
    pub decision_delay_reason: String,
    pub decision_delayed_at: Option<OffsetDateTime>,
    pub decision_delayed_by: String,
}

impl Round {
    /// What a grant of `granted_cents` owes as accountability.
    pub fn duty(&self, granted_cents: i64) -> crate::subsidy::after::settlement::Duty {
        crate::subsidy::after::settlement::Duty::of(
            granted_cents,
            self.settle_direct_below_cents,
            self.financial_report_from_cents,
        )
    }

    /// The day accountability is due.
    pub fn accountability_due(&self) -> Date {
        crate::subsidy::after::settlement::accountability_due(
            self.period_end,
            self.accountability_months,
        )
    }

    pub fn phase(&self, now: OffsetDateTime) -> Phase {
        // PostgreSQL keeps microseconds: compare at that precision, so the last microsecond of
        // the closing minute (see [`end_of_minute`]) covers every instant of that microsecond.
        let now = now
            .replace_nanosecond(now.nanosecond() / 1_000 * 1_000)
            .unwrap_or(now);
        if now < self.opens_at {
            Phase::Announced
        } else if now <= self.closes_at {
            Phase::Open
        } else {
            Phase::Closed
        }
    }

    /// Applications are accepted up to and including the closing instant (for a round "tot en
    /// met HH:MM", the last microsecond of that minute).
    pub fn accepts(&self, now: OffsetDateTime) -> bool {
        self.phase(now) == Phase::Open
    }

    /// The last day of the decision term: the closing day (Amsterdam) plus the term in weeks.
    /// The day the decision is due: the legal term ([`Round::decision_term_end`]), or the new
    /// date of a notice of delay.
    pub fn decision_due(&self) -> Date {
        self.decision_delayed_to
            .unwrap_or_else(|| self.decision_term_end())
    }

    /// The end of the decision term the round set (its weeks after closing, Awb 4:13).
    pub fn decision_term_end(&self) -> Date {
        time_fmt::to_amsterdam(self.closes_at).date() + Duration::weeks(self.decision_weeks as i64)
    }

    pub fn title(&self) -> String {
        format!("{} – ronde {}", self.scheme_name, self.year)
    }

    pub fn phase_label(&self, now: OffsetDateTime) -> &'static str {
        match self.phase(now) {
            Phase::Announced => "Aangekondigd",
            Phase::Open => "Open",
            Phase::Closed => "Gesloten",
        }
    }
}

/// The closing instant of a round "tot en met" the minute of `at`: its last microsecond (the
/// precision PostgreSQL stores), so a submission at HH:MM:59.9 is on time and one at HH:MM+1:00
/// is not (the Algemene termijnenwet's reading of a term given to a minute: all of it counts).
pub fn end_of_minute(at: OffsetDateTime) -> OffsetDateTime {
    let start = at
        .replace_second(0)
        .and_then(|t| t.replace_nanosecond(0))
        .expect("0 is a valid second and nanosecond");
    start + Duration::minutes(1) - Duration::microseconds(1)
}

const ROUND_COLUMNS: &str = "r.round_id, r.scheme_id, s.name as scheme_name, s.legal_basis, s.objection_body, \
     r.year, r.opens_at, r.closes_at, r.decision_weeks, r.published_at, r.period_start, r.period_end, \
     r.obligations, r.documents, r.declarations, r.advance_parts, r.settle_direct_below_cents, \
     r.financial_report_from_cents, r.accountability_months, r.decision_delayed_to, r.decision_delay_reason, \
     r.decision_delayed_at, r.decision_delayed_by";

pub async fn rounds_of(tx: &mut TenantTx, scheme_id: Uuid) -> AppResult<Vec<Round>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(&format!(
        "select {ROUND_COLUMNS} from subsidy_rounds r join subsidy_schemes s using (tenant_id, scheme_id) \
         where r.tenant_id = $1 and r.scheme_id = $2 order by r.year desc"
    ))
    .bind(tenant_id)
    .bind(scheme_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// Every round of the tenant that has been published, newest first.
pub async fn all_rounds(tx: &mut TenantTx) -> AppResult<Vec<Round>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(&format!(
        "select {ROUND_COLUMNS} from subsidy_rounds r join subsidy_schemes s using (tenant_id, scheme_id) \
         where r.tenant_id = $1 order by r.closes_at desc"
    ))
    .bind(tenant_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// The round `round_id` of scheme `scheme_id`.
pub async fn round(tx: &mut TenantTx, scheme_id: Uuid, round_id: Uuid) -> AppResult<Option<Round>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(&format!(
        "select {ROUND_COLUMNS} from subsidy_rounds r join subsidy_schemes s using (tenant_id, scheme_id) \
         where r.tenant_id = $1 and r.scheme_id = $2 and r.round_id = $3"
    ))
    .bind(tenant_id)
    .bind(scheme_id)
    .bind(round_id)
    .fetch_optional(&mut **tx)
    .await?)
}

pub async fn round_by_id(tx: &mut TenantTx, round_id: Uuid) -> AppResult<Option<Round>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(&format!(
        "select {ROUND_COLUMNS} from subsidy_rounds r join subsidy_schemes s using (tenant_id, scheme_id) \
         where r.tenant_id = $1 and r.round_id = $2"
    ))
    .bind(tenant_id)
    .bind(round_id)
    .fetch_optional(&mut **tx)
    .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct Criterion {
    pub code: String,
    pub name: String,
    pub question: String,
    pub pass_mark: i32,
    pub computed: bool,
}

/// An onderdeel as a round published it: plafond and assessment protocol.
#[derive(Debug, Clone, FromRow)]
pub struct RoundCategory {
    pub category_id: Uuid,
    pub code: String,
    pub name: String,
    pub description: String,
    pub ceiling_cents: i64,
    pub combine_rule: String,
    pub price_basis: String,
    pub fee_deduction: i32,
    pub tie_criterion: Option<String>,
    pub remainder_rule: String,
    pub decided_at: Option<OffsetDateTime>,
    #[sqlx(skip)]
    pub criteria: Vec<Criterion>,
}

impl RoundCategory {
    pub fn combine_text(&self) -> &'static str {
        match self.combine_rule.as_str() {
            "eindbeoordelaar" => "de eindbeoordelaar stelt de score per criterium vast",
            _ => {
                "het gemiddelde van de beoordelaars, afgerond op hele punten (vanaf ,5 naar boven)"
            }
        }
    }

    pub fn tie_text(&self) -> String {
        match self.tie_criterion.as_deref().and_then(|code| self.criteria.iter().find(|c| c.code == code)) {
            Some(c) => format!(
                "Bij een gelijk totaal gaat de hogere score op {} voor; is die ook gelijk, dan beslist een loting waarvan de uitgangswaarde wordt vastgelegd.",
                c.name
            ),
            None => "Bij een gelijk totaal beslist een loting waarvan de uitgangswaarde wordt vastgelegd.".into(),
        }
    }
}

/// The onderdelen of a round with their criteria, in the scheme's order.
pub async fn round_categories(tx: &mut TenantTx, round_id: Uuid) -> AppResult<Vec<RoundCategory>> {
    let tenant_id = tx.tenant_id();
    let mut categories: Vec<RoundCategory> = sqlx::query_as(
        "select rc.category_id, c.code, c.name, c.description, rc.ceiling_cents, rc.combine_rule, rc.price_basis, \
                rc.fee_deduction, rc.tie_criterion, rc.remainder_rule, d.decided_at \
         from subsidy_round_categories rc \
         join subsidy_categories c on c.tenant_id = rc.tenant_id and c.category_id = rc.category_id \
         left join subsidy_decisions d on d.tenant_id = rc.tenant_id and d.round_id = rc.round_id \
              and d.category_id = rc.category_id \
         where rc.tenant_id = $1 and rc.round_id = $2 order by c.position, c.name",
    )
    .bind(tenant_id)
    .bind(round_id)
    .fetch_all(&mut **tx)
    .await?;
    let criteria: Vec<(Uuid, String, String, String, i32, bool)> = sqlx::query_as(
        "select category_id, code, name, question, pass_mark, computed from subsidy_criteria \
         where tenant_id = $1 and round_id = $2 order by category_id, position",
    )
    .bind(tenant_id)
    .bind(round_id)
    .fetch_all(&mut **tx)
    .await?;
    for (category_id, code, name, question, pass_mark, computed) in criteria {
        if let Some(c) = categories.iter_mut().find(|c| c.category_id == category_id) {
            c.criteria.push(Criterion {
                code,
                name,
                question,
                pass_mark,
                computed,
            });
        }
    }
    Ok(categories)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn round(opens: OffsetDateTime, closes: OffsetDateTime) -> Round {
        Round {
            round_id: Uuid::nil(),
            scheme_id: Uuid::nil(),
            scheme_name: "Regeling".into(),
            legal_basis: String::new(),
            objection_body: String::new(),
            year: 2027,
            opens_at: opens,
            closes_at: closes,
            decision_weeks: 8,
            published_at: opens,
            period_start: date!(2027 - 01 - 01),
            period_end: date!(2027 - 12 - 31),
            obligations: String::new(),
            documents: Vec::new(),
            declarations: Vec::new(),
            advance_parts: 1,
            settle_direct_below_cents: 500_000,
            financial_report_from_cents: 5_000_000,
            accountability_months: 4,
            decision_delayed_to: None,
            decision_delay_reason: String::new(),
            decision_delayed_at: None,
            decision_delayed_by: String::new(),
        }
    }

    #[test]
    fn the_window_includes_its_closing_second_and_nothing_after() {
        let closes = datetime!(2026-12-31 22:59:59 UTC);
        let r = round(datetime!(2026-12-01 08:00 UTC), closes);
        let second = time::Duration::seconds(1);
        assert!(!r.accepts(datetime!(2026-12-01 08:00 UTC) - second));
        assert!(r.accepts(datetime!(2026-12-01 08:00 UTC)));
        assert!(r.accepts(closes - second));
        assert!(r.accepts(closes));
        assert!(!r.accepts(closes + second));
        assert_eq!(r.phase(closes + second), Phase::Closed);
    }

    #[test]
    fn a_round_until_a_minute_takes_all_of_that_minute() {
        // "Tot en met 7 december 2026, 13:22" (Amsterdam, winter time: 12:22 UTC).
        let closes = end_of_minute(datetime!(2026-12-07 12:22 UTC));
        assert_eq!(
            closes,
            datetime!(2026-12-07 12:22:59.999999 UTC),
            "stored as the minute's last microsecond"
        );
        let r = round(datetime!(2026-12-01 08:00 UTC), closes);
        assert!(r.accepts(datetime!(2026-12-07 12:22:00 UTC)), "HH:MM:00");
        assert!(r.accepts(datetime!(2026-12-07 12:22:00.26 UTC)));
        assert!(r.accepts(datetime!(2026-12-07 12:22:30 UTC)));
        assert!(r.accepts(datetime!(2026-12-07 12:22:59 UTC)), "HH:MM:59");
        assert!(
            r.accepts(datetime!(2026-12-07 12:22:59.999999999 UTC)),
            "the last nanosecond of the minute"
        );
        assert!(!r.accepts(datetime!(2026-12-07 12:23:00 UTC)), "HH:MM+1:00");
        assert_eq!(end_of_minute(closes), closes, "idempotent");
        assert_eq!(
            end_of_minute(datetime!(2026-12-31 22:59:30.5 UTC)),
            datetime!(2026-12-31 22:59:59.999999 UTC)
        );
        // The day of closing, for the decision term, stays the day typed.
        assert_eq!(
            crate::web::time_fmt::to_amsterdam(end_of_minute(datetime!(2026-12-31 22:59 UTC)))
                .date(),
            date!(2026 - 12 - 31)
        );
    }

    #[test]
    fn the_decision_is_due_weeks_after_the_closing_day_in_amsterdam() {
        // Closing at 23:59 on 31 December in Amsterdam is 22:59 UTC: the day counts as 31 December.
        let r = round(
            datetime!(2026-12-01 08:00 UTC),
            datetime!(2026-12-31 22:59 UTC),
        );
        assert_eq!(r.decision_due(), date!(2027 - 02 - 25));
        // 23:30 UTC on 31 December is already 1 January in Amsterdam.
        let r = round(
            datetime!(2026-12-01 08:00 UTC),
            datetime!(2026-12-31 23:30 UTC),
        );
        assert_eq!(r.decision_due(), date!(2027 - 02 - 26));
        // A notice of delay moves the day due, not the legal term.
        let mut r = r;
        r.decision_delayed_to = Some(date!(2027 - 04 - 01));
        assert_eq!(r.decision_due(), date!(2027 - 04 - 01));
        assert_eq!(r.decision_term_end(), date!(2027 - 02 - 26));
    }
}
