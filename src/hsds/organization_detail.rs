//! One organization with its services: `/api/hsds/{tenant}/organizations/{id}`.

use axum::extract::{Path, State};
use axum::Json;
use uuid::Uuid;

use super::api::{ApiError, ApiResult};
use super::model::Organization;
use super::organizations::{by_ids, full};
use super::services;
use super::tenant::published_tx;
use crate::state::AppState;

/// GET /api/hsds/{tenant}/organizations/{id}: the organization with its services.
pub async fn show(
    State(state): State<AppState>,
    Path((tenant, id)): Path<(String, String)>,
) -> ApiResult<Json<Organization>> {
    let id = Uuid::try_parse(&id).map_err(|_| ApiError::NotFound)?;
    let (_, mut tx) = published_tx(&state, &tenant).await?;
    let provider = by_ids(&mut tx, &[id])
        .await?
        .into_iter()
        .next()
        .ok_or(ApiError::NotFound)?;
    let facilities = services::of_provider(&mut tx, id).await?;
    let mut organization = full(&provider);
    if let Some(detail) = organization.detail.as_mut() {
        detail.services = Some(facilities.iter().map(services::brief).collect());
    }
    Ok(Json(organization))
}
