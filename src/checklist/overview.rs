//! The "Regionaal overzicht": one printable document per tenant with the checklist summary,
//! the coverage matrix, the gaps, the bouwstenen and supply against demand, for the
//! regional plan. The print stylesheet gives each part its own A4 pages, repeats table
//! headers and never splits a row.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::bouwstenen::{self, by_gemeente, GemeenteRows};
use super::coverage::{self, Matrix};
use super::demand::{self, DemandView, Shown};
use super::nav::{subnav, Tab};
use super::status::Status;
use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::AppResult;
use crate::register::lists::NamedCode;
use crate::state::AppState;
use crate::web::layout::{render, Layout, NavItem};

/// One line of the checklist summary: a gemeente, or the regio as a whole.
pub struct Progress {
    pub name: String,
    pub assessed: usize,
    /// Aanwezig, niet aanwezig, onbekend, n.v.t.
    pub counts: [usize; 4],
}

const ORDER: [Status; 4] = [
    Status::Aanwezig,
    Status::NietAanwezig,
    Status::Onbekend,
    Status::NietVanToepassing,
];

fn progress(name: String, statuses: Vec<Status>) -> Progress {
    Progress {
        name,
        assessed: statuses.iter().filter(|s| s.assessed()).count(),
        counts: ORDER.map(|o| statuses.iter().filter(|s| **s == o).count()),
    }
}

/// Per gemeente and (for a regio) the regio as a whole.
pub fn summary(matrix: &Matrix) -> Vec<Progress> {
    let mut out: Vec<Progress> = matrix
        .gemeenten
        .iter()
        .enumerate()
        .map(|(i, g)| {
            progress(
                g.name.clone(),
                matrix.rows().map(|r| r.cells[i].status).collect(),
            )
        })
        .collect();
    if matrix.gemeenten.len() > 1 {
        out.push(progress(
            "Regio als geheel".into(),
            matrix.rows().map(|r| r.region.status).collect(),
        ));
    }
    out
}

#[derive(Template)]
#[template(path = "checklist/overview.html")]
struct OverviewPage {
    layout: Layout,
    subnav: Vec<NavItem>,
    base: String,
    tenant: String,
    made_on: String,
    summary: Vec<Progress>,
    matrix: Matrix,
    regio: bool,
    bouwstenen: Vec<NamedCode>,
    gemeenten: Vec<GemeenteRows>,
    view: DemandView,
}

/// GET /{tenant}/checklist/overzicht
pub async fn overview_show(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let matrix = coverage::load(&mut tx).await?;
    let (bouwstenen, rows) = bouwstenen::load(&mut tx).await?;
    let view = demand::load(&mut tx, None, &Shown::default()).await?;
    tx.commit().await?;
    let regio = matrix.gemeenten.len() > 1;
    let gemeenten = by_gemeente(rows, |r| &r.wijk)
        .into_iter()
        .map(|(code, name, rows)| GemeenteRows { code, name, rows })
        .collect();
    render(&OverviewPage {
        layout: Layout::for_user(&user, "Regionaal overzicht", Some(Section::Checklist)).wide(),
        subnav: subnav(&user, Tab::Overview),
        base: user.section_href(Section::Checklist),
        tenant: user.tenant_name.clone(),
        made_on: crate::web::time_fmt::date(crate::web::time_fmt::today()),
        summary: summary(&matrix),
        matrix,
        regio,
        bouwstenen,
        gemeenten,
        view,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_counts_each_status() {
        use Status::*;
        let p = progress(
            "X".into(),
            vec![
                Aanwezig,
                Onbekend,
                NietVanToepassing,
                Aanwezig,
                NietAanwezig,
            ],
        );
        assert_eq!((p.assessed, p.counts), (4, [2, 1, 1, 1]));
    }
}
