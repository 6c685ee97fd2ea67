//! What the register cache keeps for the signed-in facility page ([`crate::cache`]'s
//! per-tenant and per-facility slots): only types, so the cache names them without depending on
//! how the page reads them ([`super::page_data`]).

use std::sync::Arc;

use super::record::Lookups;
use super::store::Snapshot;
use crate::referrals::form::ReferralChoices;

/// What the facility page calls codes, and the referral form's choices: the same for every
/// facility of the tenant until its register changes.
pub struct FacilityPageLists {
    pub lookups: Lookups,
    pub referral: ReferralChoices,
}

/// Scheme, year and amount of grants.
pub type Grants = Vec<(String, i32, i64)>;

/// A facility as the signed-in page shows it: everything stored about it, and its grants.
pub struct KeptFacility {
    pub snapshot: Arc<Snapshot>,
    /// Scheme, year and amount of the grants that fund the facility, newest first.
    pub funding: Grants,
}
