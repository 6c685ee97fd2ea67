//! One year of a pilot: the budget and its funding sources, the clients per partner (the
//! wijkteams' assessed need and the realised distribution), the proposal by the allocation rule
//! ([`crate::subsidy::pilot::allocation`]), every version of the allocation, and the allocation against the
//! realised distribution. The data is [`crate::subsidy::pilot::store::YearData`]; the changes are in
//! [`crate::subsidy::pilot::allocate_page`].

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use std::collections::BTreeMap;
use uuid::Uuid;

use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::{AppError, AppResult};
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::subsidy::common::money::euro;
use crate::subsidy::common::nav_page::pilot_href;
use crate::subsidy::common::nav_page::{notice, with_422, NoticeQuery};
use crate::subsidy::pilot::allocation::{self};
use crate::subsidy::pilot::nav_page::PilotYear;
use crate::subsidy::pilot::store::YearData;
use crate::subsidy::pilot::year_view::{
    self, ClientsForm, CompareRow, PartnerLine, ProposalRow, ShownVersion, VersionRow,
};
use crate::web::layout::{render, Layout};

#[derive(Template)]
#[template(path = "subsidy/pilot/year.html")]
pub(in crate::subsidy) struct Page {
    pub(in crate::subsidy) layout: Layout,
    pub(in crate::subsidy) back: String,
    pub(in crate::subsidy) scheme_name: String,
    pub(in crate::subsidy) year: i32,
    pub(in crate::subsidy) budget: String,
    pub(in crate::subsidy) sources: Vec<(String, String)>,
    pub(in crate::subsidy) partners: Vec<PartnerLine>,
    pub(in crate::subsidy) bases: Vec<ClientsForm>,
    pub(in crate::subsidy) need_per_wijk: Vec<(String, String, i64)>,
    pub(in crate::subsidy) rule: &'static str,
    pub(in crate::subsidy) proposal: Vec<ProposalRow>,
    pub(in crate::subsidy) proposal_problem: Option<&'static str>,
    pub(in crate::subsidy) need_total: i64,
    pub(in crate::subsidy) shown: Option<ShownVersion>,
    pub(in crate::subsidy) versions: Vec<VersionRow>,
    pub(in crate::subsidy) compare: Vec<CompareRow>,
    pub(in crate::subsidy) realised_total: i64,
    pub(in crate::subsidy) based_on: i32,
    pub(in crate::subsidy) reason: String,
    pub(in crate::subsidy) clients_action: String,
    pub(in crate::subsidy) import_action: String,
    pub(in crate::subsidy) propose_action: String,
    pub(in crate::subsidy) adjust_action: String,
    pub(in crate::subsidy) may_change: bool,
    pub(in crate::subsidy) errors: FormErrors,
}

/// The year page; `typed` holds what a refused form sent, so it comes back as typed.
pub async fn page(
    state: &AppState,
    user: &CurrentUser,
    at: &PilotYear,
    shown_version: Option<i32>,
    typed: Option<BTreeMap<String, String>>,
    errors: FormErrors,
    notice: Option<&str>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let d = YearData::load(&mut tx, at.scheme_id, at.year).await?;
    tx.commit().await?;
    let typed = typed.unwrap_or_default();
    let current = d.current_version();
    let shown_number = shown_version.unwrap_or(current);
    let shown_meta = d.versions.iter().find(|v| v.version == shown_number);
    if shown_version.is_some() && shown_meta.is_none() {
        return Err(AppError::NotFound);
    }
    let proposal = d.proposal();
    let here = format!("{}/{}", pilot_href(user, at.scheme_id), at.year);
    let need_total: i64 = d.need_counts().iter().map(|&c| c as i64).sum();
    let partners = year_view::partner_lines(&d, &typed, current, &proposal);
    let proposal_rows = year_view::proposal_rows(&d, &proposal, need_total);
    let shown = shown_meta.map(|v| year_view::shown_version(&d, v));
    let versions = year_view::version_rows(&d, &here, shown_number);
    let (compare, realised_total) = year_view::compare_rows(&d, shown_meta);
    let names: BTreeMap<Uuid, String> = d
        .partners
        .iter()
        .map(|p| (p.provider_id, p.name.clone()))
        .collect();
    let invalid = !errors.is_empty();
    let response = render(&Page {
        layout: Layout::for_user(
            user,
            format!("Pilot {}: {}", at.year, d.scheme_name),
            Some(Section::Schemes),
        )
        .with_notice(notice),
        back: pilot_href(user, at.scheme_id),
        scheme_name: d.scheme_name.clone(),
        year: at.year,
        budget: euro(d.budget_cents),
        sources: d
            .sources
            .iter()
            .map(|(s, c)| (s.clone(), euro(*c)))
            .collect(),
        partners,
        bases: vec![
            ClientsForm {
                basis: "behoefte",
                caption: format!("Behoefte volgens de wijkteams {}", at.year),
                button: "Behoefte opslaan",
            },
            ClientsForm {
                basis: "gerealiseerd",
                caption: format!("Gerealiseerde cliënten {}", at.year),
                button: "Gerealiseerde cliënten opslaan",
            },
        ],
        need_per_wijk: d
            .need_per_wijk
            .iter()
            .map(|(p, w, c)| (names.get(p).cloned().unwrap_or_default(), w.clone(), *c))
            .collect(),
        rule: allocation::RULE,
        proposal: proposal_rows,
        proposal_problem: proposal.as_ref().err().map(|e| e.text()),
        need_total,
        shown,
        versions,
        compare,
        realised_total,
        based_on: typed
            .get("versie")
            .and_then(|v| v.parse().ok())
            .unwrap_or(current),
        reason: typed.get("reden").cloned().unwrap_or_default(),
        clients_action: format!("{here}/clienten"),
        import_action: format!("{here}/behoefte.csv"),
        propose_action: format!("{here}/voorstel"),
        adjust_action: format!("{here}/aanpassing"),
        may_change: user.may_change(Section::Schemes),
        errors,
    })?;
    Ok(if invalid {
        with_422(response)
    } else {
        response
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct YearQuery {
    #[serde(default)]
    pub melding: Option<String>,
    #[serde(default)]
    pub versie: Option<String>,
}

/// GET /{tenant}/regelingen/{regeling}/pilot/{jaar}[?versie=N]
pub async fn year_show(
    State(state): State<AppState>,
    user: CurrentUser,
    at: PilotYear,
    Query(q): Query<YearQuery>,
) -> AppResult<Response> {
    let version = match q.versie.as_deref() {
        None | Some("") => None,
        Some(v) => Some(v.parse::<i32>().map_err(|_| AppError::NotFound)?),
    };
    let n = NoticeQuery {
        melding: q.melding.clone(),
    };
    page(
        &state,
        &user,
        &at,
        version,
        None,
        FormErrors::default(),
        notice(&n),
    )
    .await
}
