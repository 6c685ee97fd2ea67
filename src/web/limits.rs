//! Time limits on requests: a request that is not answered within the limit (a slow or stalled
//! client, a stuck query) gets a Dutch 408 page and its work is dropped (an open transaction
//! rolls back). A signed-in user's upload gets longer: a 20 MB file over a slow line.

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::cookies;
use crate::error::AppError;
use crate::state::AppState;

pub async fn time_limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let upload = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    // Whether the session is valid is known only later; without a session cookie at all an
    // upload is refused before its body is read, so the short limit is the right one there.
    let session = cookies::get(
        req.headers(),
        &cookies::name(&state.settings, cookies::SESSION),
    )
    .is_some();
    let limit = if upload && session {
        state.settings.upload_timeout
    } else {
        state.settings.request_timeout
    };
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(seconds = limit.as_secs(), "request took too long, dropped");
            AppError::Timeout.into_response()
        }
    }
}
