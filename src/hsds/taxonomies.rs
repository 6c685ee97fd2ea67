//! The taxonomy routes of the HSDS API: `/api/hsds/{tenant}/taxonomies` and
//! `/api/hsds/{tenant}/taxonomy_terms`, each as a list and one by id, read from the
//! tenant's [`Vocabulary`].

use axum::extract::{Path, RawQuery, State};
use axum::Json;
use uuid::Uuid;

use super::api::{ApiError, ApiResult};
use super::model::{Taxonomy, TaxonomyTerm};
use super::params::{Page, Params};
use super::tenant::published_tx;
use super::vocabulary::{Kind, Vocabulary};
use crate::state::AppState;

/// GET /api/hsds/{tenant}/taxonomies
pub async fn taxonomies(
    State(state): State<AppState>,
    Path(tenant): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Page<Taxonomy>>> {
    let paging = Params::parse(q.as_deref()).paging()?;
    let (published, _tx) = published_tx(&state, &tenant).await?;
    let vocabulary = Vocabulary::new(published.tenant_id, Vec::new());
    let all: Vec<Taxonomy> = Kind::ALL
        .into_iter()
        .map(|k| vocabulary.taxonomy(k))
        .collect();
    let (total, items) = paging.slice(all);
    Ok(Json(Page::new(items, total, paging)))
}

/// GET /api/hsds/{tenant}/taxonomies/{id}
pub async fn taxonomy(
    State(state): State<AppState>,
    Path((tenant, id)): Path<(String, String)>,
) -> ApiResult<Json<Taxonomy>> {
    let (published, _tx) = published_tx(&state, &tenant).await?;
    let vocabulary = Vocabulary::new(published.tenant_id, Vec::new());
    let kind = Uuid::try_parse(&id)
        .ok()
        .and_then(|id| vocabulary.kind_of_taxonomy(id))
        .ok_or(ApiError::NotFound)?;
    Ok(Json(vocabulary.taxonomy(kind)))
}

/// GET /api/hsds/{tenant}/taxonomy_terms: filters `taxonomy_id`, `parent_id`, `top_only`, `search`.
pub async fn terms(
    State(state): State<AppState>,
    Path(tenant): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Page<TaxonomyTerm>>> {
    let params = Params::parse(q.as_deref());
    let paging = params.paging()?;
    let taxonomy_id = params.uuid("taxonomy_id")?;
    let parent_id = params.uuid("parent_id")?;
    let top_only = matches!(params.get("top_only"), Some("true" | "1"));
    let search = params.search().map(|s| s.to_lowercase());
    let (_, mut tx) = published_tx(&state, &tenant).await?;
    let vocabulary = Vocabulary::load(&mut tx).await?;
    let all: Vec<TaxonomyTerm> = vocabulary
        .terms()
        .iter()
        .map(|t| vocabulary.term_json(t, false))
        .filter(|t| taxonomy_id.is_none_or(|id| t.taxonomy_id == id))
        .filter(|t| parent_id.is_none_or(|id| t.parent_id == Some(id)))
        .filter(|t| !top_only || t.parent_id.is_none())
        .filter(|t| {
            search.as_ref().is_none_or(|s| {
                t.name.to_lowercase().contains(s.as_str()) || t.code.contains(s.as_str())
            })
        })
        .collect();
    let (total, items) = paging.slice(all);
    Ok(Json(Page::new(items, total, paging)))
}

/// GET /api/hsds/{tenant}/taxonomy_terms/{id}
pub async fn term(
    State(state): State<AppState>,
    Path((tenant, id)): Path<(String, String)>,
) -> ApiResult<Json<TaxonomyTerm>> {
    let id = Uuid::try_parse(&id).map_err(|_| ApiError::NotFound)?;
    let (_, mut tx) = published_tx(&state, &tenant).await?;
    let vocabulary = Vocabulary::load(&mut tx).await?;
    let term = vocabulary.by_id(id).ok_or(ApiError::NotFound)?;
    Ok(Json(vocabulary.term_json(term, true)))
}
