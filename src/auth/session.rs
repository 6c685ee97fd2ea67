//! Sessions stored in PostgreSQL: the tenant and a random secret in the cookie, only the
//! cookie's digest in the table, an idle and an absolute timeout (checked in full by
//! `auth_check_session`). Between full checks a session is kept in memory
//! ([`crate::auth::session_cache`]) and checked against its tenant's `auth_generation`. The
//! user a session finds is a [`CurrentUser`] ([`crate::auth::current_user`]).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sqlx::FromRow;
use uuid::Uuid;

use crate::auth::cookies;
use crate::auth::current_user::{CurrentUser, MaybeUser, SessionUser, TenantState};
use crate::auth::roles::Role;
use crate::auth::token::{digest, random_token};
use crate::db::TenantTx;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::request_info::RequestInfo;

#[derive(FromRow)]
struct SessionRow {
    user_id: Uuid,
    created_at: time::OffsetDateTime,
    auth_generation: i64,
    register_generation: i64,
    published: bool,
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

/// The tenant a session cookie names and the digest the table keeps of it; `None` for a
/// cookie not made by [`create`].
fn parse_cookie(value: &str) -> Option<(Uuid, Vec<u8>)> {
    let (tenant, secret) = value.split_at_checked(36)?;
    let tenant = Uuid::try_parse(tenant).ok()?;
    secret.strip_prefix('_').filter(|s| !s.is_empty())?;
    Some((tenant, digest(value)))
}

async fn load(state: &AppState, cookie: &str) -> AppResult<Option<CurrentUser>> {
    let Some((tenant_id, hash)) = parse_cookie(cookie) else {
        return Ok(None);
    };
    if let Some(kept) = state.sessions.get(&hash) {
        let row: Option<(i64, i64, bool)> = sqlx::query_as(
            "select auth_generation, register_generation, published from tenants where tenant_id = $1",
        )
        .bind(tenant_id)
        .fetch_optional(state.db.pool())
        .await?;
        match row {
            Some((auth, register_generation, published)) if auth == kept.auth_generation => {
                let tenant_state = TenantState {
                    register_generation,
                    published,
                };
                return Ok(Some(CurrentUser::new(kept.user, tenant_state)));
            }
            _ => {}
        }
    }
    state.sessions.counted_full_check();
    let row: Option<SessionRow> = sqlx::query_as(
        "select user_id, created_at, auth_generation, register_generation, published, csrf_token, \
         tenant_slug, tenant_name, tenant_kind, email, display_name, roles, provider_id \
         from auth_check_session($1, $2, $3, $4)",
    )
    .bind(tenant_id)
    .bind(&hash)
    .bind(state.settings.session_idle.as_secs() as i32)
    .bind(state.settings.session_absolute.as_secs() as i32)
    .fetch_optional(state.db.pool())
    .await?;
    let Some(r) = row else {
        state.sessions.forget(&hash);
        return Ok(None);
    };
    let user = Arc::new(SessionUser {
        tenant_id,
        tenant_slug: r.tenant_slug,
        tenant_name: r.tenant_name,
        tenant_kind: r.tenant_kind,
        user_id: r.user_id,
        email: r.email,
        display_name: r.display_name,
        roles: Role::parse_all(&r.roles),
        provider_id: r.provider_id,
        csrf_token: r.csrf_token,
        session_hash: hash.clone(),
    });
    let absolute =
        time::Duration::try_from(state.settings.session_absolute).unwrap_or(time::Duration::ZERO);
    state.sessions.keep(
        hash,
        user.clone(),
        r.auth_generation,
        r.created_at + absolute,
    );
    let tenant_state = TenantState {
        register_generation: r.register_generation,
        published: r.published,
    };
    Ok(Some(CurrentUser::new(user, tenant_state)))
}

/// Starts a session with a fresh secret; returns the cookie's value: the tenant, `_` and the
/// secret (so the full check finds the session by its primary key).
pub async fn create(tx: &mut TenantTx, user_id: Uuid) -> AppResult<String> {
    let tenant_id = tx.tenant_id();
    let id = format!("{}_{}", tenant_id.hyphenated(), random_token());
    sqlx::query("insert into sessions (tenant_id, session_hash, user_id, csrf_token) values ($1, $2, $3, $4)")
        .bind(tenant_id)
        .bind(digest(&id))
        .bind(user_id)
        .bind(random_token())
        .execute(&mut **tx)
        .await?;
    Ok(id)
}

/// Ends one session (every process notices: the tenant's `auth_generation` moves).
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

/// Ends every session of a user but the one `keep` names (the second factor changed).
pub async fn end_others(tx: &mut TenantTx, user_id: Uuid, keep: &[u8]) -> AppResult<()> {
    let tenant_id = tx.tenant_id();
    sqlx::query(
        "delete from sessions where tenant_id = $1 and user_id = $2 and session_hash <> $3",
    )
    .bind(tenant_id)
    .bind(user_id)
    .bind(keep)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_name_their_tenant_and_are_digested_whole() {
        let tenant = Uuid::new_v4();
        let cookie = format!("{}_{}", tenant.hyphenated(), random_token());
        assert_eq!(parse_cookie(&cookie), Some((tenant, digest(&cookie))));
        assert_eq!(
            parse_cookie(&random_token()),
            None,
            "an old cookie: the secret alone"
        );
        assert_eq!(parse_cookie(&format!("{}_", tenant.hyphenated())), None);
        assert_eq!(parse_cookie(&format!("{}-x", tenant.hyphenated())), None);
        assert_eq!(parse_cookie("kort"), None);
    }
}
