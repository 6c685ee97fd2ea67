//! What of the register may be published: the one list the public sociale kaart (its search,
//! facility page and handout) and the open data (HSDS) both read from, and nothing else.
//!
//! Every column of `facilities` and `providers` is named here as public or internal, and a test
//! checks that the two lists cover the tables exactly (a new column must be placed) and that the
//! statements of the public pages and of HSDS select no internal column.
//!
//! Internal, whatever a page would like to show: capacity (per period and per dagdeel), use
//! figures, who decides on access, funding sources and contracts, staffing, verification, the
//! municipality's own assessment of whether the doelgroep of the regional plan is welcome and
//! uses a place (the VNG checklist Opvang en Bescherming (2015) asks for these to correct socially desirable answers: they are not
//! public facts), notes and the contact person. A provider's own contact details (address,
//! phone, e-mail, KvK number) are published only for an organisation with a KvK number or one
//! that said yes on its record ([`provider_contact_public`]): a volunteer initiative run from a
//! private home is not a business address. A facility's own address and contact details are
//! where residents go, and are public. Granted subsidies are public by law (open data on
//! grants) and are published from the subsidy register, not from these tables.

/// The columns of `facilities` that may be published.
pub const FACILITY: &[&str] = &[
    "tenant_id",
    "facility_id",
    "provider_id",
    "name",
    "description",
    "form",
    "functions",
    "bouwstenen",
    "target_groups",
    "street",
    "house_number",
    "postcode",
    "city",
    "buurt_id",
    "latitude",
    "longitude",
    "phone",
    "email",
    "website",
    "wheelchair",
    "directions",
    "opening_exceptions",
    "closed_holidays",
    "serves_whole_region",
    "own_contribution",
    "own_contribution_cents",
    "access",
    "client_routes",
    "archived",
    "updated_at",
    "search_doc",
    "search_name",
];

/// The columns of `facilities` that are never published.
pub const FACILITY_INTERNAL: &[&str] = &[
    "capacity_at_once",
    "capacity_per_day",
    "capacity_per_week",
    "visitors_last_year",
    "visits_last_year",
    "approach",
    "funding_sources",
    "access_decided_by",
    "contracted",
    "subsidised",
    "pgb",
    "professionals",
    "volunteers",
    "experts_by_experience",
    "welcome",
    "welcome_conditions",
    "used",
    "verified_on",
    "verified_by",
    "version",
    "created_at",
];

/// The columns of `providers` that may be published.
pub const PROVIDER: &[&str] = &[
    "tenant_id",
    "provider_id",
    "name",
    "provider_type",
    "website",
    "archived",
    "updated_at",
    "contact_public",
];

/// A provider's own contact details: published only when [`provider_contact_public`].
pub const PROVIDER_CONTACT: &[&str] = &[
    "kvk_number",
    "street",
    "house_number",
    "postcode",
    "city",
    "phone",
    "email",
];

/// The columns of `providers` that are never published.
pub const PROVIDER_INTERNAL: &[&str] = &["contact_name", "version", "created_at"];

/// The other tables public pages read, whole: opening hours and closed periods, types, service
/// areas, the tenant's areas and code lists. `facility_dagdeel_capacity` is internal.
pub const PUBLIC_TABLES: &[&str] = &[
    "facility_hours",
    "facility_closures",
    "facility_type_links",
    "facility_service_areas",
    "areas",
    "code_lists",
    "facility_types",
];

/// Whether a provider's own contact details are published: an organisation with a KvK number,
/// or one that said yes on its record.
pub fn provider_contact_public(kvk_number: Option<&str>, contact_public: bool) -> bool {
    contact_public || kvk_number.is_some_and(|k| !k.trim().is_empty())
}

/// The columns of `alias` (as in `f.name`) a statement reads.
#[cfg(test)]
fn columns_of(sql: &str, alias: char) -> Vec<String> {
    let bytes: Vec<char> = sql.chars().collect();
    let mut out = Vec::new();
    for i in 0..bytes.len().saturating_sub(2) {
        let starts = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == '_');
        if starts && bytes[i] == alias && bytes[i + 1] == '.' {
            let name: String = bytes[i + 2..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
                .collect();
            if !name.is_empty() {
                out.push(name);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_statements_read_only_public_columns() {
        let statements = [
            (
                "kaart: facility page and handout",
                crate::lookup::public_facts::SQL,
            ),
            ("search projection", crate::search::load::FACILITIES),
            ("HSDS services", crate::hsds::services::COLUMNS),
            ("HSDS organizations", crate::hsds::organizations::SELECT),
        ];
        for (what, sql) in statements {
            for column in columns_of(sql, 'f') {
                assert!(
                    FACILITY.contains(&column.as_str()),
                    "{what} reads facilities.{column}"
                );
            }
            for column in columns_of(sql, 'p') {
                assert!(
                    PROVIDER.contains(&column.as_str())
                        || PROVIDER_CONTACT.contains(&column.as_str()),
                    "{what} reads providers.{column}"
                );
            }
        }
        assert_eq!(
            columns_of("select f.name, xf.secret, f.city from", 'f'),
            ["name", "city"]
        );
    }

    #[test]
    fn contact_details_need_a_kvk_number_or_a_yes() {
        assert!(provider_contact_public(Some("12345678"), false));
        assert!(provider_contact_public(None, true));
        assert!(!provider_contact_public(None, false));
        assert!(!provider_contact_public(Some(" "), false));
    }
}
