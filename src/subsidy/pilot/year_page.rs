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

use crate::auth::roles::Section;
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::subsidy::common::money::{euro, field};
use crate::subsidy::common::nav_page::pilot_href;
use crate::subsidy::common::nav_page::{notice, with_422, NoticeQuery};
use crate::subsidy::pilot::allocation::{
    self, basis_points, largest_remainder, percent, points_difference,
};
use crate::subsidy::pilot::nav_page::PilotYear;
use crate::subsidy::pilot::scheme::kind_label;
use crate::subsidy::pilot::store::YearData;
use crate::web::layout::{render, FormErrors, Layout};
use crate::web::time_fmt;

pub struct PartnerLine {
    pub name: String,
    pub need_field: String,
    pub need_value: String,
    pub realised_field: String,
    pub realised_value: String,
    pub amount_field: String,
    pub amount_value: String,
}

impl PartnerLine {
    /// The input's name (and id) in the clients form of `basis`.
    pub fn field(&self, basis: &str) -> &str {
        if basis == "gerealiseerd" {
            &self.realised_field
        } else {
            &self.need_field
        }
    }

    pub fn value(&self, basis: &str) -> &str {
        if basis == "gerealiseerd" {
            &self.realised_value
        } else {
            &self.need_value
        }
    }
}

/// One of the two clients forms.
pub struct ClientsForm {
    pub basis: &'static str,
    pub caption: String,
    pub button: &'static str,
}

pub struct ProposalRow {
    pub name: String,
    pub clients: i64,
    pub percent: String,
    pub amount: String,
}

pub struct ShareRow {
    pub name: String,
    pub clients: i64,
    pub proposed: String,
    pub share: String,
    pub difference: String,
}

pub struct ShownVersion {
    pub version: i32,
    pub kind: &'static str,
    pub reason: String,
    pub when: String,
    pub by: String,
    pub budget: String,
    pub total: String,
    pub rows: Vec<ShareRow>,
}

pub struct VersionRow {
    pub version: i32,
    pub href: String,
    pub kind: &'static str,
    pub when: String,
    pub by: String,
    pub reason: String,
    pub total: String,
    pub shown: bool,
}

pub struct CompareRow {
    pub name: String,
    pub allocated: String,
    pub allocated_pct: String,
    pub realised: i64,
    pub realised_pct: String,
    pub points: String,
    pub by_realised: String,
    pub difference: String,
}

#[derive(Template)]
#[template(path = "subsidy/pilot/year.html")]
pub struct Page {
    pub layout: Layout,
    pub back: String,
    pub scheme_name: String,
    pub year: i32,
    pub budget: String,
    pub sources: Vec<(String, String)>,
    pub partners: Vec<PartnerLine>,
    pub bases: Vec<ClientsForm>,
    pub need_per_wijk: Vec<(String, String, i64)>,
    pub rule: &'static str,
    pub proposal: Vec<ProposalRow>,
    pub proposal_problem: Option<&'static str>,
    pub need_total: i64,
    pub shown: Option<ShownVersion>,
    pub versions: Vec<VersionRow>,
    pub compare: Vec<CompareRow>,
    pub realised_total: i64,
    pub based_on: i32,
    pub reason: String,
    pub clients_action: String,
    pub import_action: String,
    pub propose_action: String,
    pub adjust_action: String,
    pub may_change: bool,
    pub errors: FormErrors,
}

