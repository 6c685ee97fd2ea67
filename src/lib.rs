//! Voorzieningenregister: a multi-tenant register of algemene voorzieningen.
//!
//! [`app`] builds the router from the state; [`serve`] runs it until the shutdown future ends.

pub mod audit;
pub mod auth;
pub mod cache;
pub mod cbs;
pub mod checklist;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod fields;
pub mod form_errors;
pub mod holidays;
pub mod home;
pub mod hsds;
pub mod lookup;
pub mod mail;
pub mod pdf;
pub mod referrals;
pub mod register;
pub mod search;
pub mod state;
pub mod subsidy;
pub mod tenancy;
pub mod termijnenwet;
pub mod web;

use std::future::Future;
use std::net::SocketAddr;

use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;

use crate::auth::access::require_member;
use crate::auth::roles::Section;
use crate::error::AppError;
pub use crate::state::AppState;

/// The whole site.
pub fn app(state: AppState) -> Router {
    // Pages of one tenant: signed-in members only; each section checks its roles.
    let member_pages = Router::new()
        .route("/{tenant}/", get(home::home))
        .route(
            "/{tenant}/account/wachtwoord",
            get(auth::password_change::change_form).post(auth::password_change::change),
        )
        .route(
            "/{tenant}/account/tweede-factor",
            get(auth::second_factor_page::show).post(auth::second_factor_page::change),
        )
        .route_layer(from_fn_with_state(
            Section::Home,
            auth::access::require_section,
        ))
        .merge(tenancy::router())
        .merge(register::router())
        .merge(lookup::router())
        .merge(referrals::router())
        .merge(checklist::router())
        .merge(subsidy::router())
        .route_layer(from_fn(require_member));

    let pages = Router::new()
        .route("/", get(auth::login::root))
        .route(
            "/inloggen",
            get(auth::login::login_form).post(auth::login::login),
        )
        .route(
            "/inloggen/code",
            get(auth::second_factor_login::code_form).post(auth::second_factor_login::code_submit),
        )
        .route(
            "/inloggen/tweede-factor",
            get(auth::second_factor_login::setup_form)
                .post(auth::second_factor_login::setup_submit),
        )
        .route("/uitloggen", axum::routing::post(auth::login::logout))
        .route(
            "/wachtwoord-instellen/{token}",
            get(auth::password_links::setup_form).post(auth::password_links::setup),
        )
        .route("/{tenant}", get(tenant_root))
        .merge(lookup::public_router())
        .merge(subsidy::open_data::public_router())
        .merge(member_pages)
        .fallback(not_found)
        .layer(from_fn_with_state(state.clone(), auth::csrf::verify_csrf))
        // Legal terms count with the Algemene termijnenwet's decrees as this process last read them.
        .layer(from_fn_with_state(
            state.clone(),
            termijnenwet::middleware::within,
        ))
        .layer(from_fn_with_state(
            state.clone(),
            auth::session::load_session,
        ));

    let infrastructure = Router::new()
        .route("/healthz", get(web::health::healthz))
        .route("/readyz", get(web::health::readyz))
        .route("/static/{*path}", get(web::assets::asset))
        .route("/kaartinstellingen.js", get(web::assets::map_settings))
        .merge(hsds::router())
        .merge(subsidy::open_data::api_router());

    pages
        .merge(infrastructure)
        .layer(from_fn_with_state(
            state.clone(),
            web::headers::security_headers,
        ))
        .layer(from_fn_with_state(state.clone(), web::limits::time_limit))
        .layer(from_fn_with_state(state.clone(), web::observe::observe))
        .with_state(state)
}

/// `/{tenant}` without the slash: to the tenant's start page.
async fn tenant_root(
    axum::extract::Path(tenant): axum::extract::Path<String>,
) -> axum::response::Redirect {
    let slug: String = tenant
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    axum::response::Redirect::to(&format!("/{slug}/"))
}

async fn not_found() -> AppError {
    AppError::NotFound
}

/// Serves until `shutdown` completes, then finishes open requests.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let purge = tokio::spawn(purge_expired(state.clone()));
    let reminders = state.mailer.is_some().then(|| {
        [
            tokio::spawn(subsidy::after::reminders_job::daily(state.clone())),
            tokio::spawn(register::facilities::verification::daily(state.clone())),
        ]
    });
    let result = axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    purge.abort();
    for task in reminders.into_iter().flatten() {
        task.abort();
    }
    result
}

/// Removes expired sessions, used links, old login failures and system audit events past their
/// retention every ten minutes.
async fn purge_expired(state: AppState) {
    let mut interval = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        interval.tick().await;
        let result = sqlx::query("select auth_purge_expired($1, $2)")
            .bind(state.settings.session_idle.as_secs() as i32)
            .bind(state.settings.session_absolute.as_secs() as i32)
            .execute(state.db.pool())
            .await;
        if let Err(err) = result {
            tracing::warn!(error = %err, "purging expired sessions failed");
        }
        let purged = sqlx::query_scalar::<_, i64>("select system_audit_purge($1)")
            .bind(state.settings.system_audit_retention_days)
            .fetch_one(state.db.pool())
            .await;
        match purged {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                events = n,
                "system audit events past their retention removed"
            ),
            Err(err) => tracing::warn!(error = %err, "purging old system audit events failed"),
        }
    }
}
