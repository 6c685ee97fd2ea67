//! Monitoring of a pilot, the partner's side (§6b): per period of the agreed frequency the
//! partner (an aanbieder user of the organisation, and only its own) reports per group the
//! places, participants and staff present, inflow (from a maatwerk indication, new) and outflow
//! (work, education, maatwerk, other). Aggregates only. Officials review ([`super::pilot_review`]).

use askama::Template;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use sqlx::FromRow;
use std::collections::BTreeMap;
use time::OffsetDateTime;
use uuid::Uuid;

use super::pilot_agreement::{self, Group};
use super::pilot_figures::{periods, Period};
use super::schemes::{notice, with_422, NoticeQuery};
use crate::audit::{self, Actor, Event};
use crate::auth::roles::Section;
use crate::auth::session::CurrentUser;
use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::layout::{render, FormErrors, Layout};
use crate::web::{time_fmt, ClientAddr};

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

/// A message when the agreement would drop groups that have been reported on.
pub async fn reported_groups_removed(
    tx: &mut TenantTx,
    scheme_id: Uuid,
    provider_id: Uuid,
    kept: &[&str],
) -> AppResult<Option<String>> {
    let tenant_id = tx.tenant_id();
    let names: Vec<String> = sqlx::query_scalar(
        "select distinct g.name from pilot_groups g join pilot_report_groups r \
         on r.tenant_id = g.tenant_id and r.group_id = g.group_id \
         where g.tenant_id = $1 and g.scheme_id = $2 and g.provider_id = $3 and not (g.name = any($4)) order by g.name",
    )
    .bind(tenant_id)
    .bind(scheme_id)
    .bind(provider_id)
    .bind(kept)
    .fetch_all(&mut **tx)
    .await?;
    Ok((!names.is_empty()).then(|| {
        format!(
            "Over {} is al gerapporteerd; laat de regel staan (plekken, tijden en bezetting mag u aanpassen).",
            names.join(", ")
        )
    }))
}

/// `{regeling}`, optionally `{aanbieder}`, and `{periode}` of a monitoring path.
pub struct ReportPath {
    pub scheme_id: Uuid,
    pub provider_id: Option<Uuid>,
    pub period: Period,
}

impl<S: Send + Sync> FromRequestParts<S> for ReportPath {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(params) = Path::<BTreeMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        let uuid = |k: &str| params.get(k).and_then(|s| Uuid::parse_str(s).ok());
        Ok(ReportPath {
            scheme_id: uuid("regeling").ok_or(AppError::NotFound)?,
            provider_id: match params.get("aanbieder") {
                Some(_) => Some(uuid("aanbieder").ok_or(AppError::NotFound)?),
                None => None,
            },
            period: params
                .get("periode")
                .and_then(|p| Period::parse(p))
                .ok_or(AppError::NotFound)?,
        })
    }
}

