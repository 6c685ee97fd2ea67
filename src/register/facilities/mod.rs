//! Facilities (voorzieningen): the form and CSV share one set of fields ([`record`]), stored by
//! [`store`]; [`edit`] changes, [`view`] reads.

pub mod access;
pub mod capacity;
pub mod choices;
pub mod closures;
pub mod edit;
pub mod form_page;
pub mod geocode;
pub mod hours;
pub mod import;
pub mod kept;
pub mod listing;
pub mod page_data;
pub mod record;
pub mod referral;
pub mod show_page;
pub mod store;
pub mod transfer;
pub mod validate;
pub mod verification;
pub mod view;
pub mod write;
