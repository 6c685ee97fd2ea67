//! The regional checklist (DOMAIN.md §4): the inventory per levensgebied and facility type,
//! the coverage matrix, the bouwstenen per wijk and supply against demand.

use axum::Router;

use crate::state::AppState;

/// `/{tenant}/checklist/...`
pub fn router() -> Router<AppState> {
    Router::new()
}
