//! One-time links with which a new user chooses a password (valid 72 hours).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use sqlx::FromRow;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::audit::{self, Actor, Event};
use crate::auth::current_user::{CurrentUser, MaybeUser};
use crate::auth::token::{digest, random_token};
use crate::auth::{csrf, password, session};
use crate::db::TenantTx;
use crate::error::AppResult;
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::web::layout::{render, Layout};
use crate::web::ClientAddr;

pub const VALID_FOR: Duration = Duration::hours(72);

/// Creates a new link for `user_id`, replacing any unused earlier one; returns the token.
pub async fn issue(tx: &mut TenantTx, user_id: Uuid) -> AppResult<String> {
    let tenant_id = tx.tenant_id();
    sqlx::query(
        "delete from password_tokens where tenant_id = $1 and user_id = $2 and used_at is null",
    )
    .bind(tenant_id)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    let token = random_token();
    sqlx::query("insert into password_tokens (tenant_id, token_hash, user_id, expires_at) values ($1, $2, $3, $4)")
        .bind(tenant_id)
        .bind(digest(&token))
        .bind(user_id)
        .bind(OffsetDateTime::now_utc() + VALID_FOR)
        .execute(&mut **tx)
        .await?;
    Ok(token)
}

/// The path of a link, e.g. `/wachtwoord-instellen/abc…`.
pub fn path(token: &str) -> String {
    format!("/wachtwoord-instellen/{token}")
}

/// The full URL: from PUBLIC_URL if set, else from the request's Host header.
pub fn url(state: &AppState, headers: &HeaderMap, token: &str) -> String {
    let base = match &state.settings.public_url {
        Some(base) => base.trim_end_matches('/').to_string(),
        None => {
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("localhost");
            let scheme = if state.settings.https {
                "https"
            } else {
                "http"
            };
            format!("{scheme}://{host}")
        }
    };
    format!("{base}{}", path(token))
}

#[derive(FromRow)]
struct TokenRow {
    tenant_id: Uuid,
    user_id: Uuid,
    expires_at: OffsetDateTime,
    used_at: Option<OffsetDateTime>,
    email: String,
    display_name: String,
    active: bool,
    tenant_name: String,
}

#[derive(Template)]
#[template(path = "auth/password_setup.html")]
struct SetupPage {
    layout: Layout,
    valid: bool,
    display_name: String,
    email: String,
    tenant_name: String,
    errors: FormErrors,
}

#[derive(Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    nieuw_wachtwoord: String,
    #[serde(default)]
    herhaling: String,
}

async fn find(state: &AppState, token: &str) -> AppResult<Option<TokenRow>> {
    if token.len() > 100 {
        return Ok(None);
    }
    let row: Option<TokenRow> = sqlx::query_as(
        "select tenant_id, user_id, expires_at, used_at, email, display_name, active, tenant_name \
         from auth_load_password_token($1)",
    )
    .bind(digest(token))
    .fetch_optional(state.db.pool())
    .await?;
    Ok(row.filter(|r| r.used_at.is_none() && r.active && r.expires_at > OffsetDateTime::now_utc()))
}

fn setup_page(
    state: &AppState,
    headers: &HeaderMap,
    signed_in: Option<&CurrentUser>,
    row: Option<&TokenRow>,
    errors: FormErrors,
) -> AppResult<Response> {
    // A browser may already be signed in (a colleague's session, or the beheerder who made the
    // link): the form then carries that session's token, which is what the CSRF check expects.
    let (csrf_token, cookie) = csrf::form_token(&state.settings, headers, signed_in);
    let page = SetupPage {
        layout: Layout::anonymous("Wachtwoord instellen", csrf_token),
        valid: row.is_some(),
        display_name: row.map(|r| r.display_name.clone()).unwrap_or_default(),
        email: row.map(|r| r.email.clone()).unwrap_or_default(),
        tenant_name: row.map(|r| r.tenant_name.clone()).unwrap_or_default(),
        errors,
    };
    let mut response = render(&page)?;
    if row.is_none() {
        *response.status_mut() = StatusCode::NOT_FOUND;
    } else if !page.errors.is_empty() {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

/// GET /wachtwoord-instellen/{token}
pub async fn setup_form(
    State(state): State<AppState>,
    MaybeUser(signed_in): MaybeUser,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let row = find(&state, &token).await?;
    setup_page(
        &state,
        &headers,
        signed_in.as_ref(),
        row.as_ref(),
        FormErrors::default(),
    )
}

/// Checks a new password and its repetition; shared with the password change form.
pub fn check_new_password(errors: &mut FormErrors, new: &str, repeated: &str) {
    if let Err(message) = password::check_policy(new) {
        errors.add("nieuw_wachtwoord", message);
    } else if new != repeated {
        errors.add(
            "herhaling",
            "De twee wachtwoorden zijn niet gelijk. Typ hetzelfde wachtwoord twee keer.",
        );
    }
}

/// POST /wachtwoord-instellen/{token}
pub async fn setup(
    State(state): State<AppState>,
    MaybeUser(signed_in): MaybeUser,
    headers: HeaderMap,
    ClientAddr(address): ClientAddr,
    Path(token): Path<String>,
    Form(form): Form<SetupForm>,
) -> AppResult<Response> {
    let Some(row) = find(&state, &token).await? else {
        return setup_page(
            &state,
            &headers,
            signed_in.as_ref(),
            None,
            FormErrors::default(),
        );
    };
    let mut errors = FormErrors::default();
    check_new_password(&mut errors, &form.nieuw_wachtwoord, &form.herhaling);
    if !errors.is_empty() {
        return setup_page(&state, &headers, signed_in.as_ref(), Some(&row), errors);
    }
    let hash = password::hash(form.nieuw_wachtwoord).await?;
    let mut tx = state.db.tenant_tx(row.tenant_id).await?;
    let claimed = sqlx::query(
        "update password_tokens set used_at = now() where tenant_id = $1 and token_hash = $2 and used_at is null",
    )
    .bind(row.tenant_id)
    .bind(digest(&token))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if claimed == 0 {
        return setup_page(
            &state,
            &headers,
            signed_in.as_ref(),
            None,
            FormErrors::default(),
        );
    }
    sqlx::query("update users set password_hash = $3, updated_at = now() where tenant_id = $1 and user_id = $2")
        .bind(row.tenant_id)
        .bind(row.user_id)
        .bind(hash)
        .execute(&mut *tx)
        .await?;
    session::end_all(&mut tx, row.user_id).await?;
    let actor = Actor {
        user_id: Some(row.user_id),
        label: row.email.clone(),
        origin: address,
    };
    audit::record(
        &mut tx,
        &actor,
        Event::new("wachtwoord_ingesteld", "gebruiker", row.user_id),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/inloggen?wachtwoord=ingesteld").into_response())
}
