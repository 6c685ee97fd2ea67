//! A signed-in user changes their own password; all their sessions end.

use askama::Template;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use crate::audit::{self, Actor, Event, Outcome};
use crate::auth::current_user::CurrentUser;
use crate::auth::login::clear_session_cookie;
use crate::auth::password_links::check_new_password;
use crate::auth::roles::Section;
use crate::auth::session;
use crate::auth::{password, throttle};
use crate::error::{AppError, AppResult};
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::web::layout::{render, Layout};
use crate::web::ClientAddr;

#[derive(Template)]
#[template(path = "auth/password_change.html")]
struct ChangePage {
    layout: Layout,
    user: CurrentUser,
    errors: FormErrors,
}

#[derive(Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    huidig_wachtwoord: String,
    #[serde(default)]
    nieuw_wachtwoord: String,
    #[serde(default)]
    herhaling: String,
}

fn page(user: CurrentUser, errors: FormErrors) -> AppResult<Response> {
    let layout = Layout::for_user(&user, "Wachtwoord wijzigen", Some(Section::Account));
    let invalid = !errors.is_empty();
    let mut response = render(&ChangePage {
        layout,
        user,
        errors,
    })?;
    if invalid {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// GET /{tenant}/account/wachtwoord
pub async fn change_form(user: CurrentUser) -> AppResult<Response> {
    page(user, FormErrors::default())
}

/// POST /{tenant}/account/wachtwoord
pub async fn change(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    Form(form): Form<ChangeForm>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let stored: Option<String> =
        sqlx::query_scalar("select password_hash from users where tenant_id = $1 and user_id = $2")
            .bind(user.tenant_id)
            .bind(user.user_id)
            .fetch_one(&mut *tx)
            .await?;
    tx.commit().await?;
    let actor = Actor::user(&user, &address);
    let refused =
        |outcome| Event::new("wachtwoord_wijzigen", "gebruiker", user.user_id).outcome(outcome);

    // Guessing the current password counts with guessing it at the login form.
    let pool = state.db.pool();
    let attempt = match throttle::begin(pool, &state.settings, &user.email, &address).await? {
        Ok(attempt) => attempt,
        Err(retry_at) => {
            let mut tx = state.db.tenant_tx(user.tenant_id).await?;
            audit::record(&mut tx, &actor, refused(Outcome::Denied)).await?;
            tx.commit().await?;
            return Err(AppError::TooManyRequests { retry_at });
        }
    };
    let mut errors = FormErrors::default();
    match password::verify(form.huidig_wachtwoord, stored).await {
        Ok(true) => throttle::succeeded(pool, &user.email).await?,
        Ok(false) => {
            errors.add("huidig_wachtwoord", "Uw huidige wachtwoord klopt niet.");
            let mut tx = state.db.tenant_tx(user.tenant_id).await?;
            audit::record(&mut tx, &actor, refused(Outcome::Failure)).await?;
            tx.commit().await?;
        }
        Err(err) => {
            throttle::withdraw(pool, attempt).await?;
            return Err(err);
        }
    }
    check_new_password(&mut errors, &form.nieuw_wachtwoord, &form.herhaling);
    if !errors.is_empty() {
        return page(user, errors);
    }
    let hash = password::hash(form.nieuw_wachtwoord).await?;
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    sqlx::query("update users set password_hash = $3, updated_at = now() where tenant_id = $1 and user_id = $2")
        .bind(user.tenant_id)
        .bind(user.user_id)
        .bind(hash)
        .execute(&mut *tx)
        .await?;
    session::end_all(&mut tx, user.user_id).await?;
    audit::record(
        &mut tx,
        &actor,
        Event::new("wachtwoord_gewijzigd", "gebruiker", user.user_id),
    )
    .await?;
    tx.commit().await?;
    let mut response = Redirect::to("/inloggen?wachtwoord=gewijzigd").into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, clear_session_cookie(&state));
    Ok(response)
}
