//! Signing in at /inloggen and out at /uitloggen.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use sqlx::FromRow;
use uuid::Uuid;

use crate::audit::{self, Actor, Event, Outcome};
use crate::auth::access::is_local_path;
use crate::auth::current_user::{CurrentUser, MaybeUser};
use crate::auth::login_challenge::{self, Purpose};
use crate::auth::session;
use crate::auth::{cookies, csrf, password, second_factor, throttle};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::layout::{render, Layout};
use crate::web::ClientAddr;

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    layout: Layout,
    email: String,
    back: String,
    failed: bool,
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    terug: Option<String>,
    uitgelogd: Option<String>,
    wachtwoord: Option<String>,
    tweede_factor: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    terug: String,
}

/// What login learns of the account of an address: the hash only while it may log in.
#[derive(FromRow)]
struct LoginRow {
    tenant_id: Uuid,
    user_id: Uuid,
    tenant_slug: String,
    password_hash: Option<String>,
}

/// GET /inloggen: the login form (or the home page for someone already signed in).
pub async fn login_form(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    headers: HeaderMap,
    Query(query): Query<LoginQuery>,
) -> AppResult<Response> {
    if let Some(user) = user {
        return Ok(Redirect::to(&user.href("/")).into_response());
    }
    let notice = match (query.uitgelogd.as_deref(), query.wachtwoord.as_deref()) {
        _ if query.tweede_factor.is_some() => {
            Some("Log opnieuw in: de stap voor de tweede factor is verlopen of al afgerond.")
        }
        (Some(_), _) => Some("U bent uitgelogd."),
        (_, Some("gewijzigd")) => {
            Some("Uw wachtwoord is gewijzigd. Log in met uw nieuwe wachtwoord.")
        }
        (_, Some("ingesteld")) => Some("Uw wachtwoord is ingesteld. U kunt nu inloggen."),
        _ => None,
    };
    let back = query.terug.filter(|b| is_local_path(b)).unwrap_or_default();
    page(&state, &headers, None, String::new(), back, false, notice)
}

fn page(
    state: &AppState,
    headers: &HeaderMap,
    signed_in: Option<&CurrentUser>,
    email: String,
    back: String,
    failed: bool,
    notice: Option<&str>,
) -> AppResult<Response> {
    let (token, cookie) = csrf::form_token(&state.settings, headers, signed_in);
    let layout = Layout::anonymous("Inloggen", token).with_notice(notice);
    let mut response = render(&LoginPage {
        layout,
        email,
        back,
        failed,
    })?;
    if failed {
        *response.status_mut() = StatusCode::UNAUTHORIZED;
    }
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

/// POST /inloggen
pub async fn login(
    State(state): State<AppState>,
    MaybeUser(current): MaybeUser,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let email: String = form
        .email
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_control())
        .take(320)
        .collect();
    let back = Some(form.terug)
        .filter(|b| is_local_path(b))
        .unwrap_or_default();
    let pool = state.db.pool();

    // The attempt is written down before the password is checked: parallel guesses cannot
    // all slip in under the limit.
    let attempt = match throttle::begin(pool, &state.settings, &email, &address).await? {
        Ok(attempt) => attempt,
        Err(retry_at) => {
            let actor = Actor {
                user_id: None,
                label: email.clone(),
                origin: address.clone(),
            };
            audit::record_system(
                pool,
                &actor,
                Event::new("login", "gebruiker", &email).outcome(Outcome::Denied),
            )
            .await?;
            return Err(AppError::TooManyRequests { retry_at });
        }
    };

    let found: Option<LoginRow> = sqlx::query_as(
        "select tenant_id, user_id, tenant_slug, password_hash from auth_login_lookup($1)",
    )
    .bind(&email)
    .fetch_optional(pool)
    .await?;
    let stored = found.as_ref().and_then(|f| f.password_hash.clone());
    let password_ok = match password::verify(form.password, stored).await {
        Ok(ok) => ok,
        Err(err) => {
            throttle::withdraw(pool, attempt).await?;
            return Err(err);
        }
    };

    let actor = |user_id| Actor {
        user_id,
        label: email.clone(),
        origin: address.clone(),
    };
    let user = match found {
        // A deactivated account has no hash here, so its password never checks out.
        Some(row) if password_ok => row,
        other => {
            // The attempt stays written down as a failure.
            match other {
                Some(row) => {
                    let mut tx = state.db.tenant_tx(row.tenant_id).await?;
                    let event =
                        Event::new("login", "gebruiker", row.user_id).outcome(Outcome::Failure);
                    audit::record(&mut tx, &actor(Some(row.user_id)), event).await?;
                    tx.commit().await?;
                }
                None => {
                    let event = Event::new("login", "gebruiker", &email).outcome(Outcome::Failure);
                    audit::record_system(pool, &actor(None), event).await?;
                }
            }
            return page(&state, &headers, current.as_ref(), email, back, true, None);
        }
    };

    throttle::succeeded(pool, &email).await?;
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    // A second factor when the user has one, or must have one and sets it up first.
    let mode = second_factor::mode(pool, user.tenant_id).await?;
    let has_factor = second_factor::enabled(&mut tx, user.user_id).await?;
    let roles = second_factor::roles(&mut tx, user.user_id).await?;
    if has_factor || mode.requires(&roles) {
        let (purpose, path) = if has_factor {
            (Purpose::Code, "/inloggen/code")
        } else {
            (Purpose::Setup, "/inloggen/tweede-factor")
        };
        let value = login_challenge::create(&mut tx, user.user_id, purpose, &back).await?;
        let event = Event::new("wachtwoord juist", "gebruiker", user.user_id).after(
            serde_json::json!({"tweede_factor": if has_factor { "gevraagd" } else { "instellen" }}),
        );
        audit::record(&mut tx, &actor(Some(user.user_id)), event).await?;
        tx.commit().await?;
        let mut response = Redirect::to(path).into_response();
        let name = cookies::name(&state.settings, login_challenge::COOKIE);
        response.headers_mut().append(
            header::SET_COOKIE,
            cookies::set(
                &state.settings,
                &name,
                &value,
                Some(login_challenge::LIFETIME),
            ),
        );
        return Ok(response);
    }
    if let Some(previous) = current.filter(|c| c.tenant_id == user.tenant_id) {
        session::end(&mut tx, &previous.session_hash).await?;
    }
    start_session(
        &state,
        tx,
        user.user_id,
        &user.tenant_slug,
        &back,
        &actor(Some(user.user_id)),
        Event::new("login", "gebruiker", user.user_id),
    )
    .await
}

