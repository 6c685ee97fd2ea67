//! Reading and writing the two cookies: the session id and, before login, the CSRF token.

use axum::http::{header, HeaderMap, HeaderValue};

use crate::config::Settings;

pub const SESSION: &str = "vr_session";
pub const ANON_CSRF: &str = "vr_csrf";

/// The cookie's name: with the `__Host-` prefix when served over HTTPS.
pub fn name(settings: &Settings, base: &str) -> String {
    if settings.https {
        format!("__Host-{base}")
    } else {
        base.to_string()
    }
}

/// The value of cookie `name` in the request, if present and plausible.
pub fn get(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 128
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// A `Set-Cookie` value; `max_age` of `None` makes a browser-session cookie, `Some(0)` deletes.
pub fn set(settings: &Settings, name: &str, value: &str, max_age: Option<i64>) -> HeaderValue {
    let mut cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if settings.https {
        cookie.push_str("; Secure");
    }
    if let Some(age) = max_age {
        cookie.push_str(&format!("; Max-Age={age}"));
    }
    HeaderValue::from_str(&cookie).expect("cookie values are URL-safe")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; vr_session=abc_DEF-9; b=2"),
        );
        assert_eq!(get(&headers, "vr_session").as_deref(), Some("abc_DEF-9"));
        assert_eq!(get(&headers, "missing"), None);
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("vr_session=<script>"),
        );
        assert_eq!(get(&headers, "vr_session"), None);

        let https = Settings {
            https: true,
            ..Settings::default()
        };
        assert_eq!(name(&https, SESSION), "__Host-vr_session");
        let v = set(&https, "__Host-vr_session", "x", Some(0));
        assert_eq!(
            v,
            "__Host-vr_session=x; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age=0"
        );
    }
}
