//! Subsidy schemes (DOMAIN.md's §6: regelingen, §6a: the Maastricht-style scored rounds, §6b: the
//! Almelo-style pilots, §6e: the legal frame of the Algemene wet bestuursrecht), in one folder
//! per stage of the procedure:
//!
//! - [`common`]: money in cents, the Awb terms, the store types, what a page shows of an
//!   application, charts and the pages' navigation helpers;
//! - [`schemes`]: regelingen and rounds (setup, published rules), the official's view of an
//!   application, rendement;
//! - [`apply`]: the aanbieder's portal, the application form and its documents;
//! - [`assess`]: conflict-of-interest declarations, scores and final scores;
//! - [`decide`]: price points, ranking, award within the plafond, deciding, verdaging;
//! - [`after`]: accountability, settlement, objections, payments, deadlines, reminders;
//! - [`letters`]: the letters as HTML and PDF;
//! - [`pilot`]: Almelo-style pilots, their monitoring and business case;
//! - [`double_funding`]: the pseudonymised check for double funding (§6c);
//! - [`open_data`]: the granted subsidies as a public page and as 360Giving data.
//!
//! Where a file goes: a plain file holds types, rules and queries (no axum, no askama, no
//! `AppState`); a `*_page.rs` file holds the templates and handlers and what only they use;
//! plain files never import page files; only a folder's `mod.rs` wires handlers into its
//! `router()`, merged here.

pub mod after;
pub mod apply;
pub mod assess;
pub mod common;
pub mod decide;
pub mod double_funding;
pub mod letters;
pub mod open_data;
pub mod pilot;
pub mod schemes;

use axum::Router;

use crate::state::AppState;

/// `/{tenant}/regelingen`, `/{tenant}/aanvragen`, `/{tenant}/beoordelen`.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(schemes::router())
        .merge(apply::router())
        .merge(assess::router())
        .merge(decide::router())
        .merge(after::router())
        .merge(letters::router())
        .merge(pilot::router())
        .merge(double_funding::router())
}
