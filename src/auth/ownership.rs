//! The ownership rule: whose facilities and provider records a user may read, and whose they
//! may change.
//!
//! - **Writing**: a beleidsmedewerker changes every organisation's records; an aanbieder only
//!   its own organisation's (an aanbieder without a linked organisation changes nothing);
//!   nobody else changes any.
//! - **Reading**: a beheerder, beleidsmedewerker or wijkteam reads every organisation's records;
//!   a user who is only an aanbieder reads only its own organisation's.
//!
//! Other roles a user holds widen reading, never writing: an aanbieder who also staffs the
//! wijkteam, or is also beheerder, reads the whole register and still changes only its own
//! organisation. Which *pages* a role may use is [`Section`](super::roles::Section)'s business
//! (the route guards); this rule says which *organisations'* records a page may show or change.

use uuid::Uuid;

use super::current_user::CurrentUser;
use super::roles::Role;
use crate::error::AppError;

/// The organisations (providers) whose records a user may read or change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderScope {
    /// Every provider of the tenant.
    All,
    /// Only this provider.
    Own(Uuid),
    /// No provider.
    Nothing,
}

/// Whether a record is wanted for reading or for changing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

impl ProviderScope {
    /// Whether records of `provider_id` fall within this scope.
    pub fn admits(self, provider_id: Uuid) -> bool {
        match self {
            ProviderScope::All => true,
            ProviderScope::Own(own) => own == provider_id,
            ProviderScope::Nothing => false,
        }
    }

    /// The provider a query must keep to, as a bind parameter for
    /// `($n::uuid is null or provider_id = $n)`: `None` for every provider; for
    /// [`ProviderScope::Nothing`] the nil uuid, which no provider has.
    pub fn only(self) -> Option<Uuid> {
        match self {
            ProviderScope::All => None,
            ProviderScope::Own(own) => Some(own),
            ProviderScope::Nothing => Some(Uuid::nil()),
        }
    }

    /// The scope for changing, given a user's roles and linked organisation.
    pub fn for_writing(roles: &[Role], provider_id: Option<Uuid>) -> Self {
        if roles.contains(&Role::Beleidsmedewerker) {
            ProviderScope::All
        } else {
            Self::own(roles, provider_id)
        }
    }

    /// The scope for reading, given a user's roles and linked organisation.
    pub fn for_reading(roles: &[Role], provider_id: Option<Uuid>) -> Self {
        let everything = [Role::Beheerder, Role::Beleidsmedewerker, Role::Wijkteam];
        if everything.iter().any(|r| roles.contains(r)) {
            ProviderScope::All
        } else {
            Self::own(roles, provider_id)
        }
    }

    /// An aanbieder's own organisation, if it has one.
    fn own(roles: &[Role], provider_id: Option<Uuid>) -> Self {
        match provider_id {
            Some(p) if roles.contains(&Role::Aanbieder) => ProviderScope::Own(p),
            _ => ProviderScope::Nothing,
        }
    }
}

impl CurrentUser {
    /// Whose records this user may change.
    pub fn write_scope(&self) -> ProviderScope {
        ProviderScope::for_writing(&self.roles, self.provider_id)
    }

    /// Whose records this user may read.
    pub fn read_scope(&self) -> ProviderScope {
        ProviderScope::for_reading(&self.roles, self.provider_id)
    }

    pub fn scope(&self, access: Access) -> ProviderScope {
        match access {
            Access::Read => self.read_scope(),
            Access::Write => self.write_scope(),
        }
    }

    /// Whether this user may read or change a record of `provider_id`: 404 when they may not
    /// even read it (as for a record that does not exist), 403 when they may read but not
    /// change it.
    pub fn check_provider(&self, provider_id: Uuid, access: Access) -> Result<(), AppError> {
        if !self.read_scope().admits(provider_id) {
            Err(AppError::NotFound)
        } else if !self.scope(access).admits(provider_id) {
            Err(AppError::Forbidden)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::roles::Section;

    /// Every set of roles: the 32 subsets of the five.
    fn combinations() -> Vec<Vec<Role>> {
        (0..1u32 << Role::ALL.len())
            .map(|mask| {
                Role::ALL
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, r)| r)
                    .collect()
            })
            .collect()
    }

    fn own() -> Uuid {
        Uuid::from_u128(1)
    }

    fn other() -> Uuid {
        Uuid::from_u128(2)
    }

