//! The register: the taxonomy, providers and facilities.

pub mod taxonomy;
