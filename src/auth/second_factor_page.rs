//! The user's own second factor on "Mijn account": setting it up, new recovery codes, switching
//! it off (not when the tenant requires it), and, for a beheerder, who in the tenant must use
//! one. Every change needs a current code, is audited, and ends the user's other sessions.

use askama::Template;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use serde_json::json;

use crate::audit::{self, Actor, Event, Outcome};
use crate::auth::current_user::CurrentUser;
use crate::auth::roles::{Role, Section};
use crate::auth::second_factor::{self, Mode};
use crate::auth::second_factor_login::{
    account_name, setup_view, throttle_key, RecoveryPage, SetupPage,
};
use crate::auth::{session, throttle};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::layout::{render, Layout};
use crate::web::ClientAddr;

#[derive(Template)]
#[template(path = "auth/second_factor.html")]
struct FactorPage {
    layout: Layout,
    action: String,
    codes_left: i64,
    required: bool,
    /// The form sent with an error, and the message.
    error: Option<(&'static str, &'static str)>,
    /// A beheerder sets who must use one.
    mode: Option<&'static str>,
}

impl FactorPage {
    fn mode_is(&self, mode: &str) -> bool {
        self.mode == Some(mode)
    }

    fn error_of(&self, form: &str) -> Option<&'static str> {
        self.error.filter(|(f, _)| *f == form).map(|(_, m)| m)
    }
}

#[derive(Deserialize, Default)]
pub struct FactorForm {
    #[serde(default)]
    actie: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    verplicht: String,
}

fn action(user: &CurrentUser) -> String {
    user.href("/account/tweede-factor")
}

