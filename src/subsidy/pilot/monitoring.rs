//! Monitoring of a pilot (§6b): per period of the agreed frequency a partner reports per group
//! the places, participants and staff present, inflow (from a maatwerk indication, new) and
//! outflow (work, education, maatwerk, other). Aggregates only. The data and queries; the
//! partner's pages are [`crate::subsidy::pilot::report_form_page`], the officials' [`crate::subsidy::pilot::review_page`].

use sqlx::FromRow;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::TenantTx;
use crate::error::AppResult;
use crate::subsidy::pilot::agreement;
use crate::subsidy::pilot::figures::{periods, Period};
use crate::web::time_fmt;

/// The figures of a group, in the order of [`FIELDS`].
pub const FIELDS: [(&str, &str); 10] = [
    ("capaciteit", "Plekken"),
    ("deelnemers", "Deelnemers"),
    ("beroepskrachten", "Beroepskrachten aanwezig"),
    ("vrijwilligers", "Vrijwilligers aanwezig"),
    ("instroom_maatwerk", "Instroom vanuit een maatwerkindicatie"),
    ("instroom_nieuw", "Nieuwe instroom"),
    ("uitstroom_werk", "Uitstroom naar werk"),
    ("uitstroom_onderwijs", "Uitstroom naar onderwijs"),
    ("uitstroom_maatwerk", "Uitstroom naar maatwerk"),
    ("uitstroom_overig", "Uitstroom overig"),
];

/// Which of [`FIELDS`] count people (shown as "< 5" below 5 to others than the partner).
pub fn counts_people(index: usize) -> bool {
    !matches!(index, 0 | 2 | 3)
}

#[derive(Debug, Clone, FromRow)]
pub struct Report {
    pub provider_id: Uuid,
    pub period: String,
    pub submitted_at: OffsetDateTime,
    pub submitted_by: String,
    pub reviewed_at: Option<OffsetDateTime>,
    pub reviewed_by: Option<String>,
    pub review_note: String,
}

#[derive(Debug, Clone, FromRow)]
pub struct GroupFigures {
    pub provider_id: Uuid,
    pub period: String,
    pub group_id: Uuid,
    pub capacity: i32,
    pub participants: i32,
    pub professionals: i32,
    pub volunteers: i32,
    pub inflow_maatwerk: i32,
    pub inflow_new: i32,
    pub outflow_work: i32,
    pub outflow_education: i32,
    pub outflow_maatwerk: i32,
    pub outflow_other: i32,
}

impl GroupFigures {
    pub fn values(&self) -> [i64; 10] {
        [
            self.capacity,
            self.participants,
            self.professionals,
            self.volunteers,
            self.inflow_maatwerk,
            self.inflow_new,
            self.outflow_work,
            self.outflow_education,
            self.outflow_maatwerk,
            self.outflow_other,
        ]
        .map(i64::from)
    }

    pub fn of(provider_id: Uuid, period: &str, group_id: Uuid, v: [i64; 10]) -> Self {
        let v = v.map(|n| n as i32);
        GroupFigures {
            provider_id,
            period: period.to_string(),
            group_id,
            capacity: v[0],
            participants: v[1],
            professionals: v[2],
            volunteers: v[3],
            inflow_maatwerk: v[4],
            inflow_new: v[5],
            outflow_work: v[6],
            outflow_education: v[7],
            outflow_maatwerk: v[8],
            outflow_other: v[9],
        }
    }
}

/// The reports of a pilot, of one partner or all.
pub async fn reports(
    tx: &mut TenantTx,
    scheme_id: Uuid,
    provider_id: Option<Uuid>,
) -> AppResult<Vec<Report>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select provider_id, period, submitted_at, submitted_by, reviewed_at, reviewed_by, review_note \
         from pilot_reports where tenant_id = $1 and scheme_id = $2 and ($3::uuid is null or provider_id = $3) \
         order by period_start, provider_id",
    )
    .bind(tenant_id)
    .bind(scheme_id)
    .bind(provider_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// The figures per group of a pilot's reports, of one partner or all.
pub async fn figures(
    tx: &mut TenantTx,
    scheme_id: Uuid,
    provider_id: Option<Uuid>,
) -> AppResult<Vec<GroupFigures>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select provider_id, period, group_id, capacity, participants, professionals, volunteers, inflow_maatwerk, \
         inflow_new, outflow_work, outflow_education, outflow_maatwerk, outflow_other from pilot_report_groups \
         where tenant_id = $1 and scheme_id = $2 and ($3::uuid is null or provider_id = $3)",
    )
    .bind(tenant_id)
    .bind(scheme_id)
    .bind(provider_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// Stores a partner's report of a period (replacing an earlier one that was not yet reviewed).
pub async fn submit(
    tx: &mut TenantTx,
    scheme_id: Uuid,
    provider_id: Uuid,
    period: &Period,
    rows: &[GroupFigures],
    by: &str,
) -> AppResult<()> {
    let tenant_id = tx.tenant_id();
    sqlx::query(
        "insert into pilot_reports (tenant_id, scheme_id, provider_id, period, period_start, period_end, submitted_by) \
         values ($1, $2, $3, $4, $5, $6, $7) on conflict (tenant_id, scheme_id, provider_id, period) \
         do update set submitted_at = now(), submitted_by = excluded.submitted_by",
    )
    .bind(tenant_id)
    .bind(scheme_id)
    .bind(provider_id)
    .bind(&period.code)
    .bind(period.start)
    .bind(period.end)
    .bind(by)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "delete from pilot_report_groups where tenant_id = $1 and scheme_id = $2 and provider_id = $3 and period = $4",
    )
    .bind(tenant_id)
    .bind(scheme_id)
    .bind(provider_id)
    .bind(&period.code)
    .execute(&mut **tx)
    .await?;
    for r in rows {
        sqlx::query(
            "insert into pilot_report_groups (tenant_id, scheme_id, provider_id, period, group_id, capacity, \
             participants, professionals, volunteers, inflow_maatwerk, inflow_new, outflow_work, outflow_education, \
             outflow_maatwerk, outflow_other) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(tenant_id)
        .bind(scheme_id)
        .bind(provider_id)
        .bind(&period.code)
        .bind(r.group_id)
        .bind(r.capacity)
        .bind(r.participants)
        .bind(r.professionals)
        .bind(r.volunteers)
        .bind(r.inflow_maatwerk)
        .bind(r.inflow_new)
        .bind(r.outflow_work)
        .bind(r.outflow_education)
        .bind(r.outflow_maatwerk)
        .bind(r.outflow_other)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The periods a partner reports on by its agreement, up to today.
pub async fn due_periods(
    tx: &mut TenantTx,
    scheme_id: Uuid,
    provider_id: Uuid,
) -> AppResult<Option<Vec<Period>>> {
    let scheme = crate::subsidy::pilot::scheme::pilot_scheme(tx, scheme_id).await?;
    let Some(a) = agreement::agreement(tx, scheme_id, provider_id).await? else {
        return Ok(None);
    };
    let today = time_fmt::today();
    Ok(Some(
        periods(&a.reporting, scheme.first_year, scheme.last_year)
            .into_iter()
            .filter(|p| p.start <= today)
            .collect(),
    ))
}

/// Where a period's report stands.
pub fn status(report: Option<&Report>, period: &Period) -> (&'static str, bool) {
    match report {
        Some(r) if r.reviewed_at.is_some() => ("beoordeeld", false),
        Some(_) => ("ingediend", false),
        None if time_fmt::today() > period.due() => ("te laat", true),
        None => ("nog niet ingediend", false),
    }
}