fn signed(cents: i64) -> String {
    if cents > 0 {
        format!("+{}", euro(cents))
    } else {
        euro(cents)
    }
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
    let partners = d
        .partners
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let value = |key: &str, stored: String| typed.get(key).cloned().unwrap_or(stored);
            let need_field = format!("behoefte_{}", p.provider_id);
            let realised_field = format!("gerealiseerd_{}", p.provider_id);
            let amount_field = format!("bedrag_{}", p.provider_id);
            let amount = match d.share(current, p.provider_id) {
                Some(s) => field(s.share_cents, false),
                None => proposal
                    .as_ref()
                    .map(|shares| field(shares[i], false))
                    .unwrap_or_default(),
            };
            PartnerLine {
                name: p.name.clone(),
                need_value: value(
                    &need_field,
                    d.need
                        .get(&p.provider_id)
                        .map(i64::to_string)
                        .unwrap_or_default(),
                ),
                realised_value: value(
                    &realised_field,
                    d.realised
                        .get(&p.provider_id)
                        .map(i64::to_string)
                        .unwrap_or_default(),
                ),
                amount_value: value(&amount_field, amount),
                need_field,
                realised_field,
                amount_field,
            }
        })
        .collect();
    let proposal_rows = match &proposal {
        Ok(shares) => d
            .partners
            .iter()
            .zip(shares)
            .zip(d.need_counts())
            .map(|((p, cents), clients)| ProposalRow {
                name: p.name.clone(),
                clients: clients as i64,
                percent: basis_points(clients as i64, need_total)
                    .map(percent)
                    .unwrap_or_default(),
                amount: euro(*cents),
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    let shown = shown_meta.map(|v| {
        let rows: Vec<ShareRow> = d
            .partners
            .iter()
            .map(|p| {
                let s = d.share(v.version, p.provider_id);
                let (clients, proposed, share) = s
                    .map(|s| (s.clients as i64, s.proposed_cents, s.share_cents))
                    .unwrap_or((0, 0, 0));
                ShareRow {
                    name: p.name.clone(),
                    clients,
                    proposed: euro(proposed),
                    share: euro(share),
                    difference: if share == proposed {
                        "—".into()
                    } else {
                        signed(share - proposed)
                    },
                }
            })
            .collect();
        ShownVersion {
            version: v.version,
            kind: kind_label(&v.kind),
            reason: v.reason.clone(),
            when: time_fmt::date_time(v.created_at),
            by: v.created_by.clone(),
            budget: euro(v.budget_cents),
            total: euro(version_total(&d, v.version)),
            rows,
        }
    });
    let versions = d
        .versions
        .iter()
        .map(|v| VersionRow {
            version: v.version,
            href: format!("{here}?versie={}", v.version),
            kind: kind_label(&v.kind),
            when: time_fmt::date_time(v.created_at),
            by: v.created_by.clone(),
            reason: v.reason.clone(),
            total: euro(version_total(&d, v.version)),
            shown: v.version == shown_number,
        })
        .collect();
    let realised_counts: Vec<u64> = d
        .partners
        .iter()
        .map(|p| d.realised.get(&p.provider_id).copied().unwrap_or(0).max(0) as u64)
        .collect();
    let realised_total: i64 = realised_counts.iter().map(|&c| c as i64).sum();
    let compare = match shown_meta {
        Some(v) if realised_total > 0 => {
            let allocated: Vec<i64> = d
                .partners
                .iter()
                .map(|p| {
                    d.share(v.version, p.provider_id)
                        .map(|s| s.share_cents)
                        .unwrap_or(0)
                })
                .collect();
            let allocated_total: i64 = allocated.iter().sum();
            let by_realised =
                largest_remainder(allocated_total, &realised_counts).unwrap_or_default();
            d.partners
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let a_bp = basis_points(allocated[i], allocated_total).unwrap_or(0);
                    let r_bp = basis_points(realised_counts[i] as i64, realised_total).unwrap_or(0);
                    let fair = by_realised.get(i).copied().unwrap_or(0);
                    CompareRow {
                        name: p.name.clone(),
                        allocated: euro(allocated[i]),
                        allocated_pct: percent(a_bp),
                        realised: realised_counts[i] as i64,
                        realised_pct: percent(r_bp),
                        points: points_difference(r_bp - a_bp),
                        by_realised: euro(fair),
                        difference: signed(fair - allocated[i]),
                    }
                })
                .collect()
        }
        _ => Vec::new(),
    };
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

fn version_total(d: &YearData, version: i32) -> i64 {
    d.shares
        .iter()
        .filter(|s| s.version == version)
        .map(|s| s.share_cents)
        .sum()
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
