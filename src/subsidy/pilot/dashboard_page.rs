//! The dashboard of a pilot (§6b): occupancy per group and partner over time against the agreed
//! target, groups near full ("overweeg een nieuwe groep of langere openingstijden"), staffing
//! below the agreed minimum, late reports, and the inflow mix over time. Charts are SVG drawn by
//! the server ([`crate::subsidy::common::charts`]) with the same numbers in a table; counts of people below 5
//! are shown as "< 5", and an occupancy of fewer than 5 participants is not shown.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use std::collections::BTreeMap;
use uuid::Uuid;

use crate::auth::roles::Section;
use crate::auth::session::CurrentUser;
use crate::error::AppResult;
use crate::state::AppState;
use crate::subsidy::common::charts::{line_chart, stacked_bars, BarChart, LineChart};
use crate::subsidy::common::nav_page::pilot_href;
use crate::subsidy::common::nav_page::Ids;
use crate::subsidy::common::nav_page::{notice, NoticeQuery};
use crate::subsidy::pilot::agreement::{self, Agreement};
use crate::subsidy::pilot::allocation::{basis_points, percent};
use crate::subsidy::pilot::figures::{near_full, occupancy_bp, small, understaffed, Period};
use crate::subsidy::pilot::monitoring::{due_periods, figures, reports, status, GroupFigures};
use crate::subsidy::pilot::scheme::pilot_scheme;
use crate::subsidy::pilot::store;
use crate::web::layout::{render, Layout};

pub struct TableRow {
    pub name: String,
    pub cells: Vec<String>,
}

pub struct PartnerBlock {
    pub name: String,
    pub target: i32,
    pub near_full: i32,
    pub chart: LineChart,
    pub rows: Vec<TableRow>,
}

#[derive(Template)]
#[template(path = "subsidy/pilot/dashboard.html")]
struct Page {
    layout: Layout,
    back: String,
    monitoring_href: String,
    scheme_name: String,
    periods: Vec<String>,
    near_full_signals: Vec<String>,
    staffing_signals: Vec<String>,
    late_signals: Vec<String>,
    partners: Vec<PartnerBlock>,
    inflow: BarChart,
    inflow_rows: Vec<TableRow>,
}

/// Occupancy in hundredths of a percent, or none when it would give a small number away.
fn shown_occupancy(participants: i64, capacity: i64) -> Option<i64> {
    (participants >= 5)
        .then(|| occupancy_bp(participants, capacity))
        .flatten()
}

fn cell(participants: i64, capacity: i64, reported: bool) -> String {
    match (reported, shown_occupancy(participants, capacity)) {
        (false, _) => "—".into(),
        (true, Some(bp)) => percent(bp),
        (true, None) if capacity == 0 => "geen plekken".into(),
        (true, None) => "< 5 deelnemers".into(),
    }
}

