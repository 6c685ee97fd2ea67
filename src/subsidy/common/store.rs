//! Queries of the subsidy schemes: schemes, rounds with their onderdelen and criteria, and
//! applications. Every query runs in a [`TenantTx`] and names its tenant.

use sqlx::FromRow;
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

use crate::db::TenantTx;
use crate::error::AppResult;
use crate::web::time_fmt;

#[derive(Debug, Clone, FromRow)]
pub struct Scheme {
    pub scheme_id: Uuid,
    pub name: String,
    pub legal_basis: String,
    pub kind: String,
    pub first_year: i32,
    pub last_year: i32,
    pub description: String,
    pub objection_body: String,
}

const SCHEME_COLUMNS: &str =
    "scheme_id, name, legal_basis, kind, first_year, last_year, description, objection_body";

pub async fn schemes(tx: &mut TenantTx) -> AppResult<Vec<Scheme>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(&format!(
        "select {SCHEME_COLUMNS} from subsidy_schemes where tenant_id = $1 order by first_year desc, name"
    ))
    .bind(tenant_id)
    .fetch_all(&mut **tx)
    .await?)
}

pub async fn scheme(tx: &mut TenantTx, scheme_id: Uuid) -> AppResult<Option<Scheme>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(&format!(
        "select {SCHEME_COLUMNS} from subsidy_schemes where tenant_id = $1 and scheme_id = $2"
    ))
    .bind(tenant_id)
    .bind(scheme_id)
    .fetch_optional(&mut **tx)
    .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct BudgetLine {
    pub year: i32,
    pub source: String,
    pub amount_cents: i64,
}

pub async fn budget_lines(tx: &mut TenantTx, scheme_id: Uuid) -> AppResult<Vec<BudgetLine>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select year, source, amount_cents from subsidy_budget_lines \
         where tenant_id = $1 and scheme_id = $2 order by year, source",
    )
    .bind(tenant_id)
    .bind(scheme_id)
    .fetch_all(&mut **tx)
    .await?)
}

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
        if now < self.opens_at {
            Phase::Announced
        } else if now <= self.closes_at {
            Phase::Open
        } else {
            Phase::Closed
        }
    }

    /// Applications are accepted up to and including the closing second.
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

/// An application with where it stands (not its contents).
#[derive(Debug, Clone, FromRow)]
pub struct Application {
    pub application_id: Uuid,
    pub reference: String,
    pub round_id: Uuid,
    pub scheme_id: Uuid,
    pub category_id: Uuid,
    pub category_name: String,
    pub provider_id: Uuid,
    pub provider_name: String,
    pub kvk_number: Option<String>,
    pub status: String,
    pub current_version: i32,
    pub created_at: OffsetDateTime,
    pub submitted_at: Option<OffsetDateTime>,
    pub withdrawn_at: Option<OffsetDateTime>,
    pub completion_due: Option<OffsetDateTime>,
    pub completion_reason: String,
    pub title: String,
    pub requested_cents: i64,
    /// The outcome and grant: of the latest decision on objection that changed them, else
    /// of the original decision.
    pub outcome: Option<String>,
    pub granted_cents: Option<i64>,
}

impl Application {
    pub fn status_label(&self) -> &'static str {
        match (self.status.as_str(), self.outcome.as_deref()) {
            (_, Some("toegekend")) => "Toegekend",
            (_, Some("gedeeltelijk")) => "Gedeeltelijk toegekend",
            (_, Some("afgewezen")) => "Afgewezen",
            ("concept", _) => "Concept",
            ("ingediend", _) => "Ingediend",
            ("aanvulling", _) => "Aanvulling gevraagd",
            ("ingetrokken", _) => "Ingetrokken",
            _ => "Besloten",
        }
    }

    /// The applicant may change the current version: a draft, or a completion asked for.
    pub fn editable(&self) -> bool {
        matches!(self.status.as_str(), "concept" | "aanvulling")
    }
}

const APPLICATION_COLUMNS: &str = "a.application_id, a.reference, a.round_id, r.scheme_id, a.category_id, \
     c.name as category_name, a.provider_id, p.name as provider_name, p.kvk_number, a.status, a.current_version, \
     a.created_at, a.submitted_at, a.withdrawn_at, a.completion_due, a.completion_reason, v.title, \
     v.requested_cents, o.outcome, o.granted_cents";

const APPLICATION_FROM: &str = "from subsidy_applications a \
     join subsidy_rounds r on r.tenant_id = a.tenant_id and r.round_id = a.round_id \
     join subsidy_categories c on c.tenant_id = a.tenant_id and c.category_id = a.category_id \
     join providers p on p.tenant_id = a.tenant_id and p.provider_id = a.provider_id \
     join subsidy_application_versions v on v.tenant_id = a.tenant_id and v.application_id = a.application_id \
          and v.version = a.current_version \
     left join subsidy_current_outcomes o on o.tenant_id = a.tenant_id and o.application_id = a.application_id";

