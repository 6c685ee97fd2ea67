//! The wijkteam's side: the search page and the handout of a facility.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::response::{Html, IntoResponse, Response};
use uuid::Uuid;

use super::handout::handout_page;
use super::public_facts::PublicFacts;
use crate::auth::current_user::CurrentUser;
use crate::auth::ownership::Access;
use crate::auth::roles::Section;
use crate::error::{AppError, AppResult};
use crate::search;
use crate::search::index::TenantIndex;
use crate::search::params::SearchParams;
use crate::search::query::Ranks;
use crate::search::TenantAndQuery;
use crate::state::AppState;
use crate::web::layout::Layout;
use crate::web::PathId;

/// The tenant's projection at the generation of `tenant` and, when the query has words,
/// their match.
pub async fn projection_and_ranks(
    state: &AppState,
    tenant_id: Uuid,
    tenant: &TenantAndQuery,
) -> AppResult<(Arc<TenantIndex>, Option<Ranks>)> {
    let (_, index) = state
        .cache
        .projection(&state.db, tenant_id, tenant.generation)
        .await?;
    let ranks = tenant.query.as_ref().map(|q| q.ranks(&index.text));
    Ok((index, ranks))
}

/// GET /{tenant}/zoeken
pub async fn search_page(
    State(state): State<AppState>,
    user: CurrentUser,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let params = SearchParams::parse(raw.as_deref());
    let tenant =
        search::signed_in_tenant_and_query(&state.db, &state.analyses, &user, &params.q).await?;
    let (index, ranks) = projection_and_ranks(&state, user.tenant_id, &tenant).await?;
    // The walk-in places are internal: read for this search only, and only when asked for.
    let walk_in = if params.walk_in {
        let mut tx = state.db.tenant_tx(user.tenant_id).await?;
        let slots = search::walk_in::slots(&mut tx, &index).await?;
        tx.commit().await?;
        Some(slots)
    } else {
        None
    };
    let cx = search::Context {
        today: crate::web::time_fmt::today(),
        walk_in: walk_in.as_deref(),
    };
    let outcome = search::run_in(&index, params, ranks, cx);
    let layout = Layout::for_user(&user, "Voorzieningen zoeken", Some(Section::Lookup));
    super::results::page(
        layout,
        false,
        user.href(Section::Lookup.path()),
        &user.href(Section::Facilities.path()),
        &index,
        outcome,
    )
}

/// GET /{tenant}/voorzieningen/{id}/folder: the handout for the resident.
pub async fn handout(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let facts = PublicFacts::load(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    // An aanbieder prints only its own organisation's handouts.
    user.check_provider(facts.provider_id, Access::Read)?;
    let back = format!("{}/{id}", user.href(Section::Facilities.path()));
    Ok(Html(handout_page(&facts, user.tenant_name.clone(), back)?).into_response())
}
