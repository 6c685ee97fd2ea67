//! Stable identifiers for what HSDS needs as an object but the register keeps as a code or a
//! column: UUID v5, so the same thing gets the same id in every response, and every tenant
//! gets ids of its own (another tenant's id is simply unknown).

use uuid::Uuid;

/// Namespace of this application's derived ids.
const NAMESPACE: Uuid = uuid::uuid!("d7fa14db-5edb-4e8f-b7b6-c6a0116620b5");

/// A taxonomy of the tenant, e.g. `("voorzieningentypen")`.
pub fn taxonomy(tenant_id: Uuid, taxonomy: &str) -> Uuid {
    Uuid::new_v5(
        &NAMESPACE,
        format!("taxonomy/{tenant_id}/{taxonomy}").as_bytes(),
    )
}

/// A term of one of the tenant's taxonomies.
pub fn term(tenant_id: Uuid, taxonomy: &str, code: &str) -> Uuid {
    Uuid::new_v5(
        &NAMESPACE,
        format!("term/{tenant_id}/{taxonomy}/{code}").as_bytes(),
    )
}

/// A part of a facility or provider (its phone, location, a schedule, …): derived from the
/// owner's own (random, unique) id.
pub fn part(owner: Uuid, what: &str) -> Uuid {
    Uuid::new_v5(&owner, what.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_per_tenant() {
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        assert_eq!(
            term(a, "functies", "netwerk"),
            term(a, "functies", "netwerk")
        );
        assert_ne!(
            term(a, "functies", "netwerk"),
            term(b, "functies", "netwerk")
        );
        assert_ne!(taxonomy(a, "functies"), term(a, "functies", ""));
        assert_eq!(part(a, "phone").get_version_num(), 5);
    }
}