/// GET /{tenant}/account/tweede-factor
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    axum::extract::Query(query): axum::extract::Query<NoticeQuery>,
) -> AppResult<Response> {
    let notice = match query.melding.as_deref() {
        Some("uitgeschakeld") => Some("De tweede factor is uitgeschakeld."),
        Some("opgeslagen") => Some("Opgeslagen."),
        _ => None,
    };
    page(&state, &user, None, notice, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    melding: Option<String>,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    error: Option<(&'static str, &'static str)>,
    notice: Option<&str>,
    status: StatusCode,
) -> AppResult<Response> {
    let mode = second_factor::mode(state.db.pool(), user.tenant_id).await?;
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let enabled = second_factor::enabled(&mut tx, user.user_id).await?;
    if !enabled {
        let secret = second_factor::begin_setup(&mut tx, user.user_id).await?;
        let account = account_name(&mut tx, user.user_id).await?;
        tx.commit().await?;
        let (qr_svg, secret) = setup_view(&secret.unwrap_or_default(), &account);
        let layout =
            Layout::for_user(user, "Tweede factor", Some(Section::Account)).with_notice(notice);
        let mut response = render(&SetupPage {
            layout,
            action: action(user),
            qr_svg,
            secret,
            error: error.map(|(_, m)| m),
            optional: true,
        })?;
        *response.status_mut() = status;
        return Ok(response);
    }
    let codes_left = second_factor::recovery_codes_left(&mut tx, user.user_id).await?;
    tx.commit().await?;
    let layout =
        Layout::for_user(user, "Tweede factor", Some(Section::Account)).with_notice(notice);
    let mut response = render(&FactorPage {
        layout,
        action: action(user),
        codes_left,
        required: mode.requires(&user.roles),
        error,
        mode: user.has_role(Role::Beheerder).then_some(mode.as_str()),
    })?;
    *response.status_mut() = status;
    Ok(response)
}

/// POST /{tenant}/account/tweede-factor: `actie` = inschakelen, herstelcodes, uitschakelen or
/// (beheerder) verplicht.
pub async fn change(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    Form(form): Form<FactorForm>,
) -> AppResult<Response> {
    let actor = Actor::user(&user, &address);
    if form.actie == "verplicht" {
        return set_mode(&state, &user, &actor, &form.verplicht).await;
    }
    let confirm = match form.actie.as_str() {
        "inschakelen" => true,
        "herstelcodes" | "uitschakelen" => false,
        _ => return Err(AppError::BadRequest("Kies wat u wilt doen.".into())),
    };
    let mode = second_factor::mode(state.db.pool(), user.tenant_id).await?;
    if form.actie == "uitschakelen" && mode.requires(&user.roles) {
        let message = "Voor uw rol is een tweede factor verplicht: uitschakelen kan niet. Maak zo nodig nieuwe herstelcodes.";
        return page(
            &state,
            &user,
            Some(("uitschakelen", message)),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let pool = state.db.pool();
    let key = throttle_key(user.user_id);
    if let Err(retry_at) = throttle::begin(pool, &state.settings, &key, &address).await? {
        let mut tx = state.db.tenant_tx(user.tenant_id).await?;
        let event = Event::new("tweede factor", "gebruiker", user.user_id).outcome(Outcome::Denied);
        audit::record(&mut tx, &actor, event).await?;
        tx.commit().await?;
        return Err(AppError::TooManyRequests { retry_at });
    }
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    if !second_factor::accept_code(&mut tx, user.user_id, &form.code, confirm).await? {
        drop(tx);
        let message = "Deze code klopt niet of is al gebruikt. Typ de code die uw authenticator-app nu toont.";
        let form_name = if confirm {
            "inschakelen"
        } else {
            leak(&form.actie)
        };
        return page(
            &state,
            &user,
            Some((form_name, message)),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    throttle::succeeded(pool, &key).await?;
    session::end_others(&mut tx, user.user_id, &user.session_hash).await?;
    let (what, codes) = match form.actie.as_str() {
        "uitschakelen" => {
            second_factor::remove(&mut tx, user.user_id).await?;
            ("tweede factor uitgeschakeld", None)
        }
        "herstelcodes" => (
            "herstelcodes vernieuwd",
            Some(second_factor::new_recovery_codes(&mut tx, user.user_id).await?),
        ),
        _ => (
            "tweede factor ingeschakeld",
            Some(second_factor::new_recovery_codes(&mut tx, user.user_id).await?),
        ),
    };
    audit::record(&mut tx, &actor, Event::new(what, "gebruiker", user.user_id)).await?;
    tx.commit().await?;
    let Some(codes) = codes else {
        return Ok(
            Redirect::to(&format!("{}?melding=uitgeschakeld", action(&user))).into_response(),
        );
    };
    let layout = Layout::for_user(&user, "Uw herstelcodes", Some(Section::Account));
    let mut response = render(&RecoveryPage {
        layout,
        codes,
        next: action(&user),
    })?;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        "no-store".parse().expect("static header"),
    );
    Ok(response)
}

fn leak(actie: &str) -> &'static str {
    match actie {
        "uitschakelen" => "uitschakelen",
        _ => "herstelcodes",
    }
}

/// A beheerder sets who in the tenant must use a second factor (never nobody).
async fn set_mode(
    state: &AppState,
    user: &CurrentUser,
    actor: &Actor,
    wanted: &str,
) -> AppResult<Response> {
    if !user.has_role(Role::Beheerder) {
        return Err(AppError::NotFound);
    }
    let mode = match wanted {
        "beheer" => Mode::Beheer,
        "iedereen" => Mode::Everyone,
        _ => {
            let message = "Kies voor wie de tweede factor verplicht is: beheerders of iedereen.";
            return page(
                state,
                user,
                Some(("verplicht", message)),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let before: String = sqlx::query_scalar("select tenant_set_second_factor($1, $2)")
        .bind(user.tenant_id)
        .bind(mode.as_str())
        .fetch_one(&mut *tx)
        .await?;
    let event = Event::new("tweede factor verplicht", "organisatie", user.tenant_id)
        .before(json!({"verplicht_voor": before}))
        .after(json!({"verplicht_voor": mode.as_str()}));
    audit::record(&mut tx, actor, event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?melding=opgeslagen", action(user))).into_response())
}
