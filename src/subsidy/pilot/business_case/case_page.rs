//! The business case page of a pilot (§6b; the Almelo collegevoorstel Algemene voorzieningen dagstructurering (2018)): per year the table of the Almelo collegevoorstel Algemene voorzieningen dagstructurering (2018) planned
//! against realised, with the difference and, beside every computed figure, the formula with
//! the inputs it came from; the chart "gepland tegenover gerealiseerd" with the same numbers in
//! a table; and every version of the inputs with who, when and why. The rules are
//! [`crate::subsidy::pilot::business_case::rules`]; the forms [`crate::subsidy::pilot::business_case::form_page`].

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;

use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::AppResult;
use crate::state::AppState;
use crate::subsidy::common::charts::{line_chart, LineChart};
use crate::subsidy::common::money::euro;
use crate::subsidy::common::nav_page::pilot_href;
use crate::subsidy::common::nav_page::Ids;
use crate::subsidy::common::nav_page::{notice, NoticeQuery};
use crate::subsidy::pilot::business_case::rules::{axis, compute, lines, signed, Inputs};
use crate::subsidy::pilot::business_case::store::{Basis, CaseData, Version};
use crate::subsidy::pilot::scheme::pilot_scheme;
use crate::web::layout::{render, Layout};
use crate::web::time_fmt;

pub struct LineRow {
    pub label: String,
    pub computed: bool,
    pub planned: String,
    pub realised: String,
    pub difference: String,
    pub formula: Vec<String>,
}

pub struct YearBlock {
    pub year: i32,
    pub rows: Vec<LineRow>,
    pub planned_from: String,
    pub realised_from: String,
    pub planned_href: String,
    pub realised_href: String,
    pub dekking_changed: bool,
}

pub struct SummaryRow {
    pub year: String,
    pub cells: Vec<String>,
}

pub struct VersionRow {
    pub year: i32,
    pub basis: &'static str,
    pub version: i32,
    pub when: String,
    pub by: String,
    pub reason: String,
    pub figures: String,
}

#[derive(Template)]
#[template(path = "subsidy/pilot/business_case/case.html")]
struct Page {
    layout: Layout,
    back: String,
    scheme_edit_href: String,
    scheme_name: String,
    years: Vec<YearBlock>,
    chart: LineChart,
    summary: Vec<SummaryRow>,
    versions: Vec<VersionRow>,
    may_change: bool,
}

fn amount(v: Option<i64>) -> String {
    v.map(euro).unwrap_or_else(|| "—".into())
}

/// Where a basis's figures of a year come from.
fn provenance(v: Option<&Version>, basis: Basis) -> String {
    match (v, basis) {
        (None, Basis::Planned) => "Nog geen geplande cijfers vastgelegd.".into(),
        (None, Basis::Realised) => "Nog geen gerealiseerde cijfers vastgelegd.".into(),
        (Some(v), _) => format!(
            "versie {} van {} door {}: {}",
            v.version,
            time_fmt::date_time(v.created_at),
            v.created_by,
            v.reason
        ),
    }
}

fn basis_label(basis: &str) -> &'static str {
    if basis == Basis::Planned.code() {
        "gepland"
    } else {
        "gerealiseerd"
    }
}

fn thousands(cents: i64) -> f64 {
    cents as f64 / 100_000.0
}

