//! Supply against demand per wijk (Platform31's Werken aan herstel en stabiliteit (2021)): the tenant's named indicators per wijk, and for
//! the chosen one (the main indicator unless another is asked for) the facilities per 1,000 of
//! the demand and the places at once per 1,000 residents, counted in proportion
//! ([`super::supply`]); wijken far below the tenant's median are flagged.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::bouwstenen::by_gemeente;
use super::demand_csv::input_text;
use super::demand_store::{self, Indicator};
use super::inventory::FieldError;
use super::nav::{dutch_number, subnav, with_status, Tab, MAX_IMPORT_BYTES};
use super::scope::{self, Wijk};
use super::supply::{self, demand_count, per_1000, Share};
use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::db::TenantTx;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::layout::{render, Layout, NavItem};
use crate::web::upload::LineError;

pub struct DemandRow {
    pub wijk: Wijk,
    pub residents: Option<i32>,
    /// Every indicator's value as shown, in the order of the indicators.
    pub values: Vec<String>,
    /// The chosen indicator's value and the demand (a number of people) it stands for.
    pub value: Option<f64>,
    pub value_shown: String,
    pub demand: Option<f64>,
    pub share: Share,
    /// What the form holds: the stored figures, or what the user typed.
    pub residents_input: String,
    pub value_input: String,
    pub residents_error: Option<String>,
    pub value_error: Option<String>,
    pub flagged: bool,
}

fn shown(value: Option<f64>, decimals: usize) -> String {
    value
        .map(|v| dutch_number(v, decimals))
        .unwrap_or_else(|| "–".into())
}

/// An indicator's value as the page shows it: `1.200`, `12,5 %`.
pub fn value_text(value: Option<f64>, indicator: &Indicator) -> String {
    match value {
        None => "onbekend".into(),
        Some(v) if indicator.percentage() => format!("{} %", dutch_number(v, 1)),
        Some(v) => dutch_number(v, 0),
    }
}

impl DemandRow {
    pub fn facilities_per_1000(&self) -> Option<f64> {
        per_1000(self.share.facilities, self.demand)
    }

    pub fn places_per_1000(&self) -> Option<f64> {
        per_1000(self.share.places, self.residents.map(f64::from))
    }

    pub fn residents_text(&self) -> String {
        self.residents
            .map(|r| dutch_number(r as f64, 0))
            .unwrap_or_else(|| "onbekend".into())
    }

    pub fn demand_text(&self) -> String {
        shown(self.demand, 0)
    }

    pub fn facilities_text(&self) -> String {
        dutch_number(self.share.facilities, 1)
    }

    pub fn places_text(&self) -> String {
        dutch_number(self.share.places, 0)
    }

    pub fn facilities_per_1000_text(&self) -> String {
        shown(self.facilities_per_1000(), 1)
    }

    pub fn places_per_1000_text(&self) -> String {
        shown(self.places_per_1000(), 1)
    }
}

pub struct DemandGroup {
    pub code: String,
    pub name: String,
    pub rows: Vec<DemandRow>,
}

/// Everything the page, the exports and the overview show.
pub struct DemandView {
    pub indicators: Vec<Indicator>,
    pub chosen: Option<Indicator>,
    pub groups: Vec<DemandGroup>,
    pub median: Option<f64>,
    pub flagged: usize,
    pub per_day_only: usize,
    pub stamp: String,
}

impl DemandView {
    pub fn rows(&self) -> impl Iterator<Item = &DemandRow> {
        self.groups.iter().flat_map(|g| g.rows.iter())
    }

    pub fn median_text(&self) -> Option<String> {
        self.median.map(|m| dutch_number(m, 1))
    }

    pub fn threshold_text(&self) -> String {
        self.median
            .map(|m| dutch_number(m / 2.0, 1))
            .unwrap_or_default()
    }
}

/// What the page shows besides the stored figures.
#[derive(Default)]
pub struct Shown {
    pub inputs: HashMap<String, String>,
    pub errors: Vec<FieldError>,
    pub import_errors: Vec<LineError>,
    pub notice: Option<String>,
}

impl Shown {
    fn error(&self, field: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|e| e.id == field)
            .map(|e| e.message.clone())
    }
}

/// The indicator asked for by code, else the main one, else the first.
pub fn choose(indicators: &[Indicator], wanted: Option<&str>) -> Option<Indicator> {
    wanted
        .and_then(|w| indicators.iter().find(|i| i.code == w))
        .or_else(|| indicators.iter().find(|i| i.main))
        .or(indicators.first())
        .cloned()
}

