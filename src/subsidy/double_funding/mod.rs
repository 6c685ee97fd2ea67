//! The double-funding check without identities (the Maastricht beleidsnotitie Algemene voorzieningen 2020 §6.3, the specification's section on
//! double funding): partners and the municipality upload keyed pseudonyms of participants (an
//! aanbieder's participants; the municipality's maatwerk clients with an arrangement groep); the
//! check counts per partner and period how many pseudonyms appear on both sides, stores only
//! the counts and deletes the pseudonyms. See [`pseudonym`] for what a pseudonym is.

pub mod check_page;
pub mod disclosure;
pub mod pseudonym;
pub mod screening;
pub mod store;

use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::Router;

use crate::auth::access::require_section;
use crate::auth::roles::Section;
use crate::state::AppState;

/// The official's and the partner's routes.
pub(super) fn router() -> Router<AppState> {
    let schemes = Router::new()
        .route(
            "/{tenant}/regelingen/dubbele-financiering",
            get(check_page::official_show),
        )
        .route(
            "/{tenant}/regelingen/dubbele-financiering/sleutel",
            post(check_page::key_create),
        )
        .route(
            "/{tenant}/regelingen/dubbele-financiering/upload",
            post(check_page::official_upload).layer(DefaultBodyLimit::max(8 * 1024 * 1024)),
        )
        .route(
            "/{tenant}/regelingen/dubbele-financiering/controle",
            post(check_page::check),
        )
        .route_layer(from_fn_with_state(Section::Schemes, require_section));
    let applications = Router::new()
        .route(
            "/{tenant}/aanvragen/deelnemers",
            get(check_page::partner_show),
        )
        .route(
            "/{tenant}/aanvragen/deelnemers/upload",
            post(check_page::partner_upload).layer(DefaultBodyLimit::max(8 * 1024 * 1024)),
        )
        .route_layer(from_fn_with_state(Section::Applications, require_section));
    schemes.merge(applications)
}
