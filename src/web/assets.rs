//! Static files, compiled into the binary so it runs from anywhere.

use axum::extract::Path;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

const FILES: &[(&str, &str, &str)] = &[
    (
        "css/tokens.css",
        "text/css; charset=utf-8",
        include_str!("../../static/css/tokens.css"),
    ),
    (
        "css/app.css",
        "text/css; charset=utf-8",
        include_str!("../../static/css/app.css"),
    ),
    (
        "css/print.css",
        "text/css; charset=utf-8",
        include_str!("../../static/css/print.css"),
    ),
    (
        "css/lookup.css",
        "text/css; charset=utf-8",
        include_str!("../../static/css/lookup.css"),
    ),
    (
        "css/handout.css",
        "text/css; charset=utf-8",
        include_str!("../../static/css/handout.css"),
    ),
    (
        "css/letter.css",
        "text/css; charset=utf-8",
        include_str!("../../static/css/letter.css"),
    ),
    (
        "js/app.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/js/app.js"),
    ),
    (
        "js/map.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/js/map.js"),
    ),
    (
        "vendor/leaflet/leaflet.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/vendor/leaflet/leaflet.js"),
    ),
    (
        "vendor/leaflet/leaflet.css",
        "text/css; charset=utf-8",
        include_str!("../../static/vendor/leaflet/leaflet.css"),
    ),
];

/// GET /kaartinstellingen.js: the map's tile URL and attribution as this server is set up
/// (`MAP_TILES_URL`), for `js/map.js`.
pub async fn map_settings(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
) -> Response {
    let map = &state.settings.map;
    let body = format!(
        "window.VR_MAP = {};\n",
        serde_json::json!({ "tiles": map.tiles_url, "attribution": map.attribution })
    );
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    response
}

/// GET /static/{*path}
pub async fn asset(Path(path): Path<String>) -> Response {
    match FILES.iter().find(|(name, _, _)| *name == path) {
        Some((_, content_type, body)) => {
            let mut response = (*body).into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            headers.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            );
            response
        }
        None => AppError::NotFound.into_response(),
    }
}
