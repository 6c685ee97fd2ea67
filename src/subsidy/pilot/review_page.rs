//! Monitoring of a pilot, the officials' side: which reports are in, late or reviewed, one
//! report with its figures (counts of people below 5 shown as "< 5") and the flags, and the
//! review. The partner's side is [`crate::subsidy::pilot::monitoring`].

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use std::collections::BTreeMap;

use crate::audit::{self, Actor, Event};
use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::{AppError, AppResult};
use crate::fields::optional_text;
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::subsidy::common::nav_page::pilot_href;
use crate::subsidy::common::nav_page::Ids;
use crate::subsidy::common::nav_page::{notice, with_422, NoticeQuery};
use crate::subsidy::pilot::agreement::{self, partner_of};
use crate::subsidy::pilot::allocation::percent;
use crate::subsidy::pilot::figures::{near_full, occupancy_bp, small, understaffed};
use crate::subsidy::pilot::health;
use crate::subsidy::pilot::monitoring::{
    counts_people, due_periods, figures, reports, status, FIELDS,
};
use crate::subsidy::pilot::nav_page::ReportPath;
use crate::subsidy::pilot::scheme::{by, pilot_scheme};
use crate::subsidy::pilot::store;
use crate::web::layout::{render, Layout};
use crate::web::{time_fmt, ClientAddr};

struct Cell {
    href: String,
    status: &'static str,
    late: bool,
}

struct PartnerRow {
    name: String,
    cells: Vec<Option<Cell>>,
    late: usize,
}

#[derive(Template)]
#[template(path = "subsidy/pilot/monitoring.html")]
struct OverviewPage {
    layout: Layout,
    back: String,
    dashboard_href: String,
    scheme_name: String,
    periods: Vec<String>,
    rows: Vec<PartnerRow>,
}

/// GET /{tenant}/regelingen/{regeling}/pilot/monitoring: every partner's reports by period.
pub async fn monitoring_overview(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let scheme_id = ids.get("regeling");
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let scheme = pilot_scheme(&mut tx, scheme_id).await?;
    let partners = store::partners(&mut tx, scheme_id).await?;
    let all = reports(&mut tx, scheme_id, None).await?;
    let mut per_partner = Vec::new();
    for p in &partners {
        per_partner.push(
            due_periods(&mut tx, scheme_id, p.provider_id)
                .await?
                .unwrap_or_default(),
        );
    }
    tx.commit().await?;
    // The columns: every period any partner owes, in order.
    let mut periods: Vec<crate::subsidy::pilot::figures::Period> = Vec::new();
    for list in &per_partner {
        for p in list {
            if !periods.iter().any(|q| q.code == p.code) {
                periods.push(p.clone());
            }
        }
    }
    periods.sort_by_key(|p| (p.start, p.end));
    let base = format!("{}/monitoring", pilot_href(&user, scheme_id));
    let rows = partners
        .iter()
        .zip(&per_partner)
        .map(|(p, owed)| {
            let cells: Vec<Option<Cell>> = periods
                .iter()
                .map(|period| {
                    owed.iter().find(|o| o.code == period.code).map(|o| {
                        let report = all
                            .iter()
                            .find(|r| r.provider_id == p.provider_id && r.period == o.code);
                        let (status, late) = status(report, o);
                        Cell {
                            href: format!("{base}/{}/{}", p.provider_id, o.code),
                            status,
                            late,
                        }
                    })
                })
                .collect();
            PartnerRow {
                name: p.name.clone(),
                late: cells.iter().flatten().filter(|c| c.late).count(),
                cells,
            }
        })
        .collect();
    render(&OverviewPage {
        layout: Layout::for_user(
            &user,
            format!("Monitoring: {}", scheme.name),
            Some(Section::Schemes),
        )
        .with_notice(notice(&q)),
        back: pilot_href(&user, scheme_id),
        dashboard_href: format!("{}/dashboard", pilot_href(&user, scheme_id)),
        scheme_name: scheme.name,
        periods: periods.iter().map(|p| p.label()).collect(),
        rows,
    })
}

