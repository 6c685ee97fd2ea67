//! Tenants, their areas and their users.

pub mod areas;
pub mod areas_csv;
pub mod areas_store;
pub mod logbook;
pub mod published;
pub mod tenants;
pub mod users;
pub mod users_store;

use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::Router;

use crate::auth::access::require_section;
use crate::auth::roles::Section;
use crate::state::AppState;

/// `/{tenant}/beheer/...`: the beheerder's pages.
pub fn router() -> Router<AppState> {
    let users = Router::new()
        .route(
            "/{tenant}/beheer/gebruikers",
            get(users::user_index).post(users::user_create),
        )
        .route("/{tenant}/beheer/gebruikers/nieuw", get(users::user_new))
        .route(
            "/{tenant}/beheer/gebruikers/{id}",
            get(users::user_edit).post(users::user_update),
        )
        .route(
            "/{tenant}/beheer/gebruikers/{id}/link",
            post(users::user_new_link),
        )
        .route_layer(from_fn_with_state(Section::Users, require_section));
    let areas = Router::new()
        .route(
            "/{tenant}/beheer/gebieden",
            get(areas::area_index).post(areas::area_create),
        )
        .route("/{tenant}/beheer/gebieden/nieuw", get(areas::area_new))
        .route(
            "/{tenant}/beheer/gebieden/export.csv",
            get(areas::area_export),
        )
        .route(
            "/{tenant}/beheer/gebieden/import",
            get(areas::area_import_form)
                .post(areas::area_import)
                .layer(DefaultBodyLimit::max(areas::MAX_IMPORT_BYTES + 64 * 1024)),
        )
        .route(
            "/{tenant}/beheer/gebieden/{id}",
            get(areas::area_edit).post(areas::area_update),
        )
        .route(
            "/{tenant}/beheer/gebieden/{id}/verwijderen",
            post(areas::area_delete),
        )
        .route_layer(from_fn_with_state(Section::Areas, require_section));
    let audit = Router::new()
        .route("/{tenant}/beheer/logboek", get(logbook::logbook))
        .route_layer(from_fn_with_state(Section::Audit, require_section));
    users.merge(areas).merge(audit)
}
