//! CSRF protection: every POST/PUT/PATCH/DELETE must carry the token bound to the session
//! (before login: the one in the pre-login cookie) as the form field `csrf_token`, in
//! urlencoded and multipart forms alike, or as the `X-CSRF-Token` header.

use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::cookies;
use crate::auth::current_user::MaybeUser;
use crate::auth::form_body::{self, FIELD};
use crate::auth::token::{constant_time_eq, random_token};
use crate::config::Settings;
use crate::error::AppError;
use crate::state::AppState;

/// The largest form (urlencoded or, before login, any body) read for the check: no page's
/// form comes near it, and an anonymous request can make the server hold no more than this.
pub const FORM_LIMIT: usize = 64 * 1024;

/// Signed-in forms that may be larger than [`FORM_LIMIT`], by route: a subsidy application
/// (an answer of up to 8,000 characters per criterion), scores with a motivation of up to
/// 4,000 characters per criterion, a scheme's budget lines, a round's criteria, a facility with
/// every text filled in, and pseudonym uploads.
const LARGER_FORMS: &[(&str, usize)] = &[
    ("/{tenant}/aanvragen/{id}", 1024 * 1024),
    ("/{tenant}/beoordelen/{id}/scores", 256 * 1024),
    ("/{tenant}/beoordelen/{id}/eindscore", 256 * 1024),
    ("/{tenant}/regelingen/{regeling}/rondes", 256 * 1024),
    ("/{tenant}/regelingen/{regeling}/rondes/{ronde}", 256 * 1024),
    ("/{tenant}/voorzieningen", 256 * 1024),
    ("/{tenant}/voorzieningen/{id}", 256 * 1024),
    ("/{tenant}/regelingen", 256 * 1024),
    ("/{tenant}/regelingen/{regeling}", 256 * 1024),
    // Pseudonyms for the double-funding check: up to 100,000 lines of 65 characters.
    (
        "/{tenant}/regelingen/dubbele-financiering/upload",
        8 * 1024 * 1024,
    ),
    ("/{tenant}/aanvragen/deelnemers/upload", 8 * 1024 * 1024),
];

/// How much of a form body this request may send: its route's allowance for a signed-in user,
/// [`FORM_LIMIT`] for anything else.
fn form_limit(signed_in: bool, route: Option<&str>) -> usize {
    route
        .filter(|_| signed_in)
        .and_then(|r| LARGER_FORMS.iter().find(|(path, _)| *path == r))
        .map_or(FORM_LIMIT, |(_, limit)| *limit)
}

/// Checks the token before anything else reads the body, and reads no more of the body than
/// that takes (see [`form_body`](crate::auth::form_body)): a request without a session or
/// pre-login cookie is refused without reading any of it, one that declares a body beyond its
/// limit likewise, and an upload streams on to its handler after the token.
pub async fn verify_csrf(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let session_token = req
        .extensions()
        .get::<MaybeUser>()
        .and_then(|m| m.0.as_ref())
        .map(|user| user.csrf_token.clone());
    let signed_in = session_token.is_some();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned());
    let expected = match session_token {
        Some(token) => token,
        // Logging out without a session changes nothing; an expired session must not trap
        // the user behind a refusal.
        None if req.uri().path() == "/uitloggen" => return next.run(req).await,
        None => match cookies::get(
            req.headers(),
            &cookies::name(&state.settings, cookies::ANON_CSRF),
        ) {
            Some(token) => token,
            // No form of this site was ever opened: nothing to check against, nothing to read.
            None => return refuse(route.as_deref()),
        },
    };
    let (parts, body) = req.into_parts();
    let content_type = form_body::content_type(&parts.headers);
    let header_token = parts
        .headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);

    // A signed-in upload: the token from the first part, the rest streams on.
    if signed_in && content_type.starts_with("multipart/form-data") {
        let (sent, body) = match header_token {
            Some(token) => (Some(token), body),
            None => form_body::multipart_token(&parts.headers, body).await,
        };
        return match sent {
            Some(sent) if constant_time_eq(&expected, &sent) => {
                next.run(Request::from_parts(parts, body)).await
            }
            _ => refuse(route.as_deref()),
        };
    }

    let limit = form_limit(signed_in, route.as_deref());
    if form_body::declared_length(&parts.headers).is_some_and(|n| n > limit as u64) {
        return AppError::PayloadTooLarge.into_response();
    }
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => bytes,
        Err(_) => return AppError::PayloadTooLarge.into_response(),
    };
    let sent = match header_token {
        Some(token) => Some(token),
        None => token_in_body(&parts.headers, &bytes).await,
    };
    if has_nul(&parts.headers, &bytes) {
        return AppError::BadRequest(
            "Het formulier bevat een ongeldig teken (NUL). Verwijder het en probeer opnieuw."
                .into(),
        )
        .into_response();
    }
    match sent {
        Some(sent) if constant_time_eq(&expected, &sent) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        _ => refuse(route.as_deref()),
    }
}

fn refuse(route: Option<&str>) -> Response {
    // The route, never the path: a path may hold a secret (a one-time link's token).
    tracing::info!(route = %route.unwrap_or("-"), "csrf check failed");
    AppError::Csrf.into_response()
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
        // A multipart form before login: already in memory, within FORM_LIMIT.
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
    user: Option<&crate::auth::current_user::CurrentUser>,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn larger_forms_only_for_signed_in_users_on_their_routes() {
        let application = Some("/{tenant}/aanvragen/{id}");
        assert_eq!(form_limit(true, application), 1024 * 1024);
        assert_eq!(form_limit(false, application), FORM_LIMIT);
        assert_eq!(
            form_limit(true, Some("/{tenant}/beheer/gebieden")),
            FORM_LIMIT
        );
        assert_eq!(form_limit(true, None), FORM_LIMIT);
        assert_eq!(
            form_limit(true, Some("/{tenant}/voorzieningen/{id}")),
            256 * 1024
        );
    }
}
