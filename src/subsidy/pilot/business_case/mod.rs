//! The business case of a pilot year: planned against realised, its table, form and store.
//!
//! Where a file goes: a plain file holds types, rules and queries (no axum, no askama, no
//! `AppState`); a `*_page.rs` file holds the templates and handlers and what only they use;
//! plain files never import page files; only `mod.rs` wires handlers into the router.

pub mod case_page;
pub mod form_page;
pub mod rules;
pub mod store;
