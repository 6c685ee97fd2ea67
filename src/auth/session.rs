//! Sessions stored in PostgreSQL: a random id in the cookie, only its digest in the table,
//! an idle and an absolute timeout (checked by `auth_load_session`).

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sqlx::FromRow;
use uuid::Uuid;

use crate::auth::cookies;
use crate::auth::roles::{Role, Section};
use crate::auth::token::{digest, random_token};
use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::request_info::RequestInfo;

/// The signed-in user of this request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
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

impl CurrentUser {
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

#[derive(FromRow)]
struct SessionRow {
    tenant_id: Uuid,
    user_id: Uuid,
    csrf_token: String,
    tenant_slug: String,
    tenant_name: String,
    tenant_kind: String,
    email: String,
    display_name: String,
    roles: Vec<String>,
    provider_id: Option<Uuid>,
}

/// Middleware: loads the session named by the cookie (one database round trip, only when
/// there is a cookie) and leaves a [`MaybeUser`] for everything after it.
pub async fn load_session(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let cookie_name = cookies::name(&state.settings, cookies::SESSION);
    let mut user = None;
    if let Some(id) = cookies::get(req.headers(), &cookie_name) {
        match load(&state, &id).await {
            Ok(found) => user = found,
            Err(err) => return err.into_response(),
        }
    }
    if let Some(info) = req.extensions().get::<RequestInfo>() {
        info.set_user(user.as_ref());
    }
    req.extensions_mut().insert(MaybeUser(user));
    next.run(req).await
}

async fn load(state: &AppState, session_id: &str) -> AppResult<Option<CurrentUser>> {
    let hash = digest(session_id);
    let row: Option<SessionRow> = sqlx::query_as(
        "select tenant_id, user_id, csrf_token, tenant_slug, tenant_name, tenant_kind, email, \
         display_name, roles, provider_id from auth_load_session($1, $2, $3)",
    )
    .bind(&hash)
    .bind(state.settings.session_idle.as_secs() as i32)
    .bind(state.settings.session_absolute.as_secs() as i32)
    .fetch_optional(state.db.pool())
    .await?;
    Ok(row.map(|r| CurrentUser {
        tenant_id: r.tenant_id,
        tenant_slug: r.tenant_slug,
        tenant_name: r.tenant_name,
        tenant_kind: r.tenant_kind,
        user_id: r.user_id,
        email: r.email,
        display_name: r.display_name,
        roles: Role::parse_all(&r.roles),
        provider_id: r.provider_id,
        csrf_token: r.csrf_token,
        session_hash: hash,
    }))
}

/// Starts a session with a fresh id; returns the id for the cookie.
pub async fn create(tx: &mut TenantTx, user_id: Uuid) -> AppResult<String> {
    let tenant_id = tx.tenant_id();
    let id = random_token();
    sqlx::query("insert into sessions (tenant_id, session_hash, user_id, csrf_token) values ($1, $2, $3, $4)")
        .bind(tenant_id)
        .bind(digest(&id))
        .bind(user_id)
        .bind(random_token())
        .execute(&mut **tx)
        .await?;
    Ok(id)
}

/// Ends one session.
pub async fn end(tx: &mut TenantTx, session_hash: &[u8]) -> AppResult<()> {
    let tenant_id = tx.tenant_id();
    sqlx::query("delete from sessions where tenant_id = $1 and session_hash = $2")
        .bind(tenant_id)
        .bind(session_hash)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Ends every session of a user (password change, deactivation).
pub async fn end_all(tx: &mut TenantTx, user_id: Uuid) -> AppResult<()> {
    let tenant_id = tx.tenant_id();
    sqlx::query("delete from sessions where tenant_id = $1 and user_id = $2")
        .bind(tenant_id)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

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