pub async fn application(
    tx: &mut TenantTx,
    application_id: Uuid,
) -> AppResult<Option<Application>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(&format!(
        "select {APPLICATION_COLUMNS} {APPLICATION_FROM} where a.tenant_id = $1 and a.application_id = $2"
    ))
    .bind(tenant_id)
    .bind(application_id)
    .fetch_optional(&mut **tx)
    .await?)
}

/// Applications of one provider, newest first.
pub async fn applications_of_provider(
    tx: &mut TenantTx,
    provider_id: Uuid,
) -> AppResult<Vec<Application>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(&format!(
        "select {APPLICATION_COLUMNS} {APPLICATION_FROM} where a.tenant_id = $1 and a.provider_id = $2 \
         order by a.created_at desc"
    ))
    .bind(tenant_id)
    .bind(provider_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// Applications of a round, by onderdeel and reference.
pub async fn applications_of_round(
    tx: &mut TenantTx,
    round_id: Uuid,
) -> AppResult<Vec<Application>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(&format!(
        "select {APPLICATION_COLUMNS} {APPLICATION_FROM} where a.tenant_id = $1 and a.round_id = $2 \
         order by c.position, a.reference"
    ))
    .bind(tenant_id)
    .bind(round_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// What the applicant filled in, one version.
#[derive(Debug, Clone, FromRow)]
pub struct Version {
    pub version: i32,
    pub title: String,
    pub activities: String,
    pub fixed_costs_cents: i64,
    pub staff_costs_cents: i64,
    pub activity_costs_cents: i64,
    pub other_costs_cents: i64,
    pub requested_cents: i64,
    pub participants: i32,
    pub reach: String,
    pub counter_service: String,
    pub answers: sqlx::types::Json<std::collections::BTreeMap<String, String>>,
    pub facility_ids: Vec<Uuid>,
    pub declarations: Vec<String>,
    pub saved_at: OffsetDateTime,
    pub submitted_at: Option<OffsetDateTime>,
}

impl Version {
    pub fn budget_total(&self) -> i64 {
        self.fixed_costs_cents
            + self.staff_costs_cents
            + self.activity_costs_cents
            + self.other_costs_cents
    }

    pub fn answer(&self, code: &str) -> &str {
        self.answers.get(code).map(String::as_str).unwrap_or("")
    }
}

pub async fn versions(tx: &mut TenantTx, application_id: Uuid) -> AppResult<Vec<Version>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select version, title, activities, fixed_costs_cents, staff_costs_cents, activity_costs_cents, \
                other_costs_cents, requested_cents, participants, reach, counter_service, answers, facility_ids, \
                declarations, saved_at, submitted_at \
         from subsidy_application_versions where tenant_id = $1 and application_id = $2 order by version",
    )
    .bind(tenant_id)
    .bind(application_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// The documents a round can ask for: code and name.
pub const DOCUMENTS: [(&str, &str); 4] = [
    ("begroting", "Begroting"),
    ("jaarverslag", "Jaarverslag"),
    ("bestuurssamenstelling", "Bestuurssamenstelling"),
    ("activiteitenplan", "Activiteitenplan"),
];

/// The declarations a round can ask for: code and the sentence the applicant declares.
pub const DECLARATIONS: [(&str, &str); 4] = [
    ("bestuur", "Het bestuur is samengesteld zoals in de bijgevoegde bestuurssamenstelling staat."),
    ("vog", "Vrijwilligers die met deelnemers werken hebben een verklaring omtrent het gedrag (VOG)."),
    ("administratie", "De organisatie voert een goede administratie, waaruit de besteding van de subsidie blijkt."),
    ("toegankelijk", "De voorziening is algemeen toegankelijk: iedereen kan zonder indicatie meedoen."),
];

pub fn document_name(code: &str) -> &str {
    DOCUMENTS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, n)| *n)
        .unwrap_or(code)
}

pub fn declaration_text(code: &str) -> &str {
    DECLARATIONS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, n)| *n)
        .unwrap_or(code)
}

/// The current version of each of `ids`, in one statement.
pub async fn current_versions(
    tx: &mut TenantTx,
    ids: &[Uuid],
) -> AppResult<std::collections::HashMap<Uuid, Version>> {
    let tenant_id = tx.tenant_id();
    let mut out = std::collections::HashMap::new();
    let versions: Vec<(Uuid, Version)> = sqlx::query_as::<_, VersionWithId>(
        "select v.application_id, v.version, v.title, v.activities, v.fixed_costs_cents, v.staff_costs_cents, \
                v.activity_costs_cents, v.other_costs_cents, v.requested_cents, v.participants, v.reach, \
                v.counter_service, v.answers, v.facility_ids, v.declarations, v.saved_at, v.submitted_at \
         from subsidy_applications a \
         join subsidy_application_versions v on v.tenant_id = a.tenant_id and v.application_id = a.application_id \
              and v.version = a.current_version \
         where a.tenant_id = $1 and a.application_id = any($2)",
    )
    .bind(tenant_id)
    .bind(ids)
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|r| (r.application_id, r.version))
    .collect();
    out.extend(versions);
    Ok(out)
}

#[derive(FromRow)]
struct VersionWithId {
    application_id: Uuid,
    #[sqlx(flatten)]
    version: Version,
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
