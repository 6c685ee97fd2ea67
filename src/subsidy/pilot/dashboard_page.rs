//! The dashboard of a pilot (§6b): occupancy per group and partner over time against the agreed
//! target, groups near full ("overweeg een nieuwe groep of langere openingstijden"), staffing
//! below the agreed minimum, late reports, and the inflow mix over time. Charts are SVG drawn by
//! the server ([`crate::subsidy::common::charts`]) with the same numbers in a table; counts of people below 5
//! are shown as "< 5", and an occupancy of fewer than 5 participants is not shown.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;

use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::AppResult;
use crate::state::AppState;
use crate::subsidy::common::charts::BarChart;
use crate::subsidy::common::nav_page::pilot_href;
use crate::subsidy::common::nav_page::Ids;
use crate::subsidy::common::nav_page::{notice, NoticeQuery};
use crate::subsidy::pilot::dashboard::{self, PartnerBlock, TableRow};
use crate::subsidy::pilot::scheme::pilot_scheme;
use crate::web::layout::{render, Layout};

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
    let data = dashboard::load(&mut tx, scheme_id).await?;
    tx.commit().await?;
    let d = dashboard::build(&data);
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
        periods: d.periods.iter().map(|p| p.label()).collect(),
        near_full_signals: d.signals.near_full,
        staffing_signals: d.signals.staffing,
        late_signals: d.signals.late,
        partners: d.partners,
        inflow: d.inflow,
        inflow_rows: d.inflow_rows,
    })
}
