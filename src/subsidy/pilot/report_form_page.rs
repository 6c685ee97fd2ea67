//! Monitoring, the partner's side: an aanbieder user of a partner organisation (and only its
//! own organisation) sees the periods it owes, files or corrects a report until an official has
//! reviewed it, and reads its own uitvoeringsovereenkomst.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use std::collections::BTreeMap;
use uuid::Uuid;

use crate::audit::{self, Actor, Event};
use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::{AppError, AppResult};
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::subsidy::common::nav_page::{notice, with_422, NoticeQuery};
use crate::subsidy::pilot::agreement::{self, Group};
use crate::subsidy::pilot::health::{self, InputRow, RESPONDENTS};
use crate::subsidy::pilot::monitoring::{
    due_periods, figures, reports, status, submit, GroupFigures, FIELDS,
};
use crate::subsidy::pilot::nav_page::ReportPath;
use crate::web::layout::{render, Layout};
use crate::web::{time_fmt, ClientAddr};

struct PilotRow {
    name: String,
    agreement_href: String,
    periods: Vec<(String, String, &'static str, bool, String)>,
}

#[derive(Template)]
#[template(path = "subsidy/pilot/monitoring_partner.html")]
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
    ids: crate::subsidy::common::nav_page::Ids,
) -> AppResult<Response> {
    let provider_id = user.provider_id.ok_or(AppError::NotFound)?;
    crate::subsidy::pilot::agreement_page::page(
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
#[template(path = "subsidy/pilot/report_form.html")]
struct FormPage {
    layout: Layout,
    back: String,
    action: String,
    period: String,
    status: &'static str,
    review_note: String,
    final_: bool,
    groups: Vec<GroupForm>,
    respondents: [(&'static str, &'static str); 2],
    health: Vec<InputRow>,
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
    let groups = agreement::groups(&mut tx, at.scheme_id, Some(provider_id)).await?;
    let report = reports(&mut tx, at.scheme_id, Some(provider_id))
        .await?
        .into_iter()
        .find(|r| r.period == at.period.code);
    let stored = figures(&mut tx, at.scheme_id, Some(provider_id)).await?;
    let mut health = health::scores(&mut tx, at.scheme_id, Some(provider_id)).await?;
    health.retain(|s| s.period == at.period.code);
    tx.commit().await?;
    let typed = typed.unwrap_or_default();
    let health = health::input_rows(&typed, &health);
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
        respondents: RESPONDENTS,
        health,
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
    let groups: Vec<Group> = agreement::groups(&mut tx, at.scheme_id, Some(provider_id)).await?;
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
    let health = health::parse_form(&form, provider_id, &at.period, &mut errors);
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
        &crate::subsidy::pilot::scheme::by(&user),
    )
    .await?;
    health::replace(&mut tx, at.scheme_id, provider_id, &at.period.code, &health).await?;
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
    .after(json!({"regeling": at.scheme_id, "periode": at.period.code, "groepen": after,
        "positieve_gezondheid": health.iter().map(|h| json!({"groep": h.respondent, "dimensie": h.dimension,
            "respondenten": h.respondents, "gemiddelde_tienden": h.mean_tenths})).collect::<Vec<_>>()}));
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