    #[test]
    fn only_the_beleidsmedewerker_writes_everything_and_an_aanbieder_its_own() {
        for roles in combinations() {
            let has = |r| roles.contains(&r);
            let write = ProviderScope::for_writing(&roles, Some(own()));
            let expected = if has(Role::Beleidsmedewerker) {
                ProviderScope::All
            } else if has(Role::Aanbieder) {
                ProviderScope::Own(own())
            } else {
                ProviderScope::Nothing
            };
            assert_eq!(write, expected, "{roles:?}");
            // Without a linked organisation an aanbieder writes nothing.
            let unlinked = ProviderScope::for_writing(&roles, None);
            if has(Role::Beleidsmedewerker) {
                assert_eq!(unlinked, ProviderScope::All, "{roles:?}");
            } else {
                assert_eq!(unlinked, ProviderScope::Nothing, "{roles:?}");
            }
        }
    }

    #[test]
    fn other_roles_widen_reading_never_writing() {
        for roles in combinations() {
            let has = |r| roles.contains(&r);
            let read = ProviderScope::for_reading(&roles, Some(own()));
            let write = ProviderScope::for_writing(&roles, Some(own()));
            let sees_all =
                has(Role::Beheerder) || has(Role::Beleidsmedewerker) || has(Role::Wijkteam);
            let expected = if sees_all {
                ProviderScope::All
            } else if has(Role::Aanbieder) {
                ProviderScope::Own(own())
            } else {
                ProviderScope::Nothing
            };
            assert_eq!(read, expected, "{roles:?}");
            // Whatever one may change, one may read.
            for p in [own(), other()] {
                assert!(!write.admits(p) || read.admits(p), "{roles:?}");
            }
            // Another organisation's record is changed only by a beleidsmedewerker.
            assert_eq!(
                write.admits(other()),
                has(Role::Beleidsmedewerker),
                "{roles:?}"
            );
        }
    }

    #[test]
    fn the_named_combinations() {
        use Role::*;
        let p = Some(own());
        let cases: [(&[Role], ProviderScope, ProviderScope); 10] = [
            (&[Beheerder], ProviderScope::All, ProviderScope::Nothing),
            (&[Beleidsmedewerker], ProviderScope::All, ProviderScope::All),
            (
                &[Beoordelaar],
                ProviderScope::Nothing,
                ProviderScope::Nothing,
            ),
            (&[Wijkteam], ProviderScope::All, ProviderScope::Nothing),
            (
                &[Aanbieder],
                ProviderScope::Own(own()),
                ProviderScope::Own(own()),
            ),
            (
                &[Wijkteam, Aanbieder],
                ProviderScope::All,
                ProviderScope::Own(own()),
            ),
            (
                &[Beheerder, Aanbieder],
                ProviderScope::All,
                ProviderScope::Own(own()),
            ),
            (
                &[Beoordelaar, Aanbieder],
                ProviderScope::Own(own()),
                ProviderScope::Own(own()),
            ),
            (
                &[Beleidsmedewerker, Aanbieder],
                ProviderScope::All,
                ProviderScope::All,
            ),
            (
                &[Beheerder, Wijkteam],
                ProviderScope::All,
                ProviderScope::Nothing,
            ),
        ];
        for (roles, read, write) in cases {
            assert_eq!(ProviderScope::for_reading(roles, p), read, "{roles:?}");
            assert_eq!(ProviderScope::for_writing(roles, p), write, "{roles:?}");
        }
    }

    #[test]
    fn scopes_admit_and_filter() {
        assert!(ProviderScope::All.admits(other()));
        assert!(ProviderScope::Own(own()).admits(own()));
        assert!(!ProviderScope::Own(own()).admits(other()));
        assert!(!ProviderScope::Nothing.admits(own()));
        assert_eq!(ProviderScope::All.only(), None);
        assert_eq!(ProviderScope::Own(own()).only(), Some(own()));
        assert_eq!(ProviderScope::Nothing.only(), Some(Uuid::nil()));
    }

    /// The route guards let through exactly the users this rule gives something to change (or,
    /// for an aanbieder, would once linked), and read the facilities of whoever may read some.
    #[test]
    fn the_route_guards_agree_with_the_rule() {
        for roles in combinations() {
            let write = ProviderScope::for_writing(&roles, Some(own()));
            let read = ProviderScope::for_reading(&roles, Some(own()));
            for section in [Section::Facilities, Section::Providers] {
                assert_eq!(
                    section.allows_change(&roles),
                    write != ProviderScope::Nothing,
                    "{section:?} {roles:?}"
                );
                // A guard never lets through a user with nothing to read.
                assert!(
                    !section.allows(&roles) || read != ProviderScope::Nothing,
                    "{section:?} {roles:?}"
                );
            }
            assert_eq!(
                Section::Facilities.allows(&roles),
                read != ProviderScope::Nothing,
                "{roles:?}"
            );
            // Verifying ("gegevens kloppen nog") is for those who change every facility.
            if Section::Stale.allows_change(&roles) {
                assert_eq!(write, ProviderScope::All, "{roles:?}");
            }
        }
    }
}
