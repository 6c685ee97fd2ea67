//! Objections (bezwaar) against decisions: registered by a beleidsmedewerker with the date and
//! way they arrived, judged on time by [`crate::subsidy::common::terms`] (the post rule included), confirmed to
//! the objector with a receipt letter, decided within the computed term (once postponable with
//! a reason). An objection that changes scores replays the onderdeel's ranking with the plafond
//! as it stood at the original decision (Awb 4:25(3)) and shows what would change for the
//! others; the original snapshot stays as it was.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use std::collections::BTreeMap;
use uuid::Uuid;

use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::{AppError, AppResult};
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::subsidy::after::objections::{all, one, Objection, ReplayRow};
use crate::subsidy::common::nav_page::Ids;
use crate::subsidy::common::nav_page::{notice, schemes_base, with_422, NoticeQuery};
use crate::subsidy::common::store::{self};
use crate::subsidy::decide::ranking::decided;
use crate::web::layout::{render, Layout};
use crate::web::time_fmt;

struct ListRow {
    href: String,
    reference: String,
    provider: String,
    received: String,
    on_time: &'static str,
    due: String,
    overdue: bool,
    outcome: &'static str,
}

#[derive(Template)]
#[template(path = "subsidy/after/objections_list.html")]
struct ListPage {
    layout: Layout,
    back: String,
    rows: Vec<ListRow>,
}

/// GET /{tenant}/regelingen/bezwaren
pub async fn objections_list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let objections = all(&mut tx).await?;
    tx.commit().await?;
    let today = time_fmt::today();
    let rows = objections
        .iter()
        .map(|o| ListRow {
            href: format!("{}/bezwaren/{}", schemes_base(&user), o.objection_id),
            reference: o.reference.clone(),
            provider: o.provider_name.clone(),
            received: time_fmt::date(o.received_on),
            on_time: if o.on_time { "Tijdig" } else { "Te laat" },
            due: time_fmt::date(o.decision_due()),
            overdue: o.outcome.is_none() && o.decision_due() < today,
            outcome: o.outcome_label(),
        })
        .collect();
    render(&ListPage {
        layout: Layout::for_user(&user, "Bezwaren", Some(Section::Schemes)),
        back: schemes_base(&user),
        rows,
    })
}

struct PointField {
    name: String,
    field: String,
    value: String,
    current: i32,
}

#[derive(Template)]
#[template(path = "subsidy/after/objection.html")]
struct ObjectionPage {
    layout: Layout,
    back: String,
    objection: Objection,
    application_href: String,
    receipt_href: String,
    postpone_action: String,
    decide_action: String,
    deadline: String,
    due: String,
    sent: String,
    points: Vec<PointField>,
    form: BTreeMap<String, String>,
    preview: Vec<ReplayRow>,
    errors: FormErrors,
}

impl ObjectionPage {
    fn value(&self, key: &str) -> &str {
        self.form.get(key).map(String::as_str).unwrap_or("")
    }
}

pub(in crate::subsidy) async fn page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    form: BTreeMap<String, String>,
    preview: Vec<ReplayRow>,
    errors: FormErrors,
    notice: Option<&str>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let objection = one(&mut tx, id).await?;
    let application = store::application(&mut tx, objection.application_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (board, _, _) = decided(&mut tx, application.round_id, application.category_id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let current = board
        .placed
        .iter()
        .find(|p| p.candidate.application_id == application.application_id);
    let points = board
        .criteria
        .iter()
        .enumerate()
        .filter(|(_, c)| c.code != "prijs")
        .map(|(i, c)| {
            let now = current
                .and_then(|p| p.candidate.points.get(i).copied())
                .unwrap_or(0);
            let field = format!("punten_{}", c.code);
            PointField {
                value: form.get(&field).cloned().unwrap_or_else(|| now.to_string()),
                name: c.name.clone(),
                field,
                current: now,
            }
        })
        .collect();
    let invalid = !errors.is_empty();
    let response = render(&ObjectionPage {
        layout: Layout::for_user(
            user,
            format!("Bezwaar tegen {}", objection.reference),
            Some(Section::Schemes),
        )
        .with_notice(notice),
        back: format!("{}/bezwaren", schemes_base(user)),
        application_href: format!(
            "{}/aanvragen/{}",
            schemes_base(user),
            objection.application_id
        ),
        receipt_href: format!("{}/bezwaren/{id}/ontvangstbevestiging", schemes_base(user)),
        postpone_action: format!("{}/bezwaren/{id}/uitstel", schemes_base(user)),
        decide_action: format!("{}/bezwaren/{id}/beslissen", schemes_base(user)),
        deadline: time_fmt::date(objection.deadline()),
        due: time_fmt::date(objection.decision_due()),
        sent: time_fmt::date(objection.sent_on),
        objection,
        points,
        form,
        preview,
        errors,
    })?;
    Ok(if invalid {
        with_422(response)
    } else {
        response
    })
}

/// GET /{tenant}/regelingen/bezwaren/{id}
pub async fn objection_show(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    page(
        &state,
        &user,
        ids.get("id"),
        BTreeMap::new(),
        Vec::new(),
        FormErrors::default(),
        notice(&query),
    )
    .await
}
