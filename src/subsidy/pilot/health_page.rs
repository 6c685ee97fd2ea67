//! Positieve Gezondheid over time (§6d), the officials' page: for the pilot as a whole and per
//! partner, for participants and for coordinators, the mean score on each of the six
//! dimensions per reporting period, as an SVG chart ([`crate::subsidy::common::charts`]) with the same numbers
//! in a table. A mean of fewer than 5 respondents shows as "< 5 respondenten" and is not drawn;
//! the pilot's mean counts only the partners' means of 5 or more ([`crate::subsidy::pilot::health`]).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;

use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::AppResult;
use crate::state::AppState;
use crate::subsidy::common::charts::{line_chart, LineChart};
use crate::subsidy::common::nav_page::pilot_href;
use crate::subsidy::common::nav_page::Ids;
use crate::subsidy::common::nav_page::{notice, NoticeQuery};
use crate::subsidy::pilot::dashboard::TableRow;
use crate::subsidy::pilot::figures::Period;
use crate::subsidy::pilot::health::{
    pooled, scores, shown, tenths, Score, DIMENSIONS, RESPONDENTS,
};
use crate::subsidy::pilot::scheme::pilot_scheme;
use crate::subsidy::pilot::store;
use crate::web::layout::{render, Layout};

pub(in crate::subsidy) struct Block {
    pub(in crate::subsidy) caption: String,
    pub(in crate::subsidy) chart: LineChart,
    pub(in crate::subsidy) rows: Vec<TableRow>,
}

pub(in crate::subsidy) struct Entity {
    pub(in crate::subsidy) name: String,
    pub(in crate::subsidy) blocks: Vec<Block>,
}

#[derive(Template)]
#[template(path = "subsidy/pilot/health.html")]
struct Page {
    layout: Layout,
    back: String,
    dashboard_href: String,
    scheme_name: String,
    periods: Vec<String>,
    entities: Vec<Entity>,
}

/// One value per period: the mean in tenths if it may be shown, and the cell's text.
type Cells = Vec<(Option<i64>, String)>;

fn block(id: &str, caption: String, labels: &[String], per_dimension: Vec<Cells>) -> Block {
    let series: Vec<(String, Vec<Option<f64>>)> = DIMENSIONS
        .iter()
        .zip(&per_dimension)
        .map(|((_, label), cells)| {
            (
                label.to_string(),
                cells
                    .iter()
                    .map(|(m, _)| m.map(|t| t as f64 / 10.0))
                    .collect(),
            )
        })
        .collect();
    let chart = line_chart(
        id,
        &caption,
        &format!(
            "Zes lijnen, één per dimensie van Positieve Gezondheid, met de gemiddelde score van 0 tot 10 per periode. Gemiddelden van minder dan 5 respondenten zijn niet getekend. De cijfers staan in de tabel onder de grafiek: {caption}."
        ),
        labels,
        &series,
        (10.0, 2.0, ""),
        &[],
        false,
    );
    Block {
        rows: DIMENSIONS
            .iter()
            .zip(per_dimension)
            .map(|((_, label), cells)| TableRow {
                name: label.to_string(),
                cells: cells.into_iter().map(|(_, text)| text).collect(),
            })
            .collect(),
        caption,
        chart,
    }
}

/// GET /{tenant}/regelingen/{regeling}/pilot/gezondheid
pub async fn health_show(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let scheme_id = ids.get("regeling");
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let scheme = pilot_scheme(&mut tx, scheme_id).await?;
    let partners = store::partners(&mut tx, scheme_id).await?;
    let all: Vec<Score> = scores(&mut tx, scheme_id, None).await?;
    tx.commit().await?;

    let mut periods: Vec<Period> = Vec::new();
    for s in &all {
        if !periods.iter().any(|p| p.code == s.period) {
            periods.extend(Period::parse(&s.period));
        }
    }
    periods.sort_by_key(|p| (p.start, p.end));
    let labels: Vec<String> = periods.iter().map(|p| p.code.clone()).collect();
    let find = |provider, period: &str, respondent: &str, dimension: &str| {
        all.iter().find(|s| {
            s.provider_id == provider
                && s.period == period
                && s.respondent == respondent
                && s.dimension == dimension
        })
    };

    let mut entities = Vec::new();
    let mut pilot_blocks = Vec::new();
    for (respondent, who) in RESPONDENTS {
        let per_dimension = DIMENSIONS
            .iter()
            .map(|(dimension, _)| {
                periods
                    .iter()
                    .map(|period| {
                        let values: Vec<(Option<i32>, i32)> = partners
                            .iter()
                            .filter_map(|p| {
                                find(p.provider_id, &period.code, respondent, dimension)
                            })
                            .map(|s| (s.mean_tenths, s.respondents))
                            .collect();
                        match pooled(&values) {
                            Some((m, n)) => (Some(m), format!("{} (n={n})", tenths(m))),
                            None if values.is_empty() => (None, "—".into()),
                            None => (None, "< 5 respondenten".into()),
                        }
                    })
                    .collect()
            })
            .collect();
        pilot_blocks.push(block(
            &format!("pg-pilot-{respondent}"),
            format!("{who}: alle partners samen"),
            &labels,
            per_dimension,
        ));
    }
    entities.push(Entity {
        name: "De pilot als geheel".into(),
        blocks: pilot_blocks,
    });
    for (n, p) in partners.iter().enumerate() {
        if !all.iter().any(|s| s.provider_id == p.provider_id) {
            continue;
        }
        let blocks = RESPONDENTS
            .iter()
            .map(|(respondent, who)| {
                let per_dimension = DIMENSIONS
                    .iter()
                    .map(|(dimension, _)| {
                        periods
                            .iter()
                            .map(|period| {
                                match find(p.provider_id, &period.code, respondent, dimension) {
                                    None => (None, "—".into()),
                                    Some(s) => (
                                        s.mean_tenths.filter(|_| s.respondents >= 5).map(i64::from),
                                        shown(s.mean_tenths, s.respondents),
                                    ),
                                }
                            })
                            .collect()
                    })
                    .collect();
                block(
                    &format!("pg-{n}-{respondent}"),
                    format!("{who}: {}", p.name),
                    &labels,
                    per_dimension,
                )
            })
            .collect();
        entities.push(Entity {
            name: p.name.clone(),
            blocks,
        });
    }
    render(&Page {
        layout: Layout::for_user(
            &user,
            format!("Positieve Gezondheid: {}", scheme.name),
            Some(Section::Schemes),
        )
        .with_notice(notice(&q)),
        back: pilot_href(&user, scheme_id),
        dashboard_href: format!("{}/dashboard", pilot_href(&user, scheme_id)),
        scheme_name: scheme.name,
        periods: periods.iter().map(|p| p.label()).collect(),
        entities,
    })
}
