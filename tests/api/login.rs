//! Login, logout, throttling, sessions and passwords.

use reqwest::StatusCode;

use crate::helpers::{TestApp, DEMO_PASSWORD};

#[tokio::test]
async fn login_success_lands_on_the_tenant_home_and_logout_ends_the_session() {
    let app = TestApp::spawn().await;
    let mut b = app.client();
    let response = b.login("beleid@almelo.demo", DEMO_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/almelo/");
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.starts_with("vr_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );

    let home = b.get("/almelo/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Gemeente Almelo"));
    assert!(home.body.contains("Lotte Beleid"));
    assert!(home.body.contains("Beleidsmedewerker"));
    assert_eq!(app.scalar_i64("select count(*) from sessions").await, 1);

    let out = b.post("/uitloggen", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location.as_deref(), Some("/inloggen?uitgelogd=1"));
    assert_eq!(app.scalar_i64("select count(*) from sessions").await, 0);
    let after = b.get("/almelo/").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    assert_eq!(after.location.as_deref(), Some("/inloggen?terug=/almelo/"));
}

#[tokio::test]
async fn an_old_session_id_is_worthless_after_logout() {
    let app = TestApp::spawn().await;
    let mut b = app.client();
    let response = b.login("beleid@almelo.demo", DEMO_PASSWORD).await;
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    b.get("/almelo/").await;
    b.post("/uitloggen", &[]).await;
    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url("/almelo/"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn wrong_credentials_give_one_message_that_does_not_say_which_part_was_wrong() {
    let app = TestApp::spawn().await;
    let mut b = app.client();
    let wrong_password = b.login("beleid@almelo.demo", "not-the-password").await;
    assert_eq!(wrong_password.status(), StatusCode::UNAUTHORIZED);
    let body_a = wrong_password.text().await.unwrap();
    let unknown_user = b.login("niemand@almelo.demo", DEMO_PASSWORD).await;
    assert_eq!(unknown_user.status(), StatusCode::UNAUTHORIZED);
    let body_b = unknown_user.text().await.unwrap();
    let message = "Het e-mailadres of het wachtwoord klopt niet.";
    assert!(body_a.contains(message) && body_b.contains(message));
    // The typed address comes back; the password never does.
    assert!(body_a.contains("value=\"beleid@almelo.demo\""));
    assert!(!body_a.contains("not-the-password"));
    assert_eq!(app.scalar_i64("select count(*) from sessions").await, 0);
}

#[tokio::test]
async fn a_new_session_id_is_issued_at_every_login() {
    let app = TestApp::spawn().await;
    let mut b = app.client();
    let first = b.login("beleid@almelo.demo", DEMO_PASSWORD).await;
    let first_cookie = first.headers()["set-cookie"].to_str().unwrap().to_string();
    b.get("/almelo/").await;
    // Signed in, the browser posts the login form again (e.g. from another tab).
    let token = b.csrf.clone();
    let again = b
        .client
        .post(app.url("/inloggen"))
        .form(&[
            ("email", "beleid@almelo.demo"),
            ("password", DEMO_PASSWORD),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    let second_cookie = again.headers()["set-cookie"].to_str().unwrap().to_string();
    assert_ne!(first_cookie, second_cookie);
    // The earlier session of this browser was ended, not kept beside the new one.
    assert_eq!(app.scalar_i64("select count(*) from sessions").await, 1);
}

#[tokio::test]
async fn ten_failures_for_one_account_block_further_attempts_with_429() {
    let app = TestApp::spawn().await;
    let mut b = app.client();
    for _ in 0..10 {
        let r = b
            .login("beheer@maastricht.demo", "wrong-password-123")
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    // Even the right password is refused now.
    let blocked = b.login("beheer@maastricht.demo", DEMO_PASSWORD).await;
    assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(blocked.headers().contains_key("retry-after"));
    let body = blocked.text().await.unwrap();
    assert!(body.contains("Te veel pogingen"), "{body}");
    assert!(body.contains("U kunt het opnieuw proberen vanaf"), "{body}");
    // Another account from another address is not affected: the block is per account
    // (the same client address is, see the next test).
    assert_eq!(app.scalar_i64("select count(*) from sessions").await, 0);
}

#[tokio::test]
async fn ten_failures_from_one_address_block_that_address() {
    let app = TestApp::spawn().await;
    let mut b = app.client();
    for i in 0..10 {
        let r = b
            .login(&format!("onbekend{i}@almelo.demo"), "wrong-password-123")
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let blocked = b.login("beheer@almelo.demo", DEMO_PASSWORD).await;
    assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_successful_login_clears_the_accounts_failures() {
    let app = TestApp::spawn().await;
    let mut b = app.client();
    for _ in 0..5 {
        b.login("wijkteam@twente.demo", "wrong-password-123").await;
    }
    assert_eq!(
        b.login("wijkteam@twente.demo", DEMO_PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.scalar_i64("select count(*) from login_failures where email = 'wijkteam@twente.demo'")
            .await,
        0
    );
}

#[tokio::test]
async fn deactivated_users_cannot_log_in_and_lose_their_sessions() {
    let app = TestApp::spawn().await;
    let mut wijkteam = app.login("wijkteam@almelo.demo").await;
    sqlx::query("update users set active = false where email = 'wijkteam@almelo.demo'")
        .execute(&app.db.admin)
        .await
        .unwrap();
    assert_eq!(wijkteam.get("/almelo/").await.status, StatusCode::SEE_OTHER);
    let mut b = app.client();
    assert_eq!(
        b.login("wijkteam@almelo.demo", DEMO_PASSWORD)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

/// Sessions are kept in memory between requests (one statement by primary key per request);
/// what any server changes still takes effect at the very next request on every server.
#[tokio::test]
async fn sessions_kept_in_memory_follow_changes_made_on_another_server() {
    let a = TestApp::spawn().await;
    let b = a.second_server().await;
    let on_a = a.login("beleid@almelo.demo").await;
    let mut on_b = on_a.on(&b);
    for _ in 0..3 {
        assert_eq!(
            on_b.get("/almelo/verwijzingen").await.status,
            StatusCode::OK
        );
    }
    assert_eq!(
        b.state.sessions.full_checks(),
        1,
        "checked in full once, then kept"
    );
    assert_eq!(b.state.sessions.len(), 1);

    // A role taken away elsewhere: forbidden at the next request.
    sqlx::query("update users set roles = '{wijkteam}' where email = 'beleid@almelo.demo'")
        .execute(&a.db.admin)
        .await
        .unwrap();
    assert_eq!(
        on_b.get("/almelo/verwijzingen").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(b.state.sessions.full_checks(), 2);

    // The tenant renamed: the next page says so.
    sqlx::query("update tenants set name = 'Gemeente Almelo-Noord' where slug = 'almelo'")
        .execute(&a.db.admin)
        .await
        .unwrap();
    assert!(on_b
        .get("/almelo/")
        .await
        .body
        .contains("Gemeente Almelo-Noord"));

    // A facility renamed elsewhere: its page on the other server shows the new name.
    let id = a
        .id(
            "select facility_id from facilities f join tenants t using (tenant_id) \
             where t.slug = 'almelo' order by f.name limit 1",
        )
        .await;
    let path = format!("/almelo/voorzieningen/{id}");
    assert_eq!(on_b.get(&path).await.status, StatusCode::OK);
    a.change_register(
        "almelo",
        &format!("update facilities set name = 'Huiskamer Nieuwe Naam' where facility_id = '{id}'"),
    )
    .await;
    assert!(on_b.get(&path).await.body.contains("Huiskamer Nieuwe Naam"));

    // Logout on the first server ends the session on the second at the next request.
    let mut on_a = on_b.on(&a);
    on_a.get("/almelo/").await;
    assert_eq!(
        on_a.post("/uitloggen", &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let after = on_b.get("/almelo/").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    assert_eq!(after.location.as_deref(), Some("/inloggen?terug=/almelo/"));
}

#[tokio::test]
async fn idle_sessions_expire() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beleid@almelo.demo").await;
    sqlx::query("update sessions set last_seen_at = now() - interval '31 minutes'")
        .execute(&app.db.admin)
        .await
        .unwrap();
    assert_eq!(b.get("/almelo/").await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.scalar_i64("select count(*) from sessions").await, 0);
}

#[tokio::test]
async fn sessions_end_after_the_absolute_timeout_even_when_active() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beleid@almelo.demo").await;
    sqlx::query("update sessions set created_at = now() - interval '8 hours 1 minute', last_seen_at = now()")
        .execute(&app.db.admin)
        .await
        .unwrap();
    assert_eq!(b.get("/almelo/").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn after_login_the_user_returns_to_the_page_they_asked_for_but_never_off_site() {
    let app = TestApp::spawn().await;
    let mut b = app.client();
    let asked = b.get("/almelo/beheer/gebieden").await;
    assert_eq!(
        asked.location.as_deref(),
        Some("/inloggen?terug=/almelo/beheer/gebieden")
    );
    let form = b.get("/inloggen?terug=/almelo/beheer/gebieden").await;
    assert!(form.body.contains("value=\"/almelo/beheer/gebieden\""));
    let r = b
        .post(
            "/inloggen",
            &[
                ("email", "beheer@almelo.demo"),
                ("password", DEMO_PASSWORD),
                ("terug", "/almelo/beheer/gebieden"),
            ],
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/almelo/beheer/gebieden"));

    let mut evil = app.client();
    evil.get("/inloggen").await;
    let r = evil
        .post(
            "/inloggen",
            &[
                ("email", "beheer@almelo.demo"),
                ("password", DEMO_PASSWORD),
                ("terug", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/almelo/"));
}

#[tokio::test]
async fn users_change_their_own_password_which_ends_their_sessions() {
    let app = TestApp::spawn().await;
    let mut b = app.login("wijkteam@almelo.demo").await;
    let mut other_device = app.login("wijkteam@almelo.demo").await;
    b.get("/almelo/account/wachtwoord").await;

    let bad = b
        .post(
            "/almelo/account/wachtwoord",
            &[
                ("huidig_wachtwoord", "wrong"),
                ("nieuw_wachtwoord", "kort"),
                ("herhaling", "kort"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Uw huidige wachtwoord klopt niet."));
    assert!(bad.body.contains("minstens 12 tekens"));
    assert!(bad.body.contains("class=\"error-summary\""));

    let mismatch = b
        .post(
            "/almelo/account/wachtwoord",
            &[
                ("huidig_wachtwoord", DEMO_PASSWORD),
                ("nieuw_wachtwoord", "een lang nieuw wachtwoord"),
                ("herhaling", "iets anders dan dat"),
            ],
        )
        .await;
    assert!(mismatch
        .body
        .contains("De twee wachtwoorden zijn niet gelijk"));

    let ok = b
        .post(
            "/almelo/account/wachtwoord",
            &[
                ("huidig_wachtwoord", DEMO_PASSWORD),
                ("nieuw_wachtwoord", "een lang nieuw wachtwoord"),
                ("herhaling", "een lang nieuw wachtwoord"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(
        ok.location.as_deref(),
        Some("/inloggen?wachtwoord=gewijzigd")
    );
    assert_eq!(b.get("/almelo/").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        other_device.get("/almelo/").await.status,
        StatusCode::SEE_OTHER
    );

    let mut fresh = app.client();
    assert_eq!(
        fresh
            .login("wijkteam@almelo.demo", DEMO_PASSWORD)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        fresh
            .login("wijkteam@almelo.demo", "een lang nieuw wachtwoord")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let hash: String =
        sqlx::query_scalar("select password_hash from users where email = 'wijkteam@almelo.demo'")
            .fetch_one(&app.db.admin)
            .await
            .unwrap();
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
}
