//! The five roles (beheerder, beleidsmedewerker, beoordelaar, wijkteam, aanbieder) and the
//! sections of the site each may use. Navigation and route guards both read
//! [`Section::roles`], so what is shown and what is allowed agree.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Role {
    Beheerder,
    Beleidsmedewerker,
    Beoordelaar,
    Wijkteam,
    Aanbieder,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Beheerder,
        Role::Beleidsmedewerker,
        Role::Beoordelaar,
        Role::Wijkteam,
        Role::Aanbieder,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Beheerder => "beheerder",
            Role::Beleidsmedewerker => "beleidsmedewerker",
            Role::Beoordelaar => "beoordelaar",
            Role::Wijkteam => "wijkteam",
            Role::Aanbieder => "aanbieder",
        }
    }

    /// The name users see.
    pub fn label(self) -> &'static str {
        match self {
            Role::Beheerder => "Beheerder",
            Role::Beleidsmedewerker => "Beleidsmedewerker",
            Role::Beoordelaar => "Beoordelaar",
            Role::Wijkteam => "Wijkteam",
            Role::Aanbieder => "Aanbieder",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Role::Beheerder => "beheert gebruikers, gebieden en de indeling",
            Role::Beleidsmedewerker => "houdt het register en de checklist bij, beheert regelingen",
            Role::Beoordelaar => "beoordeelt subsidieaanvragen",
            Role::Wijkteam => "zoekt voorzieningen op en telt verwijzingen",
            Role::Aanbieder => {
                "houdt de gegevens van de eigen organisatie bij en vraagt subsidie aan"
            }
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn parse_all<'a>(items: impl IntoIterator<Item = &'a String>) -> Vec<Role> {
        let mut roles: Vec<Role> = items.into_iter().filter_map(|s| Role::parse(s)).collect();
        roles.sort_by_key(|r| Role::ALL.iter().position(|x| x == r));
        roles.dedup();
        roles
    }
}

/// A part of the tenant's site, guarded as one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Home,
    Account,
    Lookup,
    Referrals,
    Publication,
    Facilities,
    Providers,
    Checklist,
    Stale,
    Types,
    Users,
    Areas,
    Audit,
    /// Subsidy schemes, their rounds, rankings and decisions.
    Schemes,
    /// An aanbieder's own subsidy applications.
    Applications,
    /// Scoring applications.
    Assessment,
}

impl Section {
    /// Sections in navigation order.
    pub const NAV: [Section; 16] = [
        Section::Home,
        Section::Lookup,
        Section::Facilities,
        Section::Providers,
        Section::Checklist,
        Section::Schemes,
        Section::Applications,
        Section::Assessment,
        Section::Stale,
        Section::Types,
        Section::Users,
        Section::Areas,
        Section::Referrals,
        Section::Publication,
        Section::Audit,
        Section::Account,
    ];

    /// The roles that may see this section; empty means every signed-in user of the tenant.
    pub fn roles(self) -> &'static [Role] {
        match self {
            Section::Home | Section::Account => &[],
            Section::Lookup => &[Role::Beleidsmedewerker, Role::Wijkteam],
            Section::Referrals => &[Role::Beheerder, Role::Beleidsmedewerker],
            Section::Publication => &[Role::Beheerder],
            Section::Facilities => &[
                Role::Beheerder,
                Role::Beleidsmedewerker,
                Role::Wijkteam,
                Role::Aanbieder,
            ],
            Section::Providers => &[Role::Beheerder, Role::Beleidsmedewerker, Role::Aanbieder],
            Section::Types | Section::Stale | Section::Checklist => {
                &[Role::Beheerder, Role::Beleidsmedewerker]
            }
            Section::Users | Section::Areas | Section::Audit => &[Role::Beheerder],
            Section::Schemes => &[Role::Beheerder, Role::Beleidsmedewerker],
            Section::Applications => &[Role::Aanbieder],
            Section::Assessment => &[Role::Beleidsmedewerker, Role::Beoordelaar],
        }
    }

    /// The roles that may change something in this section (POST). Which organisations'
    /// records they may change is the ownership rule's ([`super::ownership::ProviderScope`]):
    /// an aanbieder only its own organisation's, whatever other roles it holds.
    pub fn write_roles(self) -> &'static [Role] {
        match self {
            Section::Facilities | Section::Providers => &[Role::Beleidsmedewerker, Role::Aanbieder],
            Section::Stale | Section::Checklist => &[Role::Beleidsmedewerker],
            Section::Referrals => &[Role::Beleidsmedewerker],
            Section::Schemes => &[Role::Beleidsmedewerker],
            _ => self.roles(),
        }
    }

    pub fn allows(self, roles: &[Role]) -> bool {
        let needed = self.roles();
        needed.is_empty() || needed.iter().any(|r| roles.contains(r))
    }

    pub fn allows_change(self, roles: &[Role]) -> bool {
        let needed = self.write_roles();
        needed.is_empty() || needed.iter().any(|r| roles.contains(r))
    }

    pub fn label(self) -> &'static str {
        match self {
            Section::Home => "Start",
            Section::Account => "Mijn account",
            Section::Lookup => "Zoeken",
            Section::Referrals => "Verwijzingen",
            Section::Publication => "Sociale kaart",
            Section::Facilities => "Voorzieningen",
            Section::Providers => "Aanbieders",
            Section::Checklist => "Checklist",
            Section::Stale => "Actualiteit",
            Section::Types => "Voorzieningentypen",
            Section::Users => "Gebruikers",
            Section::Areas => "Gebieden",
            Section::Audit => "Logboek",
            Section::Schemes => "Regelingen",
            Section::Applications => "Aanvragen",
            Section::Assessment => "Beoordelen",
        }
    }

    /// Path below `/{tenant}`.
    pub fn path(self) -> &'static str {
        match self {
            Section::Home => "/",
            Section::Account => "/account/wachtwoord",
            Section::Lookup => "/zoeken",
            Section::Referrals => "/verwijzingen",
            Section::Publication => "/beheer/publicatie",
            Section::Facilities => "/voorzieningen",
            Section::Providers => "/aanbieders",
            Section::Checklist => "/checklist",
            Section::Stale => "/actualiteit",
            Section::Types => "/typen",
            Section::Users => "/beheer/gebruikers",
            Section::Areas => "/beheer/gebieden",
            Section::Audit => "/beheer/logboek",
            Section::Schemes => "/regelingen",
            Section::Applications => "/aanvragen",
            Section::Assessment => "/beoordelen",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_round_trips() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("admin"), None);
    }

    #[test]
    fn only_beheerder_manages() {
        assert!(Section::Users.allows(&[Role::Beheerder]));
        assert!(!Section::Users.allows(&[Role::Beleidsmedewerker, Role::Wijkteam]));
        assert!(Section::Home.allows(&[Role::Aanbieder]));
        assert!(Section::Facilities.allows(&[Role::Wijkteam]));
        assert!(!Section::Facilities.allows_change(&[Role::Wijkteam, Role::Beheerder]));
        assert!(Section::Facilities.allows_change(&[Role::Aanbieder]));
    }
}