/// GET /{tenant}/regelingen/{regeling}/pilot/businesscase
pub async fn business_case_show(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let scheme_id = ids.get("regeling");
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let scheme = pilot_scheme(&mut tx, scheme_id).await?;
    let d = CaseData::load(&mut tx, scheme_id).await?;
    tx.commit().await?;
    let sources = d.sources();
    let href = format!("{}/businesscase", pilot_href(&user, scheme_id));
    let years: Vec<i32> = (scheme.first_year..=scheme.last_year).collect();
    let mut blocks = Vec::new();
    let mut per_year: Vec<(Option<Inputs>, Option<Inputs>)> = Vec::new();
    for &year in &years {
        let planned = d.current_inputs(year, Basis::Planned);
        let realised = d.current_inputs(year, Basis::Realised);
        let rows = lines(planned.as_ref(), realised.as_ref(), &sources)
            .into_iter()
            .map(|l| {
                let mut formula = Vec::new();
                if l.computed {
                    if !l.planned_formula.is_empty() {
                        formula.push(format!("gepland: {}", l.planned_formula));
                    }
                    if !l.realised_formula.is_empty() {
                        formula.push(format!("gerealiseerd: {}", l.realised_formula));
                    }
                } else if l.label.starts_with("Pilot ten laste van") {
                    formula.push(
                        "gepland: de dekking van de regeling bij het opslaan; gerealiseerd: invoer"
                            .to_string(),
                    );
                } else {
                    formula.push("invoer".to_string());
                }
                LineRow {
                    planned: amount(l.planned),
                    realised: amount(l.realised),
                    difference: l.difference().map(signed).unwrap_or_else(|| "—".into()),
                    label: l.label,
                    computed: l.computed,
                    formula,
                }
            })
            .collect();
        blocks.push(YearBlock {
            year,
            rows,
            planned_from: provenance(d.current(year, Basis::Planned), Basis::Planned),
            realised_from: provenance(d.current(year, Basis::Realised), Basis::Realised),
            planned_href: format!("{href}/{year}/gepland"),
            dekking_changed: d.dekking_changed(year),
            realised_href: format!("{href}/{year}/gerealiseerd"),
        });
        per_year.push((planned, realised));
    }

    // The chart and its table: costs under unchanged policy and after the change, per year.
    let series_of = |basis: usize, unchanged: bool| -> Vec<Option<f64>> {
        per_year
            .iter()
            .map(|pr| {
                let i = if basis == 0 {
                    pr.0.as_ref()
                } else {
                    pr.1.as_ref()
                }?;
                Some(thousands(if unchanged {
                    i.maatwerk_unchanged_cents
                } else {
                    compute(i).total_after_cents
                }))
            })
            .collect()
    };
    let series = vec![
        (
            "Maatwerk bij ongewijzigd beleid, gepland".to_string(),
            series_of(0, true),
        ),
        (
            "Totaal na gewijzigd beleid, gepland".to_string(),
            series_of(0, false),
        ),
        (
            "Maatwerk bij ongewijzigd beleid, gerealiseerd".to_string(),
            series_of(1, true),
        ),
        (
            "Totaal na gewijzigd beleid, gerealiseerd".to_string(),
            series_of(1, false),
        ),
    ];
    let top = series
        .iter()
        .flat_map(|(_, v)| v.iter().flatten())
        .fold(0.0f64, |a, &b| a.max(b));
    let (y_max, y_step) = axis(top);
    let labels: Vec<String> = years.iter().map(i32::to_string).collect();
    let chart = line_chart(
        "businesscase",
        "Kosten gepland tegenover gerealiseerd (× € 1.000)",
        "Lijnen per jaar, in duizenden euro: de kosten van maatwerk bij ongewijzigd beleid en de totale kosten na gewijzigd beleid (maatwerk plus pilot), elk gepland en gerealiseerd. Het verschil tussen de twee is de besparing. De cijfers staan in de tabel onder de grafiek.",
        &labels,
        &series,
        (y_max, y_step, ""),
        &[],
        false,
    );
    let mut summary: Vec<SummaryRow> = Vec::new();
    for (year, (p, r)) in years.iter().zip(&per_year) {
        let (po, ro) = (p.as_ref().map(compute), r.as_ref().map(compute));
        let values = [
            p.as_ref().map(|i| i.maatwerk_unchanged_cents),
            po.map(|o| o.total_after_cents),
            po.map(|o| o.saving_cents),
            r.as_ref().map(|i| i.maatwerk_unchanged_cents),
            ro.map(|o| o.total_after_cents),
            ro.map(|o| o.saving_cents),
        ];
        let mut cells: Vec<String> = values.iter().map(|v| amount(*v)).collect();
        cells.push(
            po.zip(ro)
                .map(|(po, ro)| signed(ro.saving_cents - po.saving_cents))
                .unwrap_or_else(|| "—".into()),
        );
        summary.push(SummaryRow {
            year: year.to_string(),
            cells,
        });
    }

    let versions = d
        .versions
        .iter()
        .map(|v| {
            let i = d.inputs(v);
            let o = compute(&i);
            VersionRow {
                year: v.year,
                basis: basis_label(&v.basis),
                version: v.version,
                when: time_fmt::date_time(v.created_at),
                by: v.created_by.clone(),
                reason: v.reason.clone(),
                figures: format!(
                    "ongewijzigd {}; pilot {}; maatwerk na {}",
                    euro(i.maatwerk_unchanged_cents),
                    euro(o.pilot_cents),
                    euro(i.maatwerk_after_cents)
                ),
            }
        })
        .collect();
    render(&Page {
        layout: Layout::for_user(
            &user,
            format!("Business case: {}", scheme.name),
            Some(Section::Schemes),
        )
        .with_notice(notice(&q)),
        back: pilot_href(&user, scheme_id),
        scheme_edit_href: format!(
            "{}/{scheme_id}/wijzigen",
            crate::subsidy::common::nav_page::schemes_base(&user)
        ),
        scheme_name: scheme.name,
        years: blocks,
        chart,
        summary,
        versions,
        may_change: user.may_change(Section::Schemes),
    })
}