struct GroupView {
    name: String,
    figures: Vec<(&'static str, String)>,
    occupancy: String,
    flags: Vec<String>,
}

#[derive(Template)]
#[template(path = "subsidy/pilot/report.html")]
struct ReportPage {
    layout: Layout,
    back: String,
    partner: String,
    period: String,
    submitted: String,
    reviewed: Option<String>,
    review_note: String,
    groups: Vec<GroupView>,
    health: Vec<(&'static str, Vec<String>)>,
    may_review: bool,
    action: String,
    note: String,
    errors: FormErrors,
}

async fn report_page(
    state: &AppState,
    user: &CurrentUser,
    at: &ReportPath,
    note: String,
    errors: FormErrors,
    notice: Option<&str>,
) -> AppResult<Response> {
    let provider_id = at.provider_id.ok_or(AppError::NotFound)?;
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    pilot_scheme(&mut tx, at.scheme_id).await?;
    let partner = partner_of(&mut tx, at.scheme_id, provider_id).await?;
    let agreement = agreement::agreement(&mut tx, at.scheme_id, provider_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let report = reports(&mut tx, at.scheme_id, Some(provider_id))
        .await?
        .into_iter()
        .find(|r| r.period == at.period.code)
        .ok_or(AppError::NotFound)?;
    let groups = agreement::groups(&mut tx, at.scheme_id, Some(provider_id)).await?;
    let all = figures(&mut tx, at.scheme_id, Some(provider_id)).await?;
    let mut health = health::scores(&mut tx, at.scheme_id, Some(provider_id)).await?;
    health.retain(|s| s.period == at.period.code);
    tx.commit().await?;
    let views = all
        .iter()
        .filter(|f| f.period == at.period.code)
        .filter_map(|f| {
            let g = groups.iter().find(|g| g.group_id == f.group_id)?;
            let v = f.values();
            let occupancy = occupancy_bp(v[1], v[0]);
            let mut flags = Vec::new();
            if near_full(occupancy, agreement.near_full) {
                flags.push(format!(
                    "Bijna vol (vanaf {}%): overweeg een nieuwe groep of langere openingstijden.",
                    agreement.near_full
                ));
            }
            if understaffed(v[2], v[3], g.min_professionals, g.min_volunteers) {
                flags.push(format!(
                    "Bezetting onder de norm: afgesproken minstens {} beroepskracht(en) en {} vrijwilliger(s).",
                    g.min_professionals, g.min_volunteers
                ));
            }
            Some(GroupView {
                name: g.name.clone(),
                figures: FIELDS
                    .iter()
                    .enumerate()
                    .map(|(i, (_, label))| {
                        (
                            *label,
                            if counts_people(i) {
                                small(v[i])
                            } else {
                                v[i].to_string()
                            },
                        )
                    })
                    .collect(),
                // Occupancy would give the number of participants away when it is small.
                occupancy: match occupancy {
                    Some(_) if v[1] < 5 => "niet getoond (< 5 deelnemers)".into(),
                    Some(bp) => percent(bp),
                    None => "geen plekken".into(),
                },
                flags,
            })
        })
        .collect();
    let invalid = !errors.is_empty();
    let base = format!(
        "{}/monitoring/{provider_id}/{}",
        pilot_href(user, at.scheme_id),
        at.period.code
    );
    let response = render(&ReportPage {
        layout: Layout::for_user(
            user,
            format!("Rapportage {} {}", partner.name, at.period.label()),
            Some(Section::Schemes),
        )
        .with_notice(notice),
        back: format!("{}/monitoring", pilot_href(user, at.scheme_id)),
        period: at.period.label(),
        submitted: format!(
            "{} door {}",
            time_fmt::date_time(report.submitted_at),
            report.submitted_by
        ),
        reviewed: report.reviewed_at.map(|t| {
            format!(
                "{} door {}",
                time_fmt::date_time(t),
                report.reviewed_by.clone().unwrap_or_default()
            )
        }),
        review_note: report.review_note.clone(),
        may_review: user.may_change(Section::Schemes) && report.reviewed_at.is_none(),
        action: format!("{base}/beoordelen"),
        partner: partner.name,
        groups: views,
        health: if health.is_empty() {
            Vec::new()
        } else {
            health::shown_rows(&health)
        },
        note,
        errors,
    })?;
    Ok(if invalid {
        with_422(response)
    } else {
        response
    })
}

/// GET /{tenant}/regelingen/{regeling}/pilot/monitoring/{aanbieder}/{periode}
pub async fn report_view(
    State(state): State<AppState>,
    user: CurrentUser,
    at: ReportPath,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    report_page(
        &state,
        &user,
        &at,
        String::new(),
        FormErrors::default(),
        notice(&q),
    )
    .await
}

/// POST /{tenant}/regelingen/{regeling}/pilot/monitoring/{aanbieder}/{periode}/beoordelen:
/// the official has read the report; it is final from now on.
pub async fn report_review(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    at: ReportPath,
    body: Bytes,
) -> AppResult<Response> {
    let provider_id = at.provider_id.ok_or(AppError::NotFound)?;
    let form: BTreeMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let note_typed = form.get("opmerking").cloned().unwrap_or_default();
    let note = match optional_text(&note_typed, 4000, "de opmerking") {
        Ok(n) => n,
        Err(m) => {
            let mut errors = FormErrors::default();
            errors.add("opmerking", m);
            return report_page(&state, &user, &at, note_typed, errors, None).await;
        }
    };
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    pilot_scheme(&mut tx, at.scheme_id).await?;
    let tenant_id = tx.tenant_id();
    let reviewed = sqlx::query(
        "update pilot_reports set reviewed_at = now(), reviewed_by = $5, review_note = $6 \
         where tenant_id = $1 and scheme_id = $2 and provider_id = $3 and period = $4 and reviewed_at is null",
    )
    .bind(tenant_id)
    .bind(at.scheme_id)
    .bind(provider_id)
    .bind(&at.period.code)
    .bind(by(&user))
    .bind(&note)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if reviewed == 0 {
        tx.commit().await?;
        let mut errors = FormErrors::default();
        errors.add("opmerking", "Deze rapportage is al beoordeeld.");
        return report_page(&state, &user, &at, note_typed, errors, None).await;
    }
    let event = Event::new(
        "monitoringsrapportage beoordeeld",
        "pilotpartner",
        provider_id,
    )
    .after(json!({"regeling": at.scheme_id, "periode": at.period.code, "opmerking": note}));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/monitoring/{provider_id}/{}?melding=beoordeeld",
        pilot_href(&user, at.scheme_id),
        at.period.code
    ))
    .into_response())
}
