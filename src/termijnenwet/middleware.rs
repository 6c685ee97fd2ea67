//! The request side of [`super::scope`]: every page runs with the process's calendar in force.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::AppState;

/// Middleware: the rest of the request runs with the process's calendar in force.
pub async fn within(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let calendar = state.calendars.get(state.db.pool()).await;
    super::scope::with(calendar, next.run(request)).await
}
