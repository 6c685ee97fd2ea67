//! The register: the taxonomy, providers and facilities.

pub mod facilities;
pub mod history;
pub mod lists;
pub mod providers;
pub mod providers_store;
pub mod public_fields;
pub mod search_documents;
pub mod taxonomy;
pub mod types;

use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::Router;

use crate::auth::access::{require_change, require_section};
use crate::auth::roles::Section;
use crate::state::AppState;
use facilities::{edit, import, referral, show_page, transfer, verification, view};

/// `/{tenant}/typen/...`, `/{tenant}/voorzieningen/...`, `/{tenant}/actualiteit/...`
pub fn router() -> Router<AppState> {
    let types = Router::new()
        .route(
            "/{tenant}/typen",
            get(types::type_index).post(types::type_create),
        )
        .route("/{tenant}/typen/nieuw", get(types::type_new))
        .route(
            "/{tenant}/typen/{code}",
            get(types::type_edit).post(types::type_update),
        )
        .route("/{tenant}/typen/{code}/herstellen", post(types::type_reset))
        .route_layer(from_fn_with_state(Section::Types, require_section));
    let facilities = Router::new()
        .route(
            "/{tenant}/voorzieningen",
            get(view::facility_index).post(edit::facility_create),
        )
        .route(
            "/{tenant}/voorzieningen/export.csv",
            get(transfer::facility_export),
        )
        .route(
            "/{tenant}/voorzieningen/import",
            get(import::facility_import_form)
                .post(import::facility_import)
                .layer(DefaultBodyLimit::max(import::MAX_IMPORT_BYTES + 64 * 1024)),
        )
        .route(
            "/{tenant}/voorzieningen/{id}",
            get(show_page::facility_show).post(edit::facility_update),
        )
        .route(
            "/{tenant}/voorzieningen/{id}/archiveren",
            post(edit::facility_archive),
        )
        .route(
            "/{tenant}/voorzieningen/{id}/gecontroleerd",
            post(verification::facility_verify),
        )
        .route(
            "/{tenant}/voorzieningen/{id}/geschiedenis",
            get(view::facility_history),
        )
        .route_layer(from_fn_with_state(Section::Facilities, require_section));
    let facility_forms = Router::new()
        .route("/{tenant}/voorzieningen/nieuw", get(edit::facility_new))
        .route(
            "/{tenant}/voorzieningen/{id}/wijzigen",
            get(edit::facility_edit),
        )
        .route_layer(from_fn_with_state(Section::Facilities, require_change));
    let providers = Router::new()
        .route(
            "/{tenant}/aanbieders",
            get(providers::provider_index).post(providers::provider_create),
        )
        .route(
            "/{tenant}/aanbieders/{id}",
            get(providers::provider_edit).post(providers::provider_update),
        )
        .route(
            "/{tenant}/aanbieders/{id}/archiveren",
            post(providers::provider_archive),
        )
        .route(
            "/{tenant}/aanbieders/{id}/geschiedenis",
            get(providers::provider_history),
        )
        .route_layer(from_fn_with_state(Section::Providers, require_section));
    let provider_forms = Router::new()
        .route("/{tenant}/aanbieders/nieuw", get(providers::provider_new))
        .route_layer(from_fn_with_state(Section::Providers, require_change));
    // Counting a referral is part of looking facilities up.
    let referrals = Router::new()
        .route(
            "/{tenant}/voorzieningen/{id}/verwijzing",
            post(referral::referral_record),
        )
        .route_layer(from_fn_with_state(Section::Lookup, require_section));
    let stale = Router::new()
        .route("/{tenant}/actualiteit", get(view::stale_index))
        .route(
            "/{tenant}/actualiteit/{id}",
            post(verification::facility_verify),
        )
        .route_layer(from_fn_with_state(Section::Stale, require_section));
    types
        .merge(facilities)
        .merge(facility_forms)
        .merge(providers)
        .merge(provider_forms)
        .merge(referrals)
        .merge(stale)
}
