//! Referral counts: a wijkteam worker records on the facility page that they sent someone to
//! a facility — date, client route, optionally a reason category and the team's wijk. Nothing
//! about the resident exists in the form or the table. Beleidsmedewerkers see the counts per
//! facility, type, route, reason, wijk or month, and export them.
//!
//! [`form`] is the form the facility page shows and its checks; the facility page
//! ([`crate::register::facilities::referral`]) records what passes through [`store`].

pub mod changes;
mod counts;
mod export;
pub mod form;
pub mod store;

use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::Router;

use crate::auth::access::require_section;
use crate::auth::roles::Section;
use crate::state::AppState;

/// `/{tenant}/verwijzingen[/export.csv]`: the counts; corrections by the beleidsmedewerker;
/// the undo by the worker who counted a referral.
pub fn router() -> Router<AppState> {
    let counts = Router::new()
        .route("/{tenant}/verwijzingen", get(counts::counts))
        .route("/{tenant}/verwijzingen/export.csv", get(export::export))
        .route(
            "/{tenant}/voorzieningen/{id}/verwijzingen/correctie",
            post(changes::referral_correct),
        )
        .route_layer(from_fn_with_state(Section::Referrals, require_section));
    let undo = Router::new()
        .route(
            "/{tenant}/verwijzingen/{id}/ongedaan",
            post(changes::referral_undo),
        )
        .route_layer(from_fn_with_state(Section::Lookup, require_section));
    counts.merge(undo)
}