/// GET /{tenant}/regelingen/{regeling}/pilot/dashboard
pub async fn dashboard_show(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let scheme_id = ids.get("regeling");
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let scheme = pilot_scheme(&mut tx, scheme_id).await?;
    let partners = store::partners(&mut tx, scheme_id).await?;
    let mut agreements: BTreeMap<Uuid, Agreement> = BTreeMap::new();
    let mut owed: BTreeMap<Uuid, Vec<Period>> = BTreeMap::new();
    for p in &partners {
        if let Some(a) = agreement::agreement(&mut tx, scheme_id, p.provider_id).await? {
            agreements.insert(p.provider_id, a);
        }
        owed.insert(
            p.provider_id,
            due_periods(&mut tx, scheme_id, p.provider_id)
                .await?
                .unwrap_or_default(),
        );
    }
    let groups = agreement::groups(&mut tx, scheme_id, None).await?;
    let all_reports = reports(&mut tx, scheme_id, None).await?;
    let all_figures = figures(&mut tx, scheme_id, None).await?;
    tx.commit().await?;

    let mut periods: Vec<Period> = Vec::new();
    for list in owed.values() {
        for p in list {
            if !periods.iter().any(|q| q.code == p.code) {
                periods.push(p.clone());
            }
        }
    }
    periods.sort_by_key(|p| (p.start, p.end));
    let labels: Vec<String> = periods.iter().map(|p| p.code.clone()).collect();
    let figure = |provider: Uuid, period: &str, group: Uuid| -> Option<&GroupFigures> {
        all_figures
            .iter()
            .find(|f| f.provider_id == provider && f.period == period && f.group_id == group)
    };

    let mut near_full_signals = Vec::new();
    let mut staffing_signals = Vec::new();
    let mut late_signals = Vec::new();
    let mut blocks = Vec::new();
    for (n, p) in partners.iter().enumerate() {
        let late: Vec<String> = owed
            .get(&p.provider_id)
            .map(|list| {
                list.iter()
                    .filter(|o| {
                        let r = all_reports
                            .iter()
                            .find(|r| r.provider_id == p.provider_id && r.period == o.code);
                        status(r, o).1
                    })
                    .map(|o| o.label())
                    .collect()
            })
            .unwrap_or_default();
        if !late.is_empty() {
            late_signals.push(format!("{}: {}", p.name, late.join(", ")));
        }
        let Some(agreement) = agreements.get(&p.provider_id) else {
            continue;
        };
        let own: Vec<_> = groups
            .iter()
            .filter(|g| g.provider_id == p.provider_id)
            .collect();
        // The signals read the partner's latest report.
        let latest = periods.iter().rev().find(|period| {
            all_reports
                .iter()
                .any(|r| r.provider_id == p.provider_id && r.period == period.code)
        });
        if let Some(period) = latest {
            for g in &own {
                let Some(f) = figure(p.provider_id, &period.code, g.group_id) else {
                    continue;
                };
                let v = f.values();
                if near_full(occupancy_bp(v[1], v[0]), agreement.near_full) {
                    let level = shown_occupancy(v[1], v[0])
                        .map(|bp| format!("bezetting {}", percent(bp)))
                        .unwrap_or_else(|| "bijna vol".into());
                    near_full_signals.push(format!(
                        "{} – {}: {level} in {} (bijna vol vanaf {}%). Overweeg een nieuwe groep of langere openingstijden.",
                        p.name,
                        g.name,
                        period.label(),
                        agreement.near_full
                    ));
                }
                if understaffed(v[2], v[3], g.min_professionals, g.min_volunteers) {
                    staffing_signals.push(format!(
                        "{} – {}: in {} {} beroepskracht(en) en {} vrijwilliger(s) aanwezig; afgesproken minstens {} en {}.",
                        p.name, g.name, period.label(), v[2], v[3], g.min_professionals, g.min_volunteers
                    ));
                }
            }
        }
        let mut series = Vec::new();
        let mut rows = Vec::new();
        let mut total_values = Vec::new();
        let mut total_cells = Vec::new();
        for period in &periods {
            let (mut participants, mut capacity, mut reported) = (0, 0, false);
            for g in &own {
                if let Some(f) = figure(p.provider_id, &period.code, g.group_id) {
                    participants += f.participants as i64;
                    capacity += f.capacity as i64;
                    reported = true;
                }
            }
            total_values.push(
                reported
                    .then(|| shown_occupancy(participants, capacity))
                    .flatten()
                    .map(|bp| bp as f64 / 100.0),
            );
            total_cells.push(cell(participants, capacity, reported));
        }
        series.push((format!("Totaal {}", p.name), total_values));
        rows.push(TableRow {
            name: format!("Totaal {}", p.name),
            cells: total_cells,
        });
        for g in &own {
            let mut values = Vec::new();
            let mut cells = Vec::new();
            for period in &periods {
                let f = figure(p.provider_id, &period.code, g.group_id);
                let (participants, capacity) = f
                    .map(|f| (f.participants as i64, f.capacity as i64))
                    .unwrap_or((0, 0));
                values.push(
                    f.and_then(|_| shown_occupancy(participants, capacity))
                        .map(|bp| bp as f64 / 100.0),
                );
                cells.push(cell(participants, capacity, f.is_some()));
            }
            series.push((g.name.clone(), values));
            rows.push(TableRow {
                name: g.name.clone(),
                cells,
            });
        }
        let chart = line_chart(
            &format!("bezetting-{n}"),
            &format!("Bezettingsgraad {} per periode", p.name),
            &format!(
                "Lijnen per groep en het totaal van {}, van 0 tot 120 procent; streefwaarde {}%, bijna vol vanaf {}%. De cijfers staan in de tabel onder de grafiek.",
                p.name, agreement.target_occupancy, agreement.near_full
            ),
            &labels,
            &series,
            (120.0, 20.0, "%"),
            &[
                (format!("doel {}%", agreement.target_occupancy), agreement.target_occupancy as f64),
                (format!("bijna vol {}%", agreement.near_full), agreement.near_full as f64),
            ],
            true,
        );
        blocks.push(PartnerBlock {
            name: p.name.clone(),
            target: agreement.target_occupancy,
            near_full: agreement.near_full,
            chart,
            rows,
        });
    }

    // Inflow and outflow over all partners, per period.
    let sums: Vec<[i64; 10]> = periods
        .iter()
        .map(|period| {
            let mut sum = [0i64; 10];
            for f in all_figures.iter().filter(|f| f.period == period.code) {
                for (s, v) in sum.iter_mut().zip(f.values()) {
                    *s += v;
                }
            }
            sum
        })
        .collect();
    // A count below 5 is not drawn either.
    let hide = |v: i64| if v < 5 { 0 } else { v };
    let inflow = stacked_bars(
        "instroom",
        "Instroom per periode: vanuit een maatwerkindicatie en nieuw",
        "Gestapelde staven per periode, alle partners samen: onder de instroom vanuit een maatwerkindicatie, daarboven de nieuwe instroom. Aantallen onder de 5 zijn niet getekend. De cijfers staan in de tabel onder de grafiek.",
        &labels,
        &[
            (
                "Vanuit een maatwerkindicatie".into(),
                sums.iter().map(|s| hide(s[4])).collect(),
            ),
            ("Nieuw".into(), sums.iter().map(|s| hide(s[5])).collect()),
        ],
    );
    let inflow_rows = periods
        .iter()
        .zip(&sums)
        .map(|(period, s)| TableRow {
            name: period.label(),
            cells: vec![
                small(s[4]),
                small(s[5]),
                if s[4] >= 5 && s[5] >= 5 {
                    basis_points(s[4], s[4] + s[5])
                        .map(percent)
                        .unwrap_or_default()
                } else {
                    "—".into()
                },
                small(s[6]),
                small(s[7]),
                small(s[8]),
                small(s[9]),
            ],
        })
        .collect();
    render(&Page {
        layout: Layout::for_user(
            &user,
            format!("Dashboard: {}", scheme.name),
            Some(Section::Schemes),
        )
        .with_notice(notice(&q)),
        back: pilot_href(&user, scheme_id),
        monitoring_href: format!("{}/monitoring", pilot_href(&user, scheme_id)),
        scheme_name: scheme.name,
        periods: periods.iter().map(|p| p.label()).collect(),
        near_full_signals,
        staffing_signals,
        late_signals,
        partners: blocks,
        inflow,
        inflow_rows,
    })
}
