//! Open data: the register of every published tenant as an HSDS 3.0 (Open Referral) API,
//! read-only and without login, under `/api/hsds/{tenant}/`.
//!
//! A facility is an HSDS service, its provider an organization, its address a location; the
//! levensgebieden, facility types, functions and bouwstenen are taxonomies, and what HSDS has
//! no field for (capacity per dagdeel, who decides on access, welcome and use by the regional
//! plan's target group) travels as attributes. Only what a resident may see leaves the
//! database: no archived facilities or providers, no contact persons, no verifiers, no
//! checklist, no referral counts. `openapi.json` beside this file describes the API.

pub mod api;
mod ids;
pub mod model;
mod organization_detail;
pub(crate) mod organizations;
mod params;
mod service_detail;
pub(crate) mod services;
mod taxonomies;
mod tenant;
mod values;
pub(crate) mod vocabulary;

pub use crate::tenancy::published::Published;
pub use vocabulary::Vocabulary;

use std::sync::OnceLock;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::middleware::from_fn;
use axum::routing::{any, get};
use axum::{Json, Router};
use serde_json::Value;

use self::api::ApiResult;
use self::tenant::published_tx;
use crate::state::AppState;

/// HSDS has no Dutch profile; we follow the base specification.
const PROFILE: &str = "https://docs.openreferral.org/en/3.0/hsds/";
const OPENAPI: &str = include_str!("openapi.json");

/// The API's routes, outside sessions and CSRF (nothing here changes state).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/hsds/{tenant}", get(root))
        .route("/api/hsds/{tenant}/", get(root))
        .route("/api/hsds/{tenant}/openapi.json", get(openapi))
        .route("/api/hsds/{tenant}/services", get(services::list))
        .route(
            "/api/hsds/{tenant}/services/{id}",
            get(service_detail::show),
        )
        .route("/api/hsds/{tenant}/organizations", get(organizations::list))
        .route(
            "/api/hsds/{tenant}/organizations/{id}",
            get(organization_detail::show),
        )
        .route("/api/hsds/{tenant}/taxonomies", get(taxonomies::taxonomies))
        .route(
            "/api/hsds/{tenant}/taxonomies/{id}",
            get(taxonomies::taxonomy),
        )
        .route("/api/hsds/{tenant}/taxonomy_terms", get(taxonomies::terms))
        .route(
            "/api/hsds/{tenant}/taxonomy_terms/{id}",
            get(taxonomies::term),
        )
        .route("/api/hsds", any(api::not_found))
        .route("/api/hsds/", any(api::not_found))
        .route("/api/hsds/{tenant}/{*rest}", any(api::not_found))
        .layer(from_fn(api::edges))
}

/// Where this server is reached: the configured public URL, else the request's own host.
fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.settings.public_url {
        return url.trim_end_matches('/').to_string();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    let scheme = if state.settings.https {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

/// GET /api/hsds/{tenant}/: the HSDS version and where the API is described.
async fn root(
    State(state): State<AppState>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<model::Root>> {
    let (published, _tx) = published_tx(&state, &tenant).await?;
    Ok(Json(model::Root {
        version: "3.0",
        profile: PROFILE,
        openapi_url: format!(
            "{}/api/hsds/{}/openapi.json",
            base_url(&state, &headers),
            published.slug
        ),
    }))
}

/// GET /api/hsds/{tenant}/openapi.json: our OpenAPI document, with this tenant's server.
async fn openapi(
    State(state): State<AppState>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<Value>> {
    let (published, _tx) = published_tx(&state, &tenant).await?;
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    let mut document = DOCUMENT
        .get_or_init(|| serde_json::from_str(OPENAPI).expect("src/hsds/openapi.json is valid JSON"))
        .clone();
    document["servers"] = serde_json::json!([{
        "url": format!("{}/api/hsds/{}", base_url(&state, &headers), published.slug),
        "description": published.name,
    }]);
    if let Some(title) = document["info"]["title"].as_str() {
        document["info"]["title"] = Value::String(format!("{title}: {}", published.name));
    }
    Ok(Json(document))
}
