//! The one mechanism that guards tenant routes: [`require_member`] admits only signed-in users
//! of the tenant in the path (others get 404, not a hint that the tenant exists), and
//! [`require_section`] admits only the roles a [`Section`] names.

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use crate::auth::current_user::{CurrentUser, MaybeUser};
use crate::auth::roles::Section;
use crate::error::AppError;

/// Middleware for every `/{tenant}/...` route.
pub async fn require_member(mut req: Request, next: Next) -> Response {
    let slug = req
        .uri()
        .path()
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("")
        .to_string();
    let user = req
        .extensions()
        .get::<MaybeUser>()
        .and_then(|m| m.0.clone());
    match user {
        None => {
            let back = req
                .uri()
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            Redirect::to(&login_url(back)).into_response()
        }
        Some(user) if user.tenant_slug != slug => AppError::NotFound.into_response(),
        Some(user) => {
            req.extensions_mut().insert::<CurrentUser>(user);
            next.run(req).await
        }
    }
}

/// Middleware for the routes of one section; use after [`require_member`].
/// Reading (GET, HEAD) needs [`Section::roles`]; anything else [`Section::write_roles`].
pub async fn require_section(State(section): State<Section>, req: Request, next: Next) -> Response {
    let reading = matches!(*req.method(), Method::GET | Method::HEAD);
    match req.extensions().get::<CurrentUser>() {
        Some(user) if user.may(section) && (reading || user.may_change(section)) => {
            next.run(req).await
        }
        Some(_) => AppError::Forbidden.into_response(),
        None => AppError::NotFound.into_response(),
    }
}

/// Middleware for pages that exist only to change something (the "new" and "edit" forms):
/// [`Section::write_roles`] whatever the method.
pub async fn require_change(State(section): State<Section>, req: Request, next: Next) -> Response {
    match req.extensions().get::<CurrentUser>() {
        Some(user) if user.may(section) && user.may_change(section) => next.run(req).await,
        Some(_) => AppError::Forbidden.into_response(),
        None => AppError::NotFound.into_response(),
    }
}

/// `/inloggen?terug=...` with the path to return to after login.
pub fn login_url(back: &str) -> String {
    let mut url = String::from("/inloggen");
    if is_local_path(back) && back != "/" {
        url.push_str("?terug=");
        url.push_str(&percent_encode(back));
    }
    url
}

/// Only same-site paths are accepted as a place to return to (no open redirect), and only
/// as a browser sends them: visible ASCII, percent-encoded otherwise. A control character
/// cannot go into a `Location` header.
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && path.len() <= 1000
        && path.bytes().all(|b| b.is_ascii_graphic())
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_paths() {
        assert!(is_local_path("/almelo/"));
        assert!(!is_local_path("//evil.example"));
        assert!(!is_local_path("https://evil.example"));
        assert!(!is_local_path("/\\evil"));
        assert!(!is_local_path("/almelo/\u{7f}"));
        assert!(!is_local_path("/almelo/\n"));
        assert!(!is_local_path("/almelo/ é"));
        assert_eq!(
            login_url("/almelo/beheer?x=1"),
            "/inloggen?terug=/almelo/beheer%3Fx%3D1"
        );
        assert_eq!(login_url("/"), "/inloggen");
    }
}
