//! The public sociale kaart: /{tenant}/kaart for residents, no login, only for tenants that
//! publish their register. Everything shown comes from the search index and [`PublicFacts`], so no
//! internal field can reach these pages.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::{Html, IntoResponse, Response};
use uuid::Uuid;

use super::handout::handout_page;
use super::public_facts::PublicFacts;
use crate::search;
use crate::search::params::SearchParams;
use std::sync::Arc;

use crate::cache::FacilitySlot;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::tenancy::published::PublishedProjection;
use crate::web::layout::{render, Layout};

pub use crate::tenancy::published::Published;

/// The published tenant `slug` (or not found), its projection and the analysis of `q`.
async fn published_or_404(state: &AppState, slug: &str, q: &str) -> AppResult<PublishedProjection> {
    crate::tenancy::published::published_projection(
        &state.slugs,
        &state.db,
        &state.cache,
        &state.analyses,
        slug,
        q,
    )
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
    let PublishedProjection {
        tenant,
        index,
        query,
        ..
    } = published_or_404(&state, &slug, &params.q).await?;
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
    facts: Arc<PublicFacts>,
    back: String,
    handout: String,
    compact: bool,
}

/// A listed facility of a published tenant, from its projection (its facts are read once per
/// change of the register).
async fn published_facts(
    state: &AppState,
    slug: &str,
    id: &str,
) -> AppResult<(Published, Arc<PublicFacts>)> {
    let id = Uuid::parse_str(id).map_err(|_| AppError::NotFound)?;
    let PublishedProjection {
        tenant,
        cache,
        index,
        ..
    } = published_or_404(state, slug, "").await?;
    if index.entry(id).is_none() {
        return Err(AppError::NotFound);
    }
    let facts = match cache.facility(FacilitySlot::PUBLIC_FACTS, id) {
        Some(facts) => facts,
        None => {
            let mut tx = state.db.tenant_tx(tenant.tenant_id).await?;
            let facts = PublicFacts::load(&mut tx, id)
                .await?
                .ok_or(AppError::NotFound)?;
            tx.commit().await?;
            cache.keep_facility(FacilitySlot::PUBLIC_FACTS, id, facts)
        }
    };
    if facts.archived {
        return Err(AppError::NotFound);
    }
    Ok((tenant, facts))
}

/// GET /{tenant}/kaart/{id}
pub async fn facility_page(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let (tenant, facts) = published_facts(&state, &slug, &id).await?;
    render(&FacilityPage {
        layout: tenant.layout(facts.name.clone()),
        back: tenant.href(""),
        handout: tenant.href(&format!("/{}/folder", facts.id)),
        compact: false,
        facts,
    })
}

/// GET /{tenant}/kaart/{id}/folder
pub async fn handout(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let (tenant, facts) = published_facts(&state, &slug, &id).await?;
    let back = tenant.href(&format!("/{}", facts.id));
    Ok(Html(handout_page(&facts, tenant.name, back)?).into_response())
}
