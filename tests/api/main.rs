//! Integration tests: the real server over HTTP against a real PostgreSQL.

mod areas;
mod audit_trail;
mod bad_input;
mod browser;
mod browser_lookup;
mod browser_register;
mod browser_subsidy;
mod checklist;
mod checklist_files;
mod cli;
mod helpers;
mod hsds;
mod infra;
mod isolation;
mod kaart;
mod login;
mod lookup;
mod mail;
mod ownership;
mod register;
mod register_import;
mod roles;
mod secret_links;
mod security;
mod subsidy;
mod users;
