//! A pilot regeling (§6b; the Almelo collegevoorstel Algemene voorzieningen dagstructurering (2018)): its subsidised partners and, per year, the budget with its
//! funding sources and the allocation over the partners ([`crate::subsidy::pilot::year_page`]).

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
use crate::error::AppResult;
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::subsidy::common::money::euro;
use crate::subsidy::common::nav_page::Ids;
use crate::subsidy::common::nav_page::{notice, pilot_href, schemes_base, with_422, NoticeQuery};
use crate::subsidy::common::store::{self, Scheme};
use crate::subsidy::pilot::scheme::{by, kind_label, pilot_scheme};
use crate::subsidy::pilot::store as pilot_store;
use crate::web::layout::{render, Layout};
use crate::web::ClientAddr;

struct YearRow {
    year: i32,
    href: String,
    sources: Vec<(String, String)>,
    budget: String,
    allocation: String,
}

#[derive(Template)]
#[template(path = "subsidy/pilot/pilot.html")]
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
        back: format!("{}/{scheme_id}", schemes_base(user)),
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
