//! The public sociale kaart: /{tenant}/kaart for residents, no login, only for tenants that
//! publish their register. Everything shown comes from the search index and [`Sheet`], so no
//! internal field can reach these pages.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::{Html, IntoResponse, Response};
use uuid::Uuid;

use super::handout_page;
use super::params::SearchParams;
use super::search;
use super::sheet::Sheet;
use std::sync::Arc;

use super::index::TenantIndex;

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::layout::{render, Layout};

pub use crate::tenancy::published::Published;

/// The published tenant `slug` (or not found), its projection and the analysis of `q`.
async fn open(
    state: &AppState,
    slug: &str,
    q: &str,
) -> AppResult<(Published, Arc<TenantIndex>, Option<super::words::Query>)> {
    super::published(state, slug, q)
        .await?
        .ok_or(AppError::NotFound)
}

/// How the kaart's pages link and look.
pub trait KaartPages {
    fn href(&self, path: &str) -> String;
    fn layout(&self, title: impl Into<String>) -> Layout;
}

impl KaartPages for Published {
    fn href(&self, path: &str) -> String {
        format!("/{}/kaart{path}", self.slug)
    }

    fn layout(&self, title: impl Into<String>) -> Layout {
        let mut layout = Layout::anonymous(title, String::new());
        layout.tenant_name = Some(format!("Sociale kaart {}", self.name));
        layout.home_href = self.href("");
        layout
    }
}

/// GET /{tenant}/kaart
pub async fn search_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let params = SearchParams::parse(raw.as_deref());
    let (tenant, index, query) = open(&state, &slug, &params.q).await?;
    let ranks = query.map(|q| q.ranks(&index.text));
    let outcome = search::run(&index, params, ranks);
    let layout = tenant.layout("Zoek hulp en activiteiten");
    super::results::page(
        layout,
        true,
        tenant.href(""),
        &tenant.href(""),
        &index,
        outcome,
    )
}

#[derive(Template)]
#[template(path = "lookup/public_facility.html")]
struct FacilityPage {
    layout: Layout,
    sheet: Arc<Sheet>,
    back: String,
    handout: String,
    compact: bool,
}

/// A listed facility of a published tenant, from its projection (a sheet is read once per
/// change of the register).
async fn published_sheet(
    state: &AppState,
    slug: &str,
    id: &str,
) -> AppResult<(Published, Arc<Sheet>)> {
    let id = Uuid::parse_str(id).map_err(|_| AppError::NotFound)?;
    let (tenant, index, _) = open(state, slug, "").await?;
    let sheet = index
        .sheet(&state.db, tenant.tenant_id, id)
        .await?
        .filter(|s| !s.archived)
        .ok_or(AppError::NotFound)?;
    Ok((tenant, sheet))
}

/// GET /{tenant}/kaart/{id}
pub async fn facility_page(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let (tenant, sheet) = published_sheet(&state, &slug, &id).await?;
    render(&FacilityPage {
        layout: tenant.layout(sheet.name.clone()),
        back: tenant.href(""),
        handout: tenant.href(&format!("/{}/folder", sheet.id)),
        compact: false,
        sheet,
    })
}

/// GET /{tenant}/kaart/{id}/folder
pub async fn handout(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let (tenant, sheet) = published_sheet(&state, &slug, &id).await?;
    let back = tenant.href(&format!("/{}", sheet.id));
    Ok(Html(handout_page(&sheet, tenant.name, back)?).into_response())
}
