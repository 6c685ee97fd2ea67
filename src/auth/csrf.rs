//! CSRF protection: every POST/PUT/PATCH/DELETE must carry the token bound to the session
//! (before login: the one in the pre-login cookie) as the form field `csrf_token`, in
//! urlencoded and multipart forms alike, or as the `X-CSRF-Token` header.

use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::cookies;
use crate::auth::session::MaybeUser;
use crate::auth::token::{constant_time_eq, random_token};
use crate::config::Settings;
use crate::error::AppError;
use crate::state::AppState;

pub const FIELD: &str = "csrf_token";
/// Largest request body accepted at all (uploads included).
pub const MAX_BODY: usize = 25 * 1024 * 1024;

pub async fn verify_csrf(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let expected = match req
        .extensions()
        .get::<MaybeUser>()
        .and_then(|m| m.0.as_ref())
    {
        Some(user) => Some(user.csrf_token.clone()),
        // Logging out without a session changes nothing; an expired session must not trap
        // the user behind a refusal.
        None if req.uri().path() == "/uitloggen" => return next.run(req).await,
        None => cookies::get(
            req.headers(),
            &cookies::name(&state.settings, cookies::ANON_CSRF),
        ),
    };
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(bytes) => bytes,
        Err(_) => return AppError::PayloadTooLarge.into_response(),
    };
    let sent = match parts
        .headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
    {
        Some(token) => Some(token.to_string()),
        None => token_in_body(&parts.headers, &bytes).await,
    };
    if has_nul(&parts.headers, &bytes) {
        return AppError::BadRequest(
            "Het formulier bevat een ongeldig teken (NUL). Verwijder het en probeer opnieuw."
                .into(),
        )
        .into_response();
    }
    match (expected, sent) {
        (Some(expected), Some(sent)) if constant_time_eq(&expected, &sent) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        _ => {
            // The route, never the path: a path may hold a secret (a one-time link's token).
            let route = parts
                .extensions
                .get::<MatchedPath>()
                .map_or("-", |m| m.as_str());
            tracing::info!(route = %route, "csrf check failed");
            AppError::Csrf.into_response()
        }
    }
}

/// PostgreSQL text cannot hold NUL; no form field legitimately contains one.
fn has_nul(headers: &HeaderMap, bytes: &Bytes) -> bool {
    let urlencoded = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    urlencoded && form_urlencoded::parse(bytes).any(|(k, v)| k.contains('\0') || v.contains('\0'))
}

async fn token_in_body(headers: &HeaderMap, bytes: &Bytes) -> Option<String> {
    let content_type = headers
        .get(header::CONTENT_TYPE)?
        .to_str()
        .ok()?
        .to_ascii_lowercase();
    if content_type.starts_with("application/x-www-form-urlencoded") {
        return form_urlencoded::parse(bytes)
            .find(|(k, _)| k == FIELD)
            .map(|(_, v)| v.into_owned());
    }
    if content_type.starts_with("multipart/form-data") {
        // The whole body is already in memory and within MAX_BODY: read it without the
        // extractor's default limit, which is meant for the handlers.
        let boundary =
            multer::parse_boundary(headers.get(header::CONTENT_TYPE)?.to_str().ok()?).ok()?;
        let body = bytes.clone();
        let stream =
            futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
        let mut multipart = multer::Multipart::new(stream, boundary);
        while let Ok(Some(field)) = multipart.next_field().await {
            if field.name() == Some(FIELD) {
                return field.text().await.ok();
            }
        }
    }
    None
}

/// The token a form on a page open to everyone must carry: the session's when the browser
/// is signed in (that is what [`verify_csrf`] then expects), else the pre-login one, with the
/// cookie to set when it is new.
pub fn form_token(
    settings: &Settings,
    headers: &HeaderMap,
    user: Option<&crate::auth::session::CurrentUser>,
) -> (String, Option<HeaderValue>) {
    match user {
        Some(user) => (user.csrf_token.clone(), None),
        None => anonymous_token(settings, headers),
    }
}

/// The pre-login token for an anonymous form, and the cookie to set when it is new.
pub fn anonymous_token(settings: &Settings, headers: &HeaderMap) -> (String, Option<HeaderValue>) {
    let name = cookies::name(settings, cookies::ANON_CSRF);
    match cookies::get(headers, &name) {
        Some(token) => (token, None),
        None => {
            let token = random_token();
            let cookie = cookies::set(settings, &name, &token, None);
            (token, Some(cookie))
        }
    }
}