/// The periods a partner reports on by its agreement, up to today.
pub async fn due_periods(
    tx: &mut TenantTx,
    scheme_id: Uuid,
    provider_id: Uuid,
) -> AppResult<Option<Vec<Period>>> {
    let scheme = super::pilot::pilot_scheme(tx, scheme_id).await?;
    let Some(a) = pilot_agreement::agreement(tx, scheme_id, provider_id).await? else {
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

struct PilotRow {
    name: String,
    agreement_href: String,
    periods: Vec<(String, String, &'static str, bool, String)>,
}

#[derive(Template)]
#[template(path = "subsidy/pilot_monitoring_partner.html")]
struct ListPage {
    layout: Layout,
    pilots: Vec<PilotRow>,
}

/// GET /{tenant}/aanvragen/monitoring: the pilots the user's organisation is a partner of, and
/// the reports due.
pub async fn monitoring_list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let mut pilots = Vec::new();
    if let Some(provider_id) = user.provider_id {
        let mut tx = state.db.tenant_tx(user.tenant_id).await?;
        let tenant_id = tx.tenant_id();
        let schemes: Vec<(Uuid, String)> = sqlx::query_as(
            "select s.scheme_id, s.name from pilot_agreements a join subsidy_schemes s using (tenant_id, scheme_id) \
             where a.tenant_id = $1 and a.provider_id = $2 order by s.first_year desc, s.name",
        )
        .bind(tenant_id)
        .bind(provider_id)
        .fetch_all(&mut *tx)
        .await?;
        for (scheme_id, name) in schemes {
            let due = due_periods(&mut tx, scheme_id, provider_id)
                .await?
                .unwrap_or_default();
            let done = reports(&mut tx, scheme_id, Some(provider_id)).await?;
            let base = user.href(&format!("/aanvragen/monitoring/{scheme_id}"));
            pilots.push(PilotRow {
                name,
                agreement_href: format!("{base}/overeenkomst"),
                periods: due
                    .iter()
                    .rev()
                    .map(|p| {
                        let (label, late) = status(done.iter().find(|r| r.period == p.code), p);
                        (
                            p.label(),
                            format!("{base}/{}", p.code),
                            label,
                            late,
                            time_fmt::date(p.due()),
                        )
                    })
                    .collect(),
            });
        }
        tx.commit().await?;
    }
    render(&ListPage {
        layout: Layout::for_user(&user, "Monitoring", Some(Section::Applications))
            .with_notice(notice(&q)),
        pilots,
    })
}

/// GET /{tenant}/aanvragen/monitoring/{regeling}/overeenkomst: the partner's own agreement.
pub async fn own_agreement(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: super::Ids,
) -> AppResult<Response> {
    let provider_id = user.provider_id.ok_or(AppError::NotFound)?;
    pilot_agreement::page(
        &state,
        &user,
        ids.get("regeling"),
        provider_id,
        None,
        FormErrors::default(),
        None,
    )
    .await
}

struct GroupForm {
    name: String,
    legend_id: String,
    inputs: Vec<(String, &'static str, String)>,
}

#[derive(Template)]
#[template(path = "subsidy/pilot_report_form.html")]
struct FormPage {
    layout: Layout,
    back: String,
    action: String,
    period: String,
    status: &'static str,
    review_note: String,
    final_: bool,
    groups: Vec<GroupForm>,
    errors: FormErrors,
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    at: &ReportPath,
    typed: Option<BTreeMap<String, String>>,
    errors: FormErrors,
    notice: Option<&str>,
) -> AppResult<Response> {
    let provider_id = user.provider_id.ok_or(AppError::NotFound)?;
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let due = due_periods(&mut tx, at.scheme_id, provider_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !due.iter().any(|p| p.code == at.period.code) {
        return Err(AppError::NotFound);
    }
    let groups = pilot_agreement::groups(&mut tx, at.scheme_id, Some(provider_id)).await?;
    let report = reports(&mut tx, at.scheme_id, Some(provider_id))
        .await?
        .into_iter()
        .find(|r| r.period == at.period.code);
    let stored = figures(&mut tx, at.scheme_id, Some(provider_id)).await?;
    tx.commit().await?;
    let typed = typed.unwrap_or_default();
    let group_forms = groups
        .iter()
        .map(|g| {
            let values = stored
                .iter()
                .find(|f| f.period == at.period.code && f.group_id == g.group_id)
                .map(|f| f.values());
            GroupForm {
                name: g.name.clone(),
                legend_id: format!("groep-{}", g.group_id),
                inputs: FIELDS
                    .iter()
                    .enumerate()
                    .map(|(i, (key, label))| {
                        let name = format!("{key}_{}", g.group_id);
                        let value = typed.get(&name).cloned().unwrap_or_else(|| match values {
                            Some(v) => v[i].to_string(),
                            None if i == 0 => g.places.to_string(),
                            None => String::new(),
                        });
                        (name, *label, value)
                    })
                    .collect(),
            }
        })
        .collect();
    let (status_label, _) = status(report.as_ref(), &at.period);
    let invalid = !errors.is_empty();
    let base = user.href(&format!("/aanvragen/monitoring/{}", at.scheme_id));
    let response = render(&FormPage {
        layout: Layout::for_user(
            user,
            format!("Rapportage {}", at.period.label()),
            Some(Section::Applications),
        )
        .with_notice(notice),
        back: user.href("/aanvragen/monitoring"),
        action: format!("{base}/{}", at.period.code),
        period: at.period.label(),
        status: status_label,
        review_note: report
            .as_ref()
            .map(|r| r.review_note.clone())
            .unwrap_or_default(),
        final_: report.as_ref().is_some_and(|r| r.reviewed_at.is_some()),
        groups: group_forms,
        errors,
    })?;
    Ok(if invalid {
        with_422(response)
    } else {
        response
    })
}

/// GET /{tenant}/aanvragen/monitoring/{regeling}/{periode}
pub async fn report_show(
    State(state): State<AppState>,
    user: CurrentUser,
    at: ReportPath,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    form_page(&state, &user, &at, None, FormErrors::default(), notice(&q)).await
}

/// POST /{tenant}/aanvragen/monitoring/{regeling}/{periode}: files (or, until it is reviewed,
/// corrects) the partner's report of the period.
pub async fn report_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    at: ReportPath,
    body: Bytes,
) -> AppResult<Response> {
    let provider_id = user.provider_id.ok_or(AppError::NotFound)?;
    let form: BTreeMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let due = due_periods(&mut tx, at.scheme_id, provider_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !due.iter().any(|p| p.code == at.period.code) {
        return Err(AppError::NotFound);
    }
    let groups: Vec<Group> =
        pilot_agreement::groups(&mut tx, at.scheme_id, Some(provider_id)).await?;
    let reviewed = reports(&mut tx, at.scheme_id, Some(provider_id))
        .await?
        .iter()
        .any(|r| r.period == at.period.code && r.reviewed_at.is_some());
    let mut errors = FormErrors::default();
    if reviewed {
        errors.add(
            "rapportage",
            "Deze rapportage is al beoordeeld door de gemeente en kan niet meer worden gewijzigd.",
        );
    }
    let mut rows = Vec::new();
    for g in &groups {
        let mut v = [0i64; 10];
        for (i, (key, label)) in FIELDS.iter().enumerate() {
            let name = format!("{key}_{}", g.group_id);
            let text = form.get(&name).map(String::as_str).unwrap_or("").trim();
            match text.parse::<i64>() {
                Ok(n) if (0..=100_000).contains(&n) => v[i] = n,
                _ => errors.add(
                    name,
                    format!(
                        "{}: vul bij {} een heel aantal in, 0 of meer.",
                        g.name,
                        label.to_lowercase()
                    ),
                ),
            }
        }
        rows.push(GroupFigures::of(
            provider_id,
            &at.period.code,
            g.group_id,
            v,
        ));
    }
    if !errors.is_empty() {
        tx.commit().await?;
        return form_page(&state, &user, &at, Some(form), errors, None).await;
    }
    submit(
        &mut tx,
        at.scheme_id,
        provider_id,
        &at.period,
        &rows,
        &super::pilot::by(&user),
    )
    .await?;
    let after: Vec<_> = groups
        .iter()
        .zip(&rows)
        .map(|(g, r)| json!({"groep": g.name, "cijfers": r.values()}))
        .collect();
    let event = Event::new(
        "monitoringsrapportage ingediend",
        "pilotpartner",
        provider_id,
    )
    .after(json!({"regeling": at.scheme_id, "periode": at.period.code, "groepen": after}));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}?melding=rapportage",
        user.href(&format!(
            "/aanvragen/monitoring/{}/{}",
            at.scheme_id, at.period.code
        ))
    ))
    .into_response())
}