/// Starts the session of `user_id` (audited as `event`) and sends the user to `back` when it
/// is a page of their tenant, else to their start page.
pub async fn start_session(
    state: &AppState,
    mut tx: crate::db::TenantTx,
    user_id: Uuid,
    tenant_slug: &str,
    back: &str,
    actor: &Actor,
    event: Event<'_>,
) -> AppResult<Response> {
    let session_id = session::create(&mut tx, user_id).await?;
    audit::record(&mut tx, actor, event).await?;
    tx.commit().await?;
    let target = if back.starts_with(&format!("/{tenant_slug}/")) {
        back.to_string()
    } else {
        format!("/{tenant_slug}/")
    };
    let mut response = Redirect::to(&target).into_response();
    let name = cookies::name(&state.settings, cookies::SESSION);
    response.headers_mut().append(
        header::SET_COOKIE,
        cookies::set(&state.settings, &name, &session_id, None),
    );
    Ok(response)
}

/// POST /uitloggen
pub async fn logout(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    ClientAddr(address): ClientAddr,
) -> AppResult<Response> {
    if let Some(user) = user {
        let mut tx = state.db.tenant_tx(user.tenant_id).await?;
        session::end(&mut tx, &user.session_hash).await?;
        audit::record(
            &mut tx,
            &Actor::user(&user, &address),
            Event::new("logout", "gebruiker", user.user_id),
        )
        .await?;
        tx.commit().await?;
    }
    let mut response = Redirect::to("/inloggen?uitgelogd=1").into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, clear_session_cookie(&state));
    Ok(response)
}

pub fn clear_session_cookie(state: &AppState) -> axum::http::HeaderValue {
    let name = cookies::name(&state.settings, cookies::SESSION);
    cookies::set(&state.settings, &name, "", Some(0))
}

/// GET /: to one's own start page, or to the login form.
pub async fn root(MaybeUser(user): MaybeUser) -> Redirect {
    match user {
        Some(user) => Redirect::to(&user.href("/")),
        None => Redirect::to("/inloggen"),
    }
}
