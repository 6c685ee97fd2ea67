//! The printable handout of a facility (large type, no navigation, one A4 page), which the
//! wijkteam's pages and the public kaart both hand out.

use askama::Template;

use super::public_facts::PublicFacts;
use crate::error::AppResult;

#[derive(Template)]
#[template(path = "lookup/handout.html")]
struct HandoutPage<'a> {
    facts: &'a PublicFacts,
    tenant_name: String,
    back: String,
    /// Only the open days (the handout must fit one page).
    compact: bool,
}

/// The printable handout: large type, no navigation, one A4 page.
pub fn handout_page(facts: &PublicFacts, tenant_name: String, back: String) -> AppResult<String> {
    Ok(HandoutPage {
        facts,
        tenant_name,
        back,
        compact: true,
    }
    .render()?)
}
