//! The coverage page: a compact matrix, one folded table per levensgebied with its counts,
//! the regio column first, a sticky header row and type column, cells coloured by status
//! with the status in text too, and the filters "alleen ontbrekend" / "alleen innovaties".

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::coverage::{load, Matrix, RowFilter};
use super::inventory_page::query_string;
use super::nav::{subnav, Tab};
use super::status::Status;
use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::layout::{render, Layout, NavItem};

/// `?ontbrekend=1&innovatief=1&open=wonen`
#[derive(Debug, Default, Deserialize)]
pub struct CoverageQuery {
    #[serde(default)]
    ontbrekend: Option<String>,
    #[serde(default)]
    innovatief: Option<String>,
    #[serde(default)]
    open: Option<String>,
}

#[derive(Template)]
#[template(path = "checklist/coverage.html")]
struct CoveragePage {
    layout: Layout,
    subnav: Vec<NavItem>,
    base: String,
    matrix: Matrix,
    regio: bool,
    filter: RowFilter,
    /// The levensgebied asked to be open (`alle`: every one).
    open: String,
    all_open_href: String,
    legend: Vec<Status>,
}

impl CoveragePage {
    fn is_open(&self, code: &str) -> bool {
        self.filter.active() || self.open == "alle" || self.open == code
    }
}

/// GET /{tenant}/checklist/dekking
pub async fn coverage_show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<CoverageQuery>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let matrix = load(&mut tx).await?;
    tx.commit().await?;
    let regio = matrix.gemeenten.len() > 1;
    let on = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.trim().is_empty());
    let filter = RowFilter {
        only_gaps: on(&query.ontbrekend),
        only_innovations: on(&query.innovatief),
    };
    let base = user.section_href(Section::Checklist);
    let flags = [
        ("ontbrekend", if filter.only_gaps { "1" } else { "" }),
        ("innovatief", if filter.only_innovations { "1" } else { "" }),
    ];
    let href = |open: &str| {
        let mut pairs = flags.to_vec();
        pairs.push(("open", open));
        format!("{base}/dekking{}", query_string(&pairs))
    };
    render(&CoveragePage {
        layout: Layout::for_user(&user, "Dekking", Some(Section::Checklist)).wide(),
        subnav: subnav(&user, Tab::Coverage),
        all_open_href: href("alle"),
        base,
        matrix,
        regio,
        filter,
        open: query.open.unwrap_or_default(),
        legend: vec![
            Status::Aanwezig,
            Status::NietAanwezig,
            Status::Onbekend,
            Status::NietVanToepassing,
        ],
    })
}
