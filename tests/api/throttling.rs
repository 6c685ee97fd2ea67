//! Password guessing: parallel guesses get no more than the limit, the client address behind
//! a proxy is the one the proxy saw, IPv6 clients count per /64, and the password change form
//! counts with the login form.

use reqwest::StatusCode;
use voorzieningen::config::Settings;

use crate::helpers::{TestApp, DEMO_PASSWORD};

fn behind_proxy() -> Settings {
    Settings {
        trust_proxy: true,
        ..Settings::default()
    }
}

/// Posts the login form with `X-Forwarded-For: forwarded`, as a proxy on loopback would.
async fn login_via(
    app: &TestApp,
    forwarded: &str,
    email: &str,
    password: &str,
) -> reqwest::StatusCode {
    let mut b = app.client();
    b.get("/inloggen").await;
    b.client
        .post(app.url("/inloggen"))
        .header("x-forwarded-for", forwarded)
        .form(&[
            ("email", email),
            ("password", password),
            ("csrf_token", b.csrf.as_str()),
        ])
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn forty_parallel_guesses_for_one_account_get_ten_password_checks() {
    let app = TestApp::spawn_with(behind_proxy()).await;
    let mut b = app.client();
    b.get("/inloggen").await;
    let mut set = tokio::task::JoinSet::new();
    for i in 0..40 {
        let client = b.client.clone();
        let url = app.url("/inloggen");
        let token = b.csrf.clone();
        set.spawn(async move {
            // Every guess from another address: only the account's limit can stop them.
            client
                .post(url)
                .header("x-forwarded-for", format!("198.51.100.{i}"))
                .form(&[
                    ("email", "beleid@almelo.demo"),
                    ("password", "raden-raden-raden"),
                    ("csrf_token", token.as_str()),
                ])
                .send()
                .await
                .unwrap()
                .status()
        });
    }
    let statuses = set.join_all().await;
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(checked + refused, 40, "{statuses:?}");
    assert_eq!(checked, 10, "{statuses:?}");
    assert_eq!(
        app.scalar_i64("select count(*) from login_failures where email = 'beleid@almelo.demo'")
            .await,
        10
    );
    // The right password waits for the window too.
    assert_eq!(
        login_via(&app, "198.51.100.99", "beleid@almelo.demo", DEMO_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn behind_a_proxy_the_client_is_the_rightmost_address_the_proxy_did_not_add_itself() {
    let app = TestApp::spawn_with(behind_proxy()).await;
    // The client writes its own X-Forwarded-For, a different one each time; the proxy appends
    // the address it saw. Rotating the left part does not dodge the address limit.
    for i in 0..10 {
        let status = login_via(
            &app,
            &format!("10.9.8.{i}, 203.0.113.9"),
            &format!("onbekend{i}@almelo.demo"),
            "raden-raden-raden",
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        login_via(
            &app,
            "10.9.8.77, 203.0.113.9",
            "beheer@almelo.demo",
            DEMO_PASSWORD
        )
        .await,
        StatusCode::TOO_MANY_REQUESTS
    );
    let origins: Vec<String> = sqlx::query_scalar(
        "select distinct origin from system_audit_events where action = 'login'",
    )
    .fetch_all(&app.db.admin)
    .await
    .unwrap();
    assert_eq!(origins, vec!["203.0.113.9".to_string()]);
    // Another client behind the same proxy is not affected, and a forged entry cannot lock
    // out the town hall's address.
    assert_eq!(
        login_via(
            &app,
            "203.0.113.9, 192.0.2.44",
            "beheer@almelo.demo",
            DEMO_PASSWORD
        )
        .await,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn ipv6_clients_are_counted_per_64() {
    let app = TestApp::spawn_with(behind_proxy()).await;
    for i in 0..10 {
        let status = login_via(
            &app,
            &format!("2001:db8:1:2:{i:x}::{i:x}"),
            &format!("onbekend{i}@almelo.demo"),
            "raden-raden-raden",
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        login_via(
            &app,
            "2001:db8:1:2:ffff::1",
            "beheer@almelo.demo",
            DEMO_PASSWORD
        )
        .await,
        StatusCode::TOO_MANY_REQUESTS,
        "another address in the same /64"
    );
    assert_eq!(
        login_via(&app, "2001:db8:1:3::1", "beheer@almelo.demo", DEMO_PASSWORD).await,
        StatusCode::SEE_OTHER,
        "the next /64"
    );
}

#[tokio::test]
async fn guessing_the_current_password_at_the_change_form_is_throttled_with_the_login() {
    let app = TestApp::spawn().await;
    let mut b = app.login("wijkteam@almelo.demo").await;
    b.get("/almelo/account/wachtwoord").await;
    let change = |current: &'static str| {
        [
            ("huidig_wachtwoord", current),
            ("nieuw_wachtwoord", "nieuw wachtwoord 2026"),
            ("herhaling", "nieuw wachtwoord 2026"),
        ]
    };
    for _ in 0..10 {
        let page = b
            .post("/almelo/account/wachtwoord", &change("raden-raden-raden"))
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains("Uw huidige wachtwoord klopt niet."));
    }
    let blocked = b
        .post("/almelo/account/wachtwoord", &change(DEMO_PASSWORD))
        .await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(blocked.body.contains("Te veel pogingen"));
    // The same count stops guesses at the login form.
    let mut other = app.client();
    let login = other.login("wijkteam@almelo.demo", DEMO_PASSWORD).await;
    assert_eq!(login.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        app.scalar_i64(
            "select count(*) from audit_events where action = 'wachtwoord_wijzigen' and result = 'failure'"
        )
        .await
            == 10
    );
    // The password did not change.
    assert_eq!(
        app.scalar_i64("select count(*) from audit_events where action = 'wachtwoord_gewijzigd'")
            .await,
        0
    );
}
