//! CSRF, headers, cookies over HTTPS, and bad input that must never give a 500.

use reqwest::StatusCode;
use voorzieningen::config::Settings;

use crate::helpers::{TestApp, DEMO_PASSWORD};

#[tokio::test]
async fn a_post_without_or_with_a_wrong_csrf_token_is_refused_with_a_readable_403() {
    let app = TestApp::spawn().await;
    let mut anon = app.client();
    anon.get("/inloggen").await;
    let missing = anon
        .post_raw(
            "/inloggen",
            &[("email", "beheer@almelo.demo"), ("password", DEMO_PASSWORD)],
        )
        .await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    assert!(missing.body.contains("<h1>Geen toegang</h1>"));
    assert!(missing.body.contains("Het formulier is verlopen"));

    let mut b = app.login("beheer@almelo.demo").await;
    let wrong = b
        .post_raw(
            "/almelo/beheer/gebieden",
            &[
                ("code", "WK014199"),
                ("naam", "Nieuw"),
                ("csrf_token", "fout"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.scalar_i64("select count(*) from areas where cbs_code = 'WK014199'")
            .await,
        0
    );

    // The token of another session does not fit this one.
    let other = app.login("beheer@almelo.demo").await;
    let foreign = b
        .post_raw(
            "/almelo/beheer/gebieden",
            &[
                ("code", "WK014199"),
                ("naam", "Nieuw"),
                ("csrf_token", other.csrf.as_str()),
            ],
        )
        .await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);

    let ok = b
        .post(
            "/almelo/beheer/gebieden",
            &[("code", "WK014199"), ("naam", "Nieuw")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_multipart_upload_needs_the_csrf_token_too() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beheer@almelo.demo").await;
    b.get("/almelo/beheer/gebieden/import").await;
    let good = b.csrf.clone();
    b.csrf = "fout".into();
    let refused = b
        .upload(
            "/almelo/beheer/gebieden/import",
            b"code;naam\nWK014198;Proef\n".to_vec(),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    b.csrf = good;
    let accepted = b
        .upload(
            "/almelo/beheer/gebieden/import",
            b"code;naam\nWK014198;Proef\n".to_vec(),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK);
}

#[tokio::test]
async fn get_requests_change_nothing() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beheer@almelo.demo").await;
    let before = app.scalar_i64("select count(*) from audit_events").await;
    for path in [
        "/almelo/",
        "/almelo/beheer/gebruikers",
        "/almelo/beheer/gebieden",
        "/almelo/beheer/logboek",
        "/uitloggen",
    ] {
        b.get(path).await;
    }
    assert_eq!(
        app.scalar_i64("select count(*) from audit_events").await,
        before
    );
    // GET /uitloggen is not a way to log out.
    assert_eq!(b.get("/almelo/").await.status, StatusCode::OK);
}

#[tokio::test]
async fn every_page_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for path in [
        "/inloggen",
        "/bestaat-niet/",
        "/healthz",
        "/static/css/app.css",
        "/almelo/",
    ] {
        let r = client.get(app.url(path)).send().await.unwrap();
        let h = r.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"),
            "{path}"
        );
        assert!(!csp.contains("unsafe-inline"));
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert!(h.contains_key("referrer-policy"));
        assert!(h.contains_key("x-request-id"));
        assert!(!h.contains_key("strict-transport-security"));
    }
}

#[tokio::test]
async fn over_https_cookies_are_secure_host_cookies_and_hsts_is_sent() {
    let app = TestApp::spawn_with(Settings {
        https: true,
        ..Settings::default()
    })
    .await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = client.get(app.url("/inloggen")).send().await.unwrap();
    assert!(r.headers().contains_key("strict-transport-security"));
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.starts_with("__Host-vr_csrf=") && cookie.contains("; Secure"),
        "{cookie}"
    );
    let body = r.text().await.unwrap();
    let token = crate::helpers::csrf_in(&body).unwrap();
    let login = client
        .post(app.url("/inloggen"))
        .header("cookie", format!("__Host-vr_csrf={token}"))
        .form(&[
            ("email", "beheer@almelo.demo"),
            ("password", DEMO_PASSWORD),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::SEE_OTHER);
    let session = login.headers()["set-cookie"].to_str().unwrap();
    assert!(
        session.starts_with("__Host-vr_session=")
            && session.contains("Secure")
            && session.contains("Path=/")
    );
}

#[tokio::test]
async fn strange_input_gets_a_4xx_page_never_a_500() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beheer@almelo.demo").await;
    let long = "x".repeat(20_000);
    let cases: Vec<(&str, Vec<(&str, &str)>)> = vec![
        (
            "/almelo/beheer/gebieden",
            vec![("code", long.as_str()), ("naam", long.as_str())],
        ),
        (
            "/almelo/beheer/gebieden",
            vec![("code", "GM0141'; drop table areas; --"), ("naam", "\u{0}")],
        ),
        (
            "/almelo/beheer/gebruikers",
            vec![
                ("naam", long.as_str()),
                ("email", "<script>@x"),
                ("rollen", "koning"),
            ],
        ),
        (
            "/almelo/beheer/gebruikers",
            vec![
                ("naam", "Jan"),
                ("email", "jan@almelo.nl"),
                ("rollen", "aanbieder"),
                ("aanbieder", "geen-uuid"),
            ],
        ),
        (
            "/almelo/account/wachtwoord",
            vec![("nieuw_wachtwoord", long.as_str())],
        ),
    ];
    for (path, fields) in cases {
        let page = b.post(path, &fields).await;
        assert!(page.status.is_client_error(), "{path}: {}", page.status);
        assert!(!page.body.contains("<script>@x\""), "escaped");
    }
    for path in [
        "/almelo/beheer/gebieden/niet-een-id",
        "/almelo/beheer/gebruikers/00000000-0000-0000-0000-000000000000",
        "/almelo/beheer/gebieden/%00",
        "/almelo/beheer/logboek?object=%FF%FE",
        "/wachtwoord-instellen/%E2%80%AE",
        "/inloggen?terug=%00",
    ] {
        let page = b.get(path).await;
        assert!(
            page.status.is_client_error() || page.status.is_success(),
            "{path}: {}",
            page.status
        );
    }
    let raw = b
        .client
        .post(app.url("/almelo/beheer/gebieden"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf_token={}&code=%ZZ&naam=%", b.csrf))
        .send()
        .await
        .unwrap();
    assert!(raw.status().is_client_error(), "{}", raw.status());
}

#[tokio::test]
async fn unknown_pages_show_a_404_page_in_the_layout() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beleid@almelo.demo").await;
    let page = b.get("/almelo/bestaat/niet").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("<h1>Pagina niet gevonden</h1>"));
    assert!(page.body.contains("Lotte Beleid"), "layout with the user");
    assert!(page.body.contains("lang=\"nl\""));
}
