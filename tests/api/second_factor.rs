//! A second factor for password accounts: required for beheerders (the tenant can require it
//! for everyone), set up by QR code, a code accepted once, recovery codes used once, guessing
//! throttled like passwords, and every change audited and ending the user's other sessions.

use reqwest::StatusCode;
use voorzieningen::auth::totp::{code_at, STEP};

use crate::helpers::{Browser, TestApp, DEMO_PASSWORD};
use crate::subsidy::ExecuteSql;

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

async fn secret_of(app: &TestApp, email: &str) -> Vec<u8> {
    sqlx::query_scalar(
        "select f.secret from user_second_factors f join users u using (tenant_id, user_id) where u.email = $1",
    )
    .bind(email)
    .fetch_one(&app.db.admin)
    .await
    .unwrap()
}

/// A code of `secret` that is not valid now (for the wrong-code checks).
fn wrong_code(secret: &[u8]) -> String {
    let valid: Vec<String> = [now() - STEP, now(), now() + STEP]
        .iter()
        .map(|t| code_at(secret, *t))
        .collect();
    (0..1_000_000)
        .map(|n| format!("{n:06}"))
        .find(|c| !valid.contains(c))
        .unwrap()
}

/// Password right: where the login sends the browser.
async fn password_step(b: &mut Browser, email: &str) -> String {
    let r = b.login(email, DEMO_PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    r.headers()["location"].to_str().unwrap().to_string()
}

async fn signed_in(b: &mut Browser, tenant: &str) -> bool {
    b.get(&format!("/{tenant}/")).await.status == StatusCode::OK
}

fn recovery_codes(body: &str) -> Vec<String> {
    body.split("<li><code>")
        .skip(1)
        .map(|s| s.split("</code>").next().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_beheerder_sets_up_the_required_second_factor_and_each_code_counts_once() {
    let app = TestApp::spawn().await;
    app.db
        .admin
        .execute_sql("update tenants set second_factor = 'beheer' where slug = 'maastricht'")
        .await;
    let email = "beheer@maastricht.demo";
    let mut b = app.client();
    assert_eq!(
        password_step(&mut b, email).await,
        "/inloggen/tweede-factor"
    );
    assert!(
        !signed_in(&mut b, "maastricht").await,
        "no session before the second factor"
    );
    let setup = b.get("/inloggen/tweede-factor").await;
    assert_eq!(setup.status, StatusCode::OK);
    assert!(
        setup.body.contains("<svg role=\"img\""),
        "the QR code is drawn by the server"
    );
    let secret = secret_of(&app, email).await;
    let r = b
        .post("/inloggen/tweede-factor", &[("code", &wrong_code(&secret))])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Deze code klopt niet"));
    assert_eq!(
        secret_of(&app, email).await,
        secret,
        "the same secret while setting up"
    );
    let r = b
        .post(
            "/inloggen/tweede-factor",
            &[("code", &code_at(&secret, now()))],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let codes = recovery_codes(&r.body);
    assert_eq!(codes.len(), 10);
    assert!(signed_in(&mut b, "maastricht").await);
    assert_eq!(
        app.scalar_i64("select count(*) from user_recovery_codes where used_at is null")
            .await,
        10
    );
    assert!(
        app.scalar_i64(&format!(
            "select count(*) from user_recovery_codes where code_hash = sha256('{}'::bytea)",
            codes[0].replace('-', "")
        ))
        .await
            == 1,
        "stored as digests only"
    );
    assert_eq!(
        app.scalar_i64(
            "select count(*) from audit_events where action = 'tweede factor ingeschakeld'"
        )
        .await,
        1
    );

    // The same code again is refused; the next step's code is taken once.
    let mut b = app.client();
    assert_eq!(password_step(&mut b, email).await, "/inloggen/code");
    b.get("/inloggen/code").await;
    let r = b
        .post("/inloggen/code", &[("code", &code_at(&secret, now()))])
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNAUTHORIZED,
        "a used code is not taken again"
    );
    let next = code_at(&secret, now() + STEP);
    let r = b.post("/inloggen/code", &[("code", &next)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location.as_deref(), Some("/maastricht/"));
    assert!(signed_in(&mut b, "maastricht").await);

    // A recovery code works once, however many arrive at once, and ends other sessions.
    let mut other = app.client();
    assert_eq!(password_step(&mut other, email).await, "/inloggen/code");
    other.get("/inloggen/code").await;
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..5 {
        let client = other.client.clone();
        let url = format!("{}/inloggen/code", other.base_url());
        let fields = vec![
            ("csrf_token".to_string(), other.csrf.clone()),
            ("code".to_string(), codes[0].to_uppercase()),
        ];
        set.spawn(async move {
            let r = client.post(url).form(&fields).send().await.unwrap();
            let to = r
                .headers()
                .get("location")
                .map(|l| l.to_str().unwrap().to_string());
            (r.status(), to)
        });
    }
    let statuses = set.join_all().await;
    assert_eq!(
        statuses
            .iter()
            .filter(|(_, to)| to.as_deref() == Some("/maastricht/"))
            .count(),
        1,
        "one session starts: {statuses:?}"
    );
    assert!(signed_in(&mut other, "maastricht").await);
    assert!(
        !signed_in(&mut b, "maastricht").await,
        "the earlier session ended"
    );
    assert_eq!(
        app.scalar_i64("select count(*) from user_recovery_codes where used_at is not null")
            .await,
        1
    );
    assert_eq!(
        app.scalar_i64("select count(*) from audit_events where action = 'herstelcode gebruikt'")
            .await,
        1
    );
    let mut again = app.client();
    password_step(&mut again, email).await;
    again.get("/inloggen/code").await;
    let r = again.post("/inloggen/code", &[("code", &codes[0])]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    // Required for the role: it cannot be switched off.
    other.get("/maastricht/account/tweede-factor").await;
    let r = other
        .post(
            "/maastricht/account/tweede-factor",
            &[
                ("actie", "uitschakelen"),
                ("code", &code_at(&secret, now() + STEP)),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("verplicht"));
    assert_eq!(
        app.scalar_i64("select count(*) from user_second_factors where confirmed_at is not null")
            .await,
        1
    );
}

#[tokio::test]
async fn guessing_codes_in_parallel_is_throttled_like_passwords() {
    let app = TestApp::spawn().await;
    app.db
        .admin
        .execute_sql("update tenants set second_factor = 'iedereen' where slug = 'maastricht'")
        .await;
    let email = "beleid@maastricht.demo";
    let mut b = app.client();
    assert_eq!(
        password_step(&mut b, email).await,
        "/inloggen/tweede-factor"
    );
    b.get("/inloggen/tweede-factor").await;
    let secret = secret_of(&app, email).await;
    let r = b
        .post(
            "/inloggen/tweede-factor",
            &[("code", &code_at(&secret, now()))],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);

    let mut guesser = app.client();
    password_step(&mut guesser, email).await;
    guesser.get("/inloggen/code").await;
    let wrong = wrong_code(&secret);
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..25 {
        let client = guesser.client.clone();
        let url = format!("{}/inloggen/code", guesser.base_url());
        let fields = vec![
            ("csrf_token".to_string(), guesser.csrf.clone()),
            ("code".to_string(), wrong.clone()),
        ];
        set.spawn(async move {
            client
                .post(url)
                .form(&fields)
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
    assert_eq!(
        checked, 10,
        "no more codes are checked than the limit: {statuses:?}"
    );
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
            .count(),
        15
    );
    // Even the right code waits now.
    let r = guesser
        .post(
            "/inloggen/code",
            &[("code", &code_at(&secret, now() + STEP))],
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        app.scalar_i64(
            "select count(*) from audit_events where action = 'tweede factor' and result = 'failure'"
        )
        .await
            >= 10
    );
}

#[tokio::test]
async fn an_optional_second_factor_is_set_up_and_switched_off_from_the_account_page() {
    let app = TestApp::spawn().await;
    let email = "beleid@maastricht.demo";
    let mut elsewhere = app.login(email).await;
    let mut b = app.login(email).await;
    let page = b.get("/maastricht/account/tweede-factor").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<svg role=\"img\""));
    let secret = secret_of(&app, email).await;
    let r = b
        .post(
            "/maastricht/account/tweede-factor",
            &[("actie", "inschakelen"), ("code", &wrong_code(&secret))],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = b
        .post(
            "/maastricht/account/tweede-factor",
            &[("actie", "inschakelen"), ("code", &code_at(&secret, now()))],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(recovery_codes(&r.body).len(), 10);
    assert!(signed_in(&mut b, "maastricht").await, "this session stays");
    assert!(
        !signed_in(&mut elsewhere, "maastricht").await,
        "other sessions end"
    );
    // From now on the password alone is not enough.
    let mut c = app.client();
    assert_eq!(password_step(&mut c, email).await, "/inloggen/code");

    // Not a beheerder: who must use one is not theirs to set.
    b.get("/maastricht/account/tweede-factor").await;
    let r = b
        .post(
            "/maastricht/account/tweede-factor",
            &[("actie", "verplicht"), ("verplicht", "iedereen")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Off, with a current code; audited.
    let r = b
        .post(
            "/maastricht/account/tweede-factor",
            &[
                ("actie", "uitschakelen"),
                ("code", &code_at(&secret, now() + STEP)),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        app.scalar_i64("select count(*) from user_second_factors")
            .await,
        0
    );
    assert_eq!(
        app.scalar_i64("select count(*) from user_recovery_codes")
            .await,
        0
    );
    assert_eq!(
        app.scalar_i64(
            "select count(*) from audit_events where action = 'tweede factor uitgeschakeld'"
        )
        .await,
        1
    );
    let mut d = app.client();
    assert_eq!(password_step(&mut d, email).await, "/maastricht/");

    // A beheerder requires it for everyone, never for nobody.
    let mut beheer = app.login("beheer@maastricht.demo").await;
    beheer.get("/maastricht/account/tweede-factor").await;
    let r = beheer
        .post(
            "/maastricht/account/tweede-factor",
            &[("actie", "verplicht"), ("verplicht", "geen")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = beheer
        .post(
            "/maastricht/account/tweede-factor",
            &[("actie", "verplicht"), ("verplicht", "iedereen")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mut e = app.client();
    assert_eq!(
        password_step(&mut e, "aanbieder@maastricht.demo").await,
        "/inloggen/tweede-factor"
    );
    assert_eq!(
        app.scalar_i64(
            "select count(*) from tenants where slug = 'twente' and second_factor = 'geen'"
        )
        .await,
        1,
        "another tenant's setting is untouched"
    );
}

#[tokio::test]
async fn a_stale_or_forged_challenge_leads_back_to_the_login_form() {
    let app = TestApp::spawn().await;
    app.db
        .admin
        .execute_sql("update tenants set second_factor = 'beheer' where slug = 'twente'")
        .await;
    let mut b = app.client();
    assert_eq!(
        password_step(&mut b, "beheer@twente.demo").await,
        "/inloggen/tweede-factor"
    );
    app.db
        .admin
        .execute_sql("update login_challenges set expires_at = now() - interval '1 second'")
        .await;
    let r = b.get("/inloggen/tweede-factor").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.location.as_deref(),
        Some("/inloggen?tweede_factor=verlopen")
    );
    let r = b.post("/inloggen/code", &[("code", "123456")]).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "no code is checked without a challenge"
    );
    let login = b.get("/inloggen?tweede_factor=verlopen").await;
    assert!(login
        .body
        .contains("de stap voor de tweede factor is verlopen"));
    assert!(!signed_in(&mut b, "twente").await);
}
