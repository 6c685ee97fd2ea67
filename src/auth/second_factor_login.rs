//! The second step of signing in: the code of the second factor (or a recovery code) at
//! /inloggen/code, or setting the factor up first at /inloggen/tweede-factor when the tenant
//! requires one and the user has none. Codes are throttled like passwords.

use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use uuid::Uuid;

use crate::audit::{self, Actor, Event, Outcome};
use crate::auth::login::start_session;
use crate::auth::login_challenge::{self, Challenge, Purpose};
use crate::auth::{cookies, csrf, second_factor, session, throttle, totp};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::layout::{render, Layout};
use crate::web::ClientAddr;

/// The issuer name an authenticator app shows.
pub const ISSUER: &str = "Voorzieningenregister";

#[derive(Template)]
#[template(path = "auth/second_factor_code.html")]
struct CodePage {
    layout: Layout,
    error: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "auth/second_factor_setup.html")]
pub(crate) struct SetupPage {
    pub(crate) layout: Layout,
    pub(crate) action: String,
    pub(crate) qr_svg: String,
    pub(crate) secret: String,
    pub(crate) error: Option<&'static str>,
    /// On the account page: the setup is the user's choice, not a step of signing in.
    pub(crate) optional: bool,
}

#[derive(Template)]
#[template(path = "auth/recovery_codes.html")]
pub(crate) struct RecoveryPage {
    pub(crate) layout: Layout,
    pub(crate) codes: Vec<String>,
    pub(crate) next: String,
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

fn challenge_cookie(state: &AppState, headers: &HeaderMap) -> Option<String> {
    cookies::get(
        headers,
        &cookies::name(&state.settings, login_challenge::COOKIE),
    )
}

fn clear_challenge(state: &AppState, response: &mut Response) {
    let name = cookies::name(&state.settings, login_challenge::COOKIE);
    response.headers_mut().append(
        header::SET_COOKIE,
        cookies::set(&state.settings, &name, "", Some(0)),
    );
}

/// The live challenge of `purpose`, or the way back to the login form.
async fn challenge(
    state: &AppState,
    headers: &HeaderMap,
    purpose: Purpose,
) -> AppResult<Result<Challenge, Response>> {
    match login_challenge::find(&state.db, challenge_cookie(state, headers)).await? {
        Some(c) if c.purpose == purpose => Ok(Ok(c)),
        _ => Ok(Err(
            Redirect::to("/inloggen?tweede_factor=verlopen").into_response()
        )),
    }
}

fn anonymous_layout(
    state: &AppState,
    headers: &HeaderMap,
    title: &str,
) -> (Layout, Option<axum::http::HeaderValue>) {
    let (token, cookie) = csrf::form_token(&state.settings, headers, None);
    (Layout::anonymous(title, token), cookie)
}

fn finish(
    mut response: Response,
    cookie: Option<axum::http::HeaderValue>,
    status: StatusCode,
) -> Response {
    *response.status_mut() = status;
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// GET /inloggen/code
pub async fn code_form(State(state): State<AppState>, headers: HeaderMap) -> AppResult<Response> {
    if let Err(back) = challenge(&state, &headers, Purpose::Code).await? {
        return Ok(back);
    }
    code_page(&state, &headers, None, StatusCode::OK)
}

fn code_page(
    state: &AppState,
    headers: &HeaderMap,
    error: Option<&'static str>,
    status: StatusCode,
) -> AppResult<Response> {
    let (layout, cookie) = anonymous_layout(state, headers, "Inloggen: code");
    Ok(finish(render(&CodePage { layout, error })?, cookie, status))
}

/// The throttle's key for the codes of `user_id`: its own count, beside the password's.
pub(crate) fn throttle_key(user_id: Uuid) -> String {
    format!("tweede-factor/{user_id}")
}

fn actor(user_id: Uuid, address: &str) -> Actor {
    Actor {
        user_id: Some(user_id),
        label: format!("tweede factor van {user_id}"),
        origin: address.to_string(),
    }
}

/// POST /inloggen/code: the code of the authenticator app, or a recovery code.
pub async fn code_submit(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> AppResult<Response> {
    let c = match challenge(&state, &headers, Purpose::Code).await? {
        Ok(c) => c,
        Err(back) => return Ok(back),
    };
    let pool = state.db.pool();
    let key = throttle_key(c.user_id);
    // Written down before the code is checked: parallel guesses take turns at the count.
    if let Err(retry_at) = throttle::begin(pool, &state.settings, &key, &address).await? {
        let mut tx = state.db.tenant_tx(c.tenant_id).await?;
        let event = Event::new("tweede factor", "gebruiker", c.user_id).outcome(Outcome::Denied);
        audit::record(&mut tx, &actor(c.user_id, &address), event).await?;
        tx.commit().await?;
        return Err(AppError::TooManyRequests { retry_at });
    }
    let mut tx = state.db.tenant_tx(c.tenant_id).await?;
    let by_code = second_factor::accept_code(&mut tx, c.user_id, &form.code, false).await?;
    let by_recovery =
        !by_code && second_factor::use_recovery_code(&mut tx, c.user_id, &form.code).await?;
    if !(by_code || by_recovery) || !login_challenge::end(&mut tx, &c).await? {
        drop(tx);
        let mut tx = state.db.tenant_tx(c.tenant_id).await?;
        let event = Event::new("tweede factor", "gebruiker", c.user_id).outcome(Outcome::Failure);
        audit::record(&mut tx, &actor(c.user_id, &address), event).await?;
        tx.commit().await?;
        let message = "Deze code klopt niet of is al gebruikt. Typ de code die uw authenticator-app nu toont, \
                       of een van uw herstelcodes.";
        return code_page(&state, &headers, Some(message), StatusCode::UNAUTHORIZED);
    }
    throttle::succeeded(pool, &key).await?;
    if by_recovery {
        // A recovery code may mean a lost phone: every other session of the user ends.
        session::end_all(&mut tx, c.user_id).await?;
        let left = second_factor::recovery_codes_left(&mut tx, c.user_id).await?;
        let event = Event::new("herstelcode gebruikt", "gebruiker", c.user_id)
            .after(serde_json::json!({"herstelcodes_over": left}));
        audit::record(&mut tx, &actor(c.user_id, &address), event).await?;
    }
    let slug = tenant_slug(&mut tx).await?;
    let event = Event::new("login", "gebruiker", c.user_id).after(serde_json::json!({
        "tweede_factor": if by_code { "code" } else { "herstelcode" }
    }));
    let mut response = start_session(
        &state,
        tx,
        c.user_id,
        &slug,
        &c.back,
        &actor(c.user_id, &address),
        event,
    )
    .await?;
    clear_challenge(&state, &mut response);
    Ok(response)
}

async fn tenant_slug(tx: &mut crate::db::TenantTx) -> AppResult<String> {
    let tenant_id = tx.tenant_id();
    Ok(
        sqlx::query_scalar("select slug from tenants where tenant_id = $1")
            .bind(tenant_id)
            .fetch_one(&mut **tx)
            .await?,
    )
}

/// The e-mail address of `user_id`, as the authenticator app names the account.
pub(crate) async fn account_name(tx: &mut crate::db::TenantTx, user_id: Uuid) -> AppResult<String> {
    let tenant_id = tx.tenant_id();
    Ok(
        sqlx::query_scalar("select email from users where tenant_id = $1 and user_id = $2")
            .bind(tenant_id)
            .bind(user_id)
            .fetch_one(&mut **tx)
            .await?,
    )
}

/// The QR code and the typed form of the secret being set up.
pub(crate) fn setup_view(secret: &[u8], account: &str) -> (String, String) {
    let url = totp::otpauth_url(secret, ISSUER, account);
    (totp::qr_svg(&url), totp::secret_text(secret))
}

/// GET /inloggen/tweede-factor: the required second factor, set up before the first session.
pub async fn setup_form(State(state): State<AppState>, headers: HeaderMap) -> AppResult<Response> {
    let c = match challenge(&state, &headers, Purpose::Setup).await? {
        Ok(c) => c,
        Err(back) => return Ok(back),
    };
    setup_page(&state, &headers, &c, None, StatusCode::OK).await
}

async fn setup_page(
    state: &AppState,
    headers: &HeaderMap,
    c: &Challenge,
    error: Option<&'static str>,
    status: StatusCode,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(c.tenant_id).await?;
    let secret = second_factor::begin_setup(&mut tx, c.user_id).await?;
    let account = account_name(&mut tx, c.user_id).await?;
    tx.commit().await?;
    let Some(secret) = secret else {
        // Set up meanwhile (another tab): sign in with the code.
        return Ok(Redirect::to("/inloggen").into_response());
    };
    let (qr_svg, secret) = setup_view(&secret, &account);
    let (layout, cookie) = anonymous_layout(state, headers, "Tweede factor instellen");
    let page = SetupPage {
        layout,
        action: "/inloggen/tweede-factor".into(),
        qr_svg,
        secret,
        error,
        optional: false,
    };
    Ok(finish(render(&page)?, cookie, status))
}

/// POST /inloggen/tweede-factor: the first code confirms the factor; the session starts and
/// the recovery codes are shown once.
pub async fn setup_submit(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> AppResult<Response> {
    let c = match challenge(&state, &headers, Purpose::Setup).await? {
        Ok(c) => c,
        Err(back) => return Ok(back),
    };
    let pool = state.db.pool();
    let key = throttle_key(c.user_id);
    if let Err(retry_at) = throttle::begin(pool, &state.settings, &key, &address).await? {
        return Err(AppError::TooManyRequests { retry_at });
    }
    let mut tx = state.db.tenant_tx(c.tenant_id).await?;
    let confirmed = second_factor::accept_code(&mut tx, c.user_id, &form.code, true).await?;
    if !confirmed || !login_challenge::end(&mut tx, &c).await? {
        drop(tx);
        let message = "Deze code klopt niet. Scan de QR-code (of typ de sleutel over) en typ de code die de app nu toont.";
        return setup_page(
            &state,
            &headers,
            &c,
            Some(message),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    throttle::succeeded(pool, &key).await?;
    let codes = second_factor::new_recovery_codes(&mut tx, c.user_id).await?;
    session::end_all(&mut tx, c.user_id).await?;
    let who = actor(c.user_id, &address);
    audit::record(
        &mut tx,
        &who,
        Event::new("tweede factor ingeschakeld", "gebruiker", c.user_id),
    )
    .await?;
    let slug = tenant_slug(&mut tx).await?;
    let event = Event::new("login", "gebruiker", c.user_id)
        .after(serde_json::json!({"tweede_factor": "ingesteld"}));
    let redirect = start_session(&state, tx, c.user_id, &slug, &c.back, &who, event).await?;
    // The session cookie of the redirect, on the page with the codes.
    let next = redirect
        .headers()
        .get(header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .unwrap_or("/")
        .to_string();
    let (token, _) = csrf::form_token(&state.settings, &headers, None);
    let page = RecoveryPage {
        layout: Layout::anonymous("Uw herstelcodes", token),
        codes,
        next,
    };
    let mut response = render(&page)?;
    for cookie in redirect.headers().get_all(header::SET_COOKIE) {
        response
            .headers_mut()
            .append(header::SET_COOKIE, cookie.clone());
    }
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        "no-store".parse().expect("static header"),
    );
    clear_challenge(&state, &mut response);
    Ok(response)
}
