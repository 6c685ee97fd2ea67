//! Where an application stands after the grant: the duty to account for it, the report, the
//! settlement and the payments.

use crate::db::TenantTx;
use crate::error::AppResult;
use crate::subsidy::after::obligations::Obligations;
use crate::subsidy::after::report_documents;
use crate::subsidy::after::report_documents::ReportDocument;
use crate::subsidy::after::settlement::{Duty, OWN_INITIATIVE_AFTER_WEEKS};
use crate::subsidy::common::money::euro;
use crate::subsidy::common::store::{Application, Round};
use crate::web::time_fmt;
use time::{Date, Duration, OffsetDateTime};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Report {
    pub activities: String,
    pub participants: i32,
    pub fixed_costs_cents: i64,
    pub staff_costs_cents: i64,
    pub activity_costs_cents: i64,
    pub other_costs_cents: i64,
    pub submitted_at: OffsetDateTime,
}

impl Report {
    pub fn total(&self) -> i64 {
        self.fixed_costs_cents
            + self.staff_costs_cents
            + self.activity_costs_cents
            + self.other_costs_cents
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Settlement {
    pub settled_cents: i64,
    pub granted_cents: i64,
    pub paid_cents: i64,
    pub claim_cents: i64,
    pub reason: String,
    pub own_initiative: bool,
    pub direct: bool,
    pub settled_at: OffsetDateTime,
    pub settled_by: String,
}

/// Where an application stands after the grant, for the pages.
pub struct AfterGrant {
    pub granted_cents: i64,
    pub duty: Duty,
    pub due: Date,
    /// Everything the grant obliges to: the one source of `duty` and `due`, and of the letter.
    pub obligations: Obligations,
    pub report: Option<Report>,
    pub settlement: Option<Settlement>,
    pub paid_cents: i64,
    pub scheduled: Vec<(String, String, Option<String>)>,
    /// The documents of the verantwoording (added before it is filed).
    pub documents: Vec<ReportDocument>,
}

impl AfterGrant {
    /// The official may settle without accountability from this day.
    pub fn own_initiative_from(&self) -> Date {
        self.due + Duration::weeks(OWN_INITIATIVE_AFTER_WEEKS)
    }

    pub fn overdue(&self, today: Date) -> bool {
        self.duty != Duty::Direct
            && self.report.is_none()
            && self.settlement.is_none()
            && today > self.due
    }
}

/// What happened after the grant of `application`; `None` when nothing was granted.
pub async fn after_grant(
    tx: &mut TenantTx,
    application: &Application,
    round: &Round,
) -> AppResult<Option<AfterGrant>> {
    let Some(granted) = application.granted_cents.filter(|g| *g > 0) else {
        return Ok(None);
    };
    let tenant_id = tx.tenant_id();
    let report: Option<Report> = sqlx::query_as(
        "select activities, participants, fixed_costs_cents, staff_costs_cents, activity_costs_cents, other_costs_cents, \
         submitted_at from subsidy_reports where tenant_id = $1 and application_id = $2",
    )
    .bind(tenant_id)
    .bind(application.application_id)
    .fetch_optional(&mut **tx)
    .await?;
    let settlement: Option<Settlement> = sqlx::query_as(
        "select settled_cents, granted_cents, paid_cents, claim_cents, reason, own_initiative, direct, settled_at, settled_by \
         from subsidy_settlements where tenant_id = $1 and application_id = $2",
    )
    .bind(tenant_id)
    .bind(application.application_id)
    .fetch_optional(&mut **tx)
    .await?;
    let payments: Vec<(String, i32, Date, i64, Option<Date>)> = sqlx::query_as(
        "select kind, part, due_on, amount_cents, paid_on from subsidy_payments where tenant_id = $1 and application_id = $2 \
         order by due_on, part",
    )
    .bind(tenant_id)
    .bind(application.application_id)
    .fetch_all(&mut **tx)
    .await?;
    let documents = report_documents::list(tx, application.application_id).await?;
    let obligations = Obligations::of(round, granted);
    Ok(Some(AfterGrant {
        documents,
        granted_cents: granted,
        duty: obligations.duty,
        due: obligations.due,
        obligations,
        paid_cents: payments.iter().filter(|p| p.4.is_some()).map(|p| p.3).sum(),
        scheduled: payments
            .iter()
            .map(|(kind, part, due, amount, paid)| {
                (
                    format!(
                        "{} {}",
                        if kind == "voorschot" {
                            "Voorschot"
                        } else {
                            "Betaling"
                        },
                        part
                    ),
                    format!("{} op {}", euro(*amount), time_fmt::date(*due)),
                    paid.map(time_fmt::date),
                )
            })
            .collect(),
        report,
        settlement,
    }))
}

/// What happened after the grant, ready to show.
pub struct AfterView {
    pub duty: &'static str,
    pub needs_report: bool,
    pub due: String,
    pub overdue: bool,
    pub payments: Vec<(String, String, Option<String>)>,
    pub report: Option<(String, i32, String)>,
    pub settlement: Option<(String, String, String)>,
    /// The verantwoording's documents, and the names of the required ones still missing.
    pub documents: Vec<crate::subsidy::after::report_documents::ReportDocument>,
    pub documents_missing: Vec<&'static str>,
    pub document_kinds: &'static [(&'static str, &'static str)],
    /// What else the round asks of the recipient, as the decision letter says it.
    pub other_obligations: String,
}

impl AfterView {
    pub fn of(a: crate::subsidy::after::after_grant::AfterGrant, today: time::Date) -> Self {
        Self {
            other_obligations: a.obligations.other.clone(),
            duty: a.duty.text(),
            needs_report: a.duty != crate::subsidy::after::settlement::Duty::Direct
                && a.report.is_none()
                && a.settlement.is_none(),
            due: time_fmt::date(a.due),
            overdue: a.overdue(today),
            report: a.report.as_ref().map(|r| {
                (
                    time_fmt::date_time(r.submitted_at),
                    r.participants,
                    euro(r.total()),
                )
            }),
            settlement: a
                .settlement
                .as_ref()
                .map(|s| (euro(s.settled_cents), euro(s.claim_cents), s.reason.clone())),
            payments: a.scheduled,
            documents_missing: crate::subsidy::after::report_documents::missing(
                a.duty,
                &a.documents,
            ),
            documents: a.documents,
            document_kinds: crate::subsidy::after::report_documents::KINDS,
        }
    }
}
