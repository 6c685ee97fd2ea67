//! The aanbieder's start of the subsidy side: the rounds open now (with their onderdelen, to
//! start an application) and the organisation's own applications with their status.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::{self, Actor, Event};
use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::subsidy::common::money::euro;
use crate::subsidy::common::nav_page::{notice, own_provider, portal_base, NoticeQuery};
use crate::subsidy::common::store::{self, Round};
use crate::web::layout::{render, Layout};
use crate::web::{time_fmt, ClientAddr};

struct OpenRound {
    title: String,
    closes: String,
    round_id: Uuid,
    categories: Vec<(Uuid, String, String)>,
}

struct Row {
    href: String,
    reference: String,
    round: String,
    category: String,
    title: String,
    requested: String,
    status: &'static str,
    granted: Option<String>,
}

#[derive(Template)]
#[template(path = "subsidy/apply/portal.html")]
struct PortalPage {
    layout: Layout,
    action: String,
    open: Vec<OpenRound>,
    rows: Vec<Row>,
}

/// GET /{tenant}/aanvragen
pub async fn portal_show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    let provider = own_provider(&user)?;
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let now = OffsetDateTime::now_utc();
    let rounds: Vec<Round> = store::all_rounds(&mut tx)
        .await?
        .into_iter()
        .filter(|r| r.accepts(now))
        .collect();
    let mut open = Vec::new();
    for round in rounds {
        let categories = store::round_categories(&mut tx, round.round_id).await?;
        open.push(OpenRound {
            title: round.title(),
            closes: time_fmt::date_time(round.closes_at),
            round_id: round.round_id,
            categories: categories
                .into_iter()
                .map(|c| (c.category_id, c.name, euro(c.ceiling_cents)))
                .collect(),
        });
    }
    let applications = store::applications_of_provider(&mut tx, provider).await?;
    let rounds = store::all_rounds(&mut tx).await?;
    tx.commit().await?;
    let rows = applications
        .iter()
        .map(|a| Row {
            href: format!("{}/{}", portal_base(&user), a.application_id),
            reference: a.reference.clone(),
            round: rounds
                .iter()
                .find(|r| r.round_id == a.round_id)
                .map(Round::title)
                .unwrap_or_default(),
            category: a.category_name.clone(),
            title: a.title.clone(),
            requested: euro(a.requested_cents),
            status: a.status_label(),
            granted: a.granted_cents.map(euro),
        })
        .collect();
    let layout = Layout::for_user(&user, "Subsidieaanvragen", Some(Section::Applications))
        .with_notice(notice(&query));
    render(&PortalPage {
        layout,
        action: portal_base(&user),
        open,
        rows,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct StartForm {
    #[serde(default)]
    ronde: String,
    #[serde(default)]
    onderdeel: String,
}

/// POST /{tenant}/aanvragen: starts a draft application for an onderdeel of an open round.
pub async fn application_start(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    Form(form): Form<StartForm>,
) -> AppResult<Response> {
    let provider = own_provider(&user)?;
    let (Ok(round_id), Ok(category_id)) = (
        Uuid::parse_str(form.ronde.trim()),
        Uuid::parse_str(form.onderdeel.trim()),
    ) else {
        return Err(AppError::BadRequest(
            "Kies een onderdeel van een open ronde.".into(),
        ));
    };
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let round = store::round_by_id(&mut tx, round_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let categories = store::round_categories(&mut tx, round_id).await?;
    if !categories.iter().any(|c| c.category_id == category_id) {
        return Err(AppError::NotFound);
    }
    if !round.accepts(OffsetDateTime::now_utc()) {
        return Err(AppError::BadRequest(format!(
            "De ronde {} is niet open: aanvragen kon tot en met {}.",
            round.year,
            time_fmt::date_time(round.closes_at)
        )));
    }
    let tenant_id = tx.tenant_id();
    // References count per tenant and year; the lock makes two starts at once take turns.
    sqlx::query(
        "select pg_advisory_xact_lock(hashtext($1::text || '/subsidy-reference/' || $2::text))",
    )
    .bind(tenant_id)
    .bind(round.year)
    .execute(&mut *tx)
    .await?;
    let reference = crate::subsidy::apply::reference::next(&mut tx, round.year).await?;
    let id: Uuid = sqlx::query_scalar(
        "insert into subsidy_applications (tenant_id, round_id, category_id, provider_id, reference) \
         values ($1, $2, $3, $4, $5) returning application_id",
    )
    .bind(tenant_id)
    .bind(round_id)
    .bind(category_id)
    .bind(provider)
    .bind(&reference)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "insert into subsidy_application_versions (tenant_id, application_id, version, saved_by) values ($1, $2, 1, $3)",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(user.user_id)
    .execute(&mut *tx)
    .await?;
    let event = Event::new("aangemaakt", "subsidieaanvraag", id).after(json!({
        "kenmerk": reference, "ronde": round.year, "onderdeel": categories.iter().find(|c| c.category_id == category_id).map(|c| c.name.clone()),
    }));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}/{id}", portal_base(&user))).into_response())
}
