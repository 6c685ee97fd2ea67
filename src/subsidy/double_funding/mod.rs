//! The double-funding check without identities (seed 002 §6.3, the specification's section on
//! double funding): partners and the municipality upload keyed pseudonyms of participants (an
//! aanbieder's participants; the municipality's maatwerk clients with an arrangement groep); the
//! check counts per partner and period how many pseudonyms appear on both sides, stores only
//! the counts and deletes the pseudonyms. See [`pseudonym`] for what a pseudonym is.

pub mod pages;
pub mod pseudonym;
pub mod store;
