//! What the dashboard of a pilot shows, computed from the pilot's partners, agreements,
//! reports and figures: occupancy per partner and group over the periods, the signals (near
//! full, understaffed, late), and the inflow over all partners. Counts of people below 5 are
//! shown as "< 5", and an occupancy of fewer than 5 participants is not shown.

use std::collections::BTreeMap;
use uuid::Uuid;

use crate::db::TenantTx;
use crate::error::AppResult;
use crate::subsidy::common::charts::{line_chart, stacked_bars, BarChart, LineChart};
use crate::subsidy::pilot::agreement::{self, Agreement, Group};
use crate::subsidy::pilot::allocation::{basis_points, percent};
use crate::subsidy::pilot::figures::{near_full, occupancy_bp, small, understaffed, Period};
use crate::subsidy::pilot::monitoring::{
    due_periods, figures, reports, status, GroupFigures, Report,
};
use crate::subsidy::pilot::store::{self, Partner};

pub(in crate::subsidy) struct TableRow {
    pub(in crate::subsidy) name: String,
    pub(in crate::subsidy) cells: Vec<String>,
}

pub(in crate::subsidy) struct PartnerBlock {
    pub(in crate::subsidy) name: String,
    pub(in crate::subsidy) target: i32,
    pub(in crate::subsidy) near_full: i32,
    pub(in crate::subsidy) chart: LineChart,
    pub(in crate::subsidy) rows: Vec<TableRow>,
}

/// The signals for the officials, one line each.
#[derive(Default)]
pub(in crate::subsidy) struct Signals {
    pub(in crate::subsidy) near_full: Vec<String>,
    pub(in crate::subsidy) staffing: Vec<String>,
    pub(in crate::subsidy) late: Vec<String>,
}

/// The dashboard's content.
pub(in crate::subsidy) struct Dashboard {
    pub(in crate::subsidy) periods: Vec<Period>,
    pub(in crate::subsidy) signals: Signals,
    pub(in crate::subsidy) partners: Vec<PartnerBlock>,
    pub(in crate::subsidy) inflow: BarChart,
    pub(in crate::subsidy) inflow_rows: Vec<TableRow>,
}

/// What the dashboard is made from.
pub(in crate::subsidy) struct Data {
    partners: Vec<Partner>,
    agreements: BTreeMap<Uuid, Agreement>,
    owed: BTreeMap<Uuid, Vec<Period>>,
    groups: Vec<Group>,
    all_reports: Vec<Report>,
    all_figures: Vec<GroupFigures>,
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

/// Reads what the dashboard of pilot `scheme_id` is made from.
pub(in crate::subsidy) async fn load(tx: &mut TenantTx, scheme_id: Uuid) -> AppResult<Data> {
    let partners = store::partners(tx, scheme_id).await?;
    let mut agreements: BTreeMap<Uuid, Agreement> = BTreeMap::new();
    let mut owed: BTreeMap<Uuid, Vec<Period>> = BTreeMap::new();
    for p in &partners {
        if let Some(a) = agreement::agreement(tx, scheme_id, p.provider_id).await? {
            agreements.insert(p.provider_id, a);
        }
        owed.insert(
            p.provider_id,
            due_periods(tx, scheme_id, p.provider_id)
                .await?
                .unwrap_or_default(),
        );
    }
    let groups = agreement::groups(tx, scheme_id, None).await?;
    let all_reports = reports(tx, scheme_id, None).await?;
    let all_figures = figures(tx, scheme_id, None).await?;
    Ok(Data {
        partners,
        agreements,
        owed,
        groups,
        all_reports,
        all_figures,
    })
}

/// The dashboard of `d`.
pub(in crate::subsidy) fn build(d: &Data) -> Dashboard {
    let owed = &d.owed;
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
    let mut signals = Signals::default();
    let partners = d
        .partners
        .iter()
        .enumerate()
        .filter_map(|(n, p)| partner_block(d, &periods, &labels, n, p, &mut signals))
        .collect();
    let (inflow, inflow_rows) = inflow(d, &periods, &labels);
    Dashboard {
        periods,
        signals,
        partners,
        inflow,
        inflow_rows,
    }
}

fn figure<'a>(d: &'a Data, provider: Uuid, period: &str, group: Uuid) -> Option<&'a GroupFigures> {
    d.all_figures
        .iter()
        .find(|f| f.provider_id == provider && f.period == period && f.group_id == group)
}

/// Partner `p`'s block (none without an agreement), adding its signals to `signals`.
fn partner_block(
    d: &Data,
    periods: &[Period],
    labels: &[String],
    n: usize,
    p: &Partner,
    signals: &mut Signals,
) -> Option<PartnerBlock> {
    let late: Vec<String> = d
        .owed
        .get(&p.provider_id)
        .map(|list| {
            list.iter()
                .filter(|o| {
                    let r = d
                        .all_reports
                        .iter()
                        .find(|r| r.provider_id == p.provider_id && r.period == o.code);
                    status(r, o).1
                })
                .map(|o| o.label())
                .collect()
        })
        .unwrap_or_default();
    if !late.is_empty() {
        signals
            .late
            .push(format!("{}: {}", p.name, late.join(", ")));
    }
    let agreement = d.agreements.get(&p.provider_id)?;
    let own: Vec<_> = d
        .groups
        .iter()
        .filter(|g| g.provider_id == p.provider_id)
        .collect();
    // The signals read the partner's latest report.
    let latest = periods.iter().rev().find(|period| {
        d.all_reports
            .iter()
            .any(|r| r.provider_id == p.provider_id && r.period == period.code)
    });
    if let Some(period) = latest {
        for g in &own {
            let Some(f) = figure(d, p.provider_id, &period.code, g.group_id) else {
                continue;
            };
            let v = f.values();
            if near_full(occupancy_bp(v[1], v[0]), agreement.near_full) {
                let level = shown_occupancy(v[1], v[0])
                    .map(|bp| format!("bezetting {}", percent(bp)))
                    .unwrap_or_else(|| "bijna vol".into());
                signals.near_full.push(format!(
                    "{} – {}: {level} in {} (bijna vol vanaf {}%). Overweeg een nieuwe groep of langere openingstijden.",
                    p.name,
                    g.name,
                    period.label(),
                    agreement.near_full
                ));
            }
            if understaffed(v[2], v[3], g.min_professionals, g.min_volunteers) {
                signals.staffing.push(format!(
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
    for period in periods {
        let (mut participants, mut capacity, mut reported) = (0, 0, false);
        for g in &own {
            if let Some(f) = figure(d, p.provider_id, &period.code, g.group_id) {
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
        for period in periods {
            let f = figure(d, p.provider_id, &period.code, g.group_id);
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
        labels,
        &series,
        (120.0, 20.0, "%"),
        &[
            (format!("doel {}%", agreement.target_occupancy), agreement.target_occupancy as f64),
            (format!("bijna vol {}%", agreement.near_full), agreement.near_full as f64),
        ],
        true,
    );
    Some(PartnerBlock {
        name: p.name.clone(),
        target: agreement.target_occupancy,
        near_full: agreement.near_full,
        chart,
        rows,
    })
}

/// Inflow and outflow over all partners, per period: the chart and its table.
fn inflow(d: &Data, periods: &[Period], labels: &[String]) -> (BarChart, Vec<TableRow>) {
    let sums: Vec<[i64; 10]> = periods
        .iter()
        .map(|period| {
            let mut sum = [0i64; 10];
            for f in d.all_figures.iter().filter(|f| f.period == period.code) {
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
    labels,
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
    (inflow, inflow_rows)
}