/// Loads and computes the view for the indicator asked for.
pub async fn load(tx: &mut TenantTx, wanted: Option<&str>, shown: &Shown) -> AppResult<DemandView> {
    let wijken = scope::wijken(tx).await?;
    let indicators = demand_store::indicators(tx).await?;
    let chosen = choose(&indicators, wanted);
    let values = demand_store::values(tx).await?;
    let residents = demand_store::residents(tx).await?;
    let shares = supply::shares(&demand_store::served(tx).await?, &residents);
    let stamp = match &chosen {
        Some(i) => demand_store::stamp(tx, &i.code).await?,
        None => String::new(),
    };
    let mut rows: Vec<DemandRow> =
        wijken
            .into_iter()
            .map(|wijk| {
                let id = wijk.area_id;
                let resident_count = residents.get(&id).copied();
                let value = chosen
                    .as_ref()
                    .and_then(|i| values.get(&(id, i.code.clone())).copied());
                let (rfield, vfield) = (
                    format!("inwoners-{}", wijk.code),
                    format!("vraag-{}", wijk.code),
                );
                DemandRow {
                    values: indicators
                        .iter()
                        .map(|i| value_text(values.get(&(id, i.code.clone())).copied(), i))
                        .collect(),
                    value_shown: chosen
                        .as_ref()
                        .map(|i| value_text(value, i))
                        .unwrap_or_default(),
                    demand: chosen
                        .as_ref()
                        .and_then(|i| demand_count(i.percentage(), value, resident_count)),
                    residents_input: shown.inputs.get(&rfield).cloned().unwrap_or_else(|| {
                        resident_count.map(|r| r.to_string()).unwrap_or_default()
                    }),
                    value_input: shown.inputs.get(&vfield).cloned().unwrap_or_else(|| {
                        match (value, &chosen) {
                            (Some(v), Some(i)) => input_text(v, i),
                            _ => String::new(),
                        }
                    }),
                    residents_error: shown.error(&rfield),
                    value_error: shown.error(&vfield),
                    share: shares.get(&id).cloned().unwrap_or_default(),
                    residents: resident_count,
                    value,
                    flagged: false,
                    wijk,
                }
            })
            .collect();
    let mut per_1000s: Vec<f64> = rows
        .iter()
        .filter_map(DemandRow::facilities_per_1000)
        .collect();
    let median = supply::median(&mut per_1000s);
    if let Some(m) = median {
        for row in &mut rows {
            row.flagged = row.facilities_per_1000().is_some_and(|v| v < m / 2.0);
        }
    }
    let flagged = rows.iter().filter(|r| r.flagged).count();
    let per_day_only = rows.iter().map(|r| r.share.per_day_only).max().unwrap_or(0);
    let groups = by_gemeente(rows, |r| &r.wijk)
        .into_iter()
        .map(|(code, name, rows)| DemandGroup { code, name, rows })
        .collect();
    Ok(DemandView {
        indicators,
        chosen,
        groups,
        median,
        flagged,
        per_day_only,
        stamp,
    })
}

#[derive(Template)]
#[template(path = "checklist/demand.html")]
struct DemandPage {
    layout: Layout,
    subnav: Vec<NavItem>,
    base: String,
    view: DemandView,
    chosen_code: String,
    regio: bool,
    may_change: bool,
    errors: Vec<FieldError>,
    import_errors: Vec<LineError>,
    max_mb: usize,
}

/// The page for the indicator asked for, with what `shown` adds.
pub async fn page(
    tx: &mut TenantTx,
    user: &CurrentUser,
    wanted: Option<&str>,
    shown: Shown,
    status: StatusCode,
) -> AppResult<Response> {
    let view = load(tx, wanted, &shown).await?;
    let regio = scope::gemeenten(tx).await?.len() > 1;
    let page = DemandPage {
        layout: Layout::for_user(user, "Vraag en aanbod per wijk", Some(Section::Checklist))
            .with_notice(shown.notice.as_deref()),
        subnav: subnav(user, Tab::Demand),
        base: user.section_href(Section::Checklist),
        chosen_code: view
            .chosen
            .as_ref()
            .map(|i| i.code.clone())
            .unwrap_or_default(),
        view,
        regio,
        may_change: user.may_change(Section::Checklist),
        errors: shown.errors,
        import_errors: shown.import_errors,
        max_mb: MAX_IMPORT_BYTES / 1024 / 1024,
    };
    Ok(with_status(render(&page)?, status))
}

#[derive(Debug, Default, Deserialize)]
pub struct DemandQuery {
    #[serde(default)]
    pub indicator: Option<String>,
    #[serde(default)]
    pub melding: Option<String>,
}

/// GET /{tenant}/checklist/vraag?indicator=
pub async fn demand_show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<DemandQuery>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let notice = match query.melding.as_deref() {
        Some("opgeslagen") => Some("De vraag per wijk is opgeslagen.".to_string()),
        Some("indicator") => Some("De indicator is opgeslagen.".to_string()),
        _ => None,
    };
    let shown = Shown {
        notice,
        ..Shown::default()
    };
    page(
        &mut tx,
        &user,
        query.indicator.as_deref(),
        shown,
        StatusCode::OK,
    )
    .await
}
