//! What every stage of the subsidy code shares: money in cents, the Awb terms, the store types
//! of schemes, rounds and applications, what a page shows of an application, the SVG charts and
//! the navigation helpers of the pages.
//!
//! Where a file goes: a plain file holds types, rules and queries (no axum, no askama, no
//! `AppState`); a `*_page.rs` file holds the templates and handlers and what only they use;
//! plain files never import page files; only `mod.rs` wires handlers into the router.

pub mod charts;
pub mod files;
pub mod files_page;
pub mod money;
pub mod nav_page;
pub mod store;
pub mod terms;
pub mod version_changes;
pub mod view;
