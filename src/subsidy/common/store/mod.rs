//! Queries of the subsidy schemes: schemes, rounds with their onderdelen and criteria, and
//! applications. Every query runs in a [`TenantTx`](crate::db::TenantTx) and names its tenant.
//! The stages use them as `store::…`, whichever file holds them.

mod applications;
mod rounds;
mod schemes;

pub use applications::*;
pub use rounds::*;
pub use schemes::*;
