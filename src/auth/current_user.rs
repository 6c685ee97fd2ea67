//! Who is asking: the signed-in user of a request ([`CurrentUser`]), the user a session keeps
//! between requests ([`SessionUser`]) and what the session middleware leaves for the handlers
//! ([`MaybeUser`]). Only types and extractors: loading a session is [`crate::auth::session`]'s
//! business, so every layer can name the user without depending on it.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use uuid::Uuid;

use crate::auth::roles::{Role, Section};
use crate::error::AppError;

/// The signed-in user of this request: the session's user (shared with the session kept in
/// memory) and what this request read of the tenant.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    user: Arc<SessionUser>,
    /// The tenant's counters as this request found them, read with the session check.
    pub tenant_state: TenantState,
}

/// What a signed-in request reads of its tenant with the session check, for the caches of the
/// register: no statement of its own is needed for them.
#[derive(Debug, Clone, Copy)]
pub struct TenantState {
    /// `tenants.register_generation`.
    pub register_generation: i64,
    /// Whether the tenant's kaart is published.
    pub published: bool,
}

impl CurrentUser {
    /// The user of a session, with what this request read of the tenant.
    pub fn new(user: Arc<SessionUser>, tenant_state: TenantState) -> Self {
        CurrentUser { user, tenant_state }
    }
}

impl std::ops::Deref for CurrentUser {
    type Target = SessionUser;

    fn deref(&self) -> &SessionUser {
        &self.user
    }
}

/// The user of a session, as kept between requests.
#[derive(Debug)]
pub struct SessionUser {
    pub tenant_id: Uuid,
    pub tenant_slug: String,
    pub tenant_name: String,
    pub tenant_kind: String,
    pub user_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub provider_id: Option<Uuid>,
    pub csrf_token: String,
    pub session_hash: Vec<u8>,
}

impl SessionUser {
    pub fn may(&self, section: Section) -> bool {
        section.allows(&self.roles)
    }

    pub fn may_change(&self, section: Section) -> bool {
        section.allows_change(&self.roles)
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// "Beheerder, Beleidsmedewerker"
    pub fn role_labels(&self) -> String {
        self.roles
            .iter()
            .map(|r| r.label())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A path inside this user's tenant, e.g. `href("/beheer/gebruikers")`.
    pub fn href(&self, path: &str) -> String {
        format!("/{}{}", self.tenant_slug, path)
    }

    /// Where `section` starts in this user's tenant, e.g. `/almelo/beheer/gebieden`.
    pub fn section_href(&self, section: crate::auth::roles::Section) -> String {
        self.href(section.path())
    }
}

/// Whatever the session middleware found: `None` when not signed in.
#[derive(Debug, Clone, Default)]
pub struct MaybeUser(pub Option<CurrentUser>);

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<CurrentUser>()
            .cloned()
            .ok_or(AppError::NotFound)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for MaybeUser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<MaybeUser>()
            .cloned()
            .unwrap_or_default())
    }
}
