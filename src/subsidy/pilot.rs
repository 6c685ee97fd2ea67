//! A pilot regeling (§6b, seed 003): its subsidised partners and, per year, the budget with its
//! funding sources and the allocation over the partners ([`super::pilot_year`]).

use askama::Template;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use std::collections::BTreeMap;
use uuid::Uuid;

use super::money::euro;
use super::pilot_store;
use super::schemes::{base, notice, with_422, NoticeQuery};
use super::store::{self, Scheme};
use super::Ids;
use crate::audit::{self, Actor, Event};
use crate::auth::roles::Section;
use crate::auth::session::CurrentUser;
use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::layout::{render, FormErrors, Layout};
use crate::web::ClientAddr;

/// `{regeling}` and `{jaar}` of a pilot year's path; anything else is not found.
pub struct PilotYear {
    pub scheme_id: Uuid,
    pub year: i32,
}

impl<S: Send + Sync> FromRequestParts<S> for PilotYear {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(params) = Path::<BTreeMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        let scheme_id = params
            .get("regeling")
            .and_then(|s| Uuid::parse_str(s).ok())
            .ok_or(AppError::NotFound)?;
        let year = params
            .get("jaar")
            .and_then(|s| s.parse::<i32>().ok())
            .ok_or(AppError::NotFound)?;
        Ok(PilotYear { scheme_id, year })
    }
}

/// The scheme if it is a pilot of the tenant; otherwise not found.
pub async fn pilot_scheme(tx: &mut TenantTx, scheme_id: Uuid) -> AppResult<Scheme> {
    store::scheme(tx, scheme_id)
        .await?
        .filter(|s| s.kind == "pilot")
        .ok_or(AppError::NotFound)
}

/// `/{tenant}/regelingen/{regeling}/pilot`
pub fn pilot_href(user: &CurrentUser, scheme_id: Uuid) -> String {
    format!("{}/{scheme_id}/pilot", base(user))
}

/// Who did it, as recorded with versions and counts.
pub fn by(user: &CurrentUser) -> String {
    format!("{} ({})", user.display_name, user.email)
}

struct YearRow {
    year: i32,
    href: String,
    sources: Vec<(String, String)>,
    budget: String,
    allocation: String,
}

#[derive(Template)]
#[template(path = "subsidy/pilot.html")]
struct Page {
    layout: Layout,
    back: String,
    scheme: Scheme,
    partners: Vec<(String, String)>,
    candidates: Vec<(Uuid, String)>,
    years: Vec<YearRow>,
    may_change: bool,
    action: String,
    monitoring_href: String,
    dashboard_href: String,
    business_case_href: String,
    health_href: String,
    errors: FormErrors,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    scheme_id: Uuid,
    errors: FormErrors,
    notice: Option<&str>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let scheme = pilot_scheme(&mut tx, scheme_id).await?;
    let partners = pilot_store::partners(&mut tx, scheme_id).await?;
    let candidates = pilot_store::candidates(&mut tx, scheme_id).await?;
    let lines = store::budget_lines(&mut tx, scheme_id).await?;
    let mut years = Vec::new();
    for year in scheme.first_year..=scheme.last_year {
        let current = pilot_store::allocations(&mut tx, scheme_id, year)
            .await?
            .into_iter()
            .next();
        let of_year: Vec<&store::BudgetLine> = lines.iter().filter(|l| l.year == year).collect();
        years.push(YearRow {
            year,
            href: format!("{}/{year}", pilot_href(user, scheme_id)),
            budget: euro(of_year.iter().map(|l| l.amount_cents).sum()),
            sources: of_year
                .iter()
                .map(|l| (l.source.clone(), euro(l.amount_cents)))
                .collect(),
            allocation: match current {
                Some(a) => format!("versie {} ({})", a.version, kind_label(&a.kind)),
                None => "nog niet verdeeld".into(),
            },
        });
    }
    tx.commit().await?;
    let invalid = !errors.is_empty();
    let response = render(&Page {
        layout: Layout::for_user(
            user,
            format!("Pilot: {}", scheme.name),
            Some(Section::Schemes),
        )
        .with_notice(notice),
        back: format!("{}/{scheme_id}", base(user)),
        partners: partners
            .into_iter()
            .map(|p| {
                let href = format!(
                    "{}/partners/{}/overeenkomst",
                    pilot_href(user, scheme_id),
                    p.provider_id
                );
                (p.name, href)
            })
            .collect(),
        candidates: candidates
            .into_iter()
            .map(|p| (p.provider_id, p.name))
            .collect(),
        years,
        may_change: user.may_change(Section::Schemes),
        action: format!("{}/partners", pilot_href(user, scheme_id)),
        monitoring_href: format!("{}/monitoring", pilot_href(user, scheme_id)),
        dashboard_href: format!("{}/dashboard", pilot_href(user, scheme_id)),
        business_case_href: format!("{}/businesscase", pilot_href(user, scheme_id)),
        health_href: format!("{}/gezondheid", pilot_href(user, scheme_id)),
        scheme,
        errors,
    })?;
    Ok(if invalid {
        with_422(response)
    } else {
        response
    })
}

pub fn kind_label(kind: &str) -> &'static str {
    if kind == "aanpassing" {
        "aangepast"
    } else {
        "voorstel volgens de verdeelregel"
    }
}

/// GET /{tenant}/regelingen/{regeling}/pilot
pub async fn pilot_show(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    page(
        &state,
        &user,
        ids.get("regeling"),
        FormErrors::default(),
        notice(&q),
    )
    .await
}

/// POST /{tenant}/regelingen/{regeling}/pilot/partners: adds a provider of the tenant as a
/// subsidised partner.
pub async fn partner_add(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    body: Bytes,
) -> AppResult<Response> {
    let scheme_id = ids.get("regeling");
    let form: BTreeMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    pilot_scheme(&mut tx, scheme_id).await?;
    let provider = form
        .get("aanbieder")
        .and_then(|s| Uuid::parse_str(s.trim()).ok());
    // Another tenant's provider is simply not one of ours: the same message as none at all.
    let added = match provider {
        Some(p) => pilot_store::add_partner(&mut tx, scheme_id, p, &by(&user)).await?,
        None => false,
    };
    if !added {
        tx.commit().await?;
        let mut errors = FormErrors::default();
        errors.add(
            "aanbieder",
            "Kies een aanbieder uit de lijst die nog geen partner van deze pilot is.",
        );
        return page(&state, &user, scheme_id, errors, None).await;
    }
    let provider_id = provider.unwrap_or_default();
    let event = Event::new("pilotpartner toegevoegd", "subsidieregeling", scheme_id)
        .after(json!({"aanbieder": provider_id}));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}?melding=opgeslagen",
        pilot_href(&user, scheme_id)
    ))
    .into_response())
}
