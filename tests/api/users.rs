//! The beheerder manages users; new users choose a password through a one-time link.

use reqwest::StatusCode;

use crate::helpers::TestApp;

fn link_path(body: &str) -> String {
    let start = body
        .find("/wachtwoord-instellen/")
        .expect("a link on the page");
    let end = body[start..].find('<').unwrap() + start;
    body[start..end].trim().to_string()
}

#[tokio::test]
async fn a_beheerder_creates_a_user_who_sets_a_password_once_and_logs_in() {
    let app = TestApp::spawn().await;
    let mut beheer = app.login("beheer@almelo.demo").await;
    beheer.get("/almelo/beheer/gebruikers/nieuw").await;
    let created = beheer
        .post(
            "/almelo/beheer/gebruikers",
            &[
                ("naam", "Fatima Yilmaz"),
                ("email", "F.Yilmaz@Almelo.nl"),
                ("rollen", "wijkteam"),
                ("rollen", "beleidsmedewerker"),
                ("aanbieder", ""),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::OK);
    assert!(created.body.contains("Gebruiker toegevoegd"));
    assert!(created.body.contains("72 uur"));
    let link = link_path(&created.body);
    assert!(link.len() > 40);
    let roles: Vec<String> =
        sqlx::query_scalar("select roles from users where email = 'f.yilmaz@almelo.nl'")
            .fetch_one(&app.db.admin)
            .await
            .unwrap();
    assert_eq!(roles, vec!["beleidsmedewerker", "wijkteam"]);
    // Only the digest of the token is stored.
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from password_tokens where token_hash = sha256(convert_to('{}', 'UTF8'))",
            link.trim_start_matches("/wachtwoord-instellen/")
        ))
        .await,
        1
    );

    let mut newcomer = app.client();
    let form = newcomer.get(&link).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Welkom, Fatima Yilmaz"));
    let short = newcomer
        .post(
            &link,
            &[("nieuw_wachtwoord", "te kort"), ("herhaling", "te kort")],
        )
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.body.contains("minstens 12 tekens"));
    let set = newcomer
        .post(
            &link,
            &[
                ("nieuw_wachtwoord", "zon zee en strand 2026"),
                ("herhaling", "zon zee en strand 2026"),
            ],
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER);
    assert_eq!(
        set.location.as_deref(),
        Some("/inloggen?wachtwoord=ingesteld")
    );

    // The link works once.
    let again = newcomer.get(&link).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert!(again.body.contains("Deze link werkt niet meer"));

    let r = newcomer
        .login("f.yilmaz@almelo.nl", "zon zee en strand 2026")
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/almelo/");
}

#[tokio::test]
async fn links_expire_after_72_hours() {
    let app = TestApp::spawn().await;
    let mut beheer = app.login("beheer@almelo.demo").await;
    let created = beheer
        .post(
            "/almelo/beheer/gebruikers",
            &[
                ("naam", "Piet"),
                ("email", "piet@almelo.nl"),
                ("rollen", "wijkteam"),
            ],
        )
        .await;
    let link = link_path(&created.body);
    let hours: f64 = sqlx::query_scalar(
        "select extract(epoch from expires_at - created_at)::float8 / 3600 from password_tokens",
    )
    .fetch_one(&app.db.admin)
    .await
    .unwrap();
    assert!((hours - 72.0).abs() < 0.01, "{hours}");
    sqlx::query("update password_tokens set expires_at = now() - interval '1 second'")
        .execute(&app.db.admin)
        .await
        .unwrap();
    let mut newcomer = app.client();
    assert_eq!(newcomer.get(&link).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_new_link_replaces_the_old_one() {
    let app = TestApp::spawn().await;
    let mut beheer = app.login("beheer@almelo.demo").await;
    let created = beheer
        .post(
            "/almelo/beheer/gebruikers",
            &[
                ("naam", "Kees"),
                ("email", "kees@almelo.nl"),
                ("rollen", "beoordelaar"),
            ],
        )
        .await;
    let first = link_path(&created.body);
    let id = app
        .id("select user_id from users where email = 'kees@almelo.nl'")
        .await;
    let renewed = beheer
        .post(&format!("/almelo/beheer/gebruikers/{id}/link"), &[])
        .await;
    assert!(renewed.body.contains("Nieuwe link gemaakt"));
    let second = link_path(&renewed.body);
    assert_ne!(first, second);
    let mut newcomer = app.client();
    assert_eq!(newcomer.get(&first).await.status, StatusCode::NOT_FOUND);
    assert_eq!(newcomer.get(&second).await.status, StatusCode::OK);
}

#[tokio::test]
async fn wrong_input_comes_back_with_dutch_messages_and_everything_typed() {
    let app = TestApp::spawn().await;
    let mut beheer = app.login("beheer@almelo.demo").await;
    let page = beheer
        .post(
            "/almelo/beheer/gebruikers",
            &[
                ("naam", "Jan de Vries"),
                ("email", "geen-adres"),
                ("rollen", "aanbieder"),
                ("aanbieder", ""),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Vul een geldig e-mailadres in"));
    assert!(page.body.contains("hoort bij een aanbieder"));
    assert!(page.body.contains("value=\"Jan de Vries\""));
    assert!(page.body.contains("value=\"geen-adres\""));
    assert!(page.body.contains("value=\"aanbieder\" checked"));
    assert!(page.body.contains("class=\"error-summary\""));
    assert!(page.body.contains("aria-invalid=\"true\""));

    let none = beheer
        .post("/almelo/beheer/gebruikers", &[("naam", ""), ("email", "")])
        .await;
    assert!(none.body.contains("Vul een naam in."));
    assert!(none.body.contains("Kies minstens één rol"));
}

#[tokio::test]
async fn an_address_in_use_anywhere_is_refused() {
    let app = TestApp::spawn().await;
    let mut beheer = app.login("beheer@almelo.demo").await;
    // In use in another tenant: login happens before the tenant is known, so addresses are unique.
    let page = beheer
        .post(
            "/almelo/beheer/gebruikers",
            &[
                ("naam", "Dubbel"),
                ("email", "beleid@maastricht.demo"),
                ("rollen", "wijkteam"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Neutral: it does not say the address is in use elsewhere, only whom to ask.
    assert!(page
        .body
        .contains("Dit e-mailadres kan hier niet worden gebruikt."));
    assert!(page
        .body
        .contains("Neem dan contact op met de beheerder van het Voorzieningenregister."));
    assert!(!page.body.contains("al in gebruik"));
    assert!(page.body.contains("value=\"Dubbel\""));
    // In the beheerder's own organisation it may say so.
    let page = beheer
        .post(
            "/almelo/beheer/gebruikers",
            &[
                ("naam", "Dubbel"),
                ("email", "beleid@almelo.demo"),
                ("rollen", "wijkteam"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page
        .body
        .contains("Er is in uw organisatie al een gebruiker met dit e-mailadres."));
}

#[tokio::test]
async fn an_aanbieder_user_is_linked_to_a_provider_of_the_tenant() {
    let app = TestApp::spawn().await;
    let mut beheer = app.login("beheer@almelo.demo").await;
    let own = app.id("select p.provider_id from providers p join tenants t using (tenant_id) where t.slug = 'almelo' limit 1").await;
    let foreign = app.id("select p.provider_id from providers p join tenants t using (tenant_id) where t.slug = 'maastricht' limit 1").await;
    let refused = beheer
        .post(
            "/almelo/beheer/gebruikers",
            &[
                ("naam", "A"),
                ("email", "a@almelo.nl"),
                ("rollen", "aanbieder"),
                ("aanbieder", &foreign.to_string()),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Kies een aanbieder uit de lijst."));
    let ok = beheer
        .post(
            "/almelo/beheer/gebruikers",
            &[
                ("naam", "A"),
                ("email", "a@almelo.nl"),
                ("rollen", "aanbieder"),
                ("aanbieder", &own.to_string()),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK);
}

#[tokio::test]
async fn changing_roles_and_deactivating_take_effect_at_once() {
    let app = TestApp::spawn().await;
    let mut beheer = app.login("beheer@almelo.demo").await;
    let mut wijkteam = app.login("wijkteam@almelo.demo").await;
    let id = app
        .id("select user_id from users where email = 'wijkteam@almelo.demo'")
        .await;
    let edit = beheer.get(&format!("/almelo/beheer/gebruikers/{id}")).await;
    assert!(edit.body.contains("value=\"Wim Wijkteam\""));
    let saved = beheer
        .post(
            &format!("/almelo/beheer/gebruikers/{id}"),
            &[
                ("naam", "Wim Wijkteam"),
                ("email", "wijkteam@almelo.demo"),
                ("rollen", "wijkteam"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(
        wijkteam.get("/almelo/").await.status,
        StatusCode::SEE_OTHER,
        "signed out"
    );
    let active: bool = sqlx::query_scalar("select active from users where user_id = $1")
        .bind(id)
        .fetch_one(&app.db.admin)
        .await
        .unwrap();
    assert!(!active);
    let mut again = app.client();
    assert_eq!(
        again
            .login("wijkteam@almelo.demo", crate::helpers::DEMO_PASSWORD)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_beheerder_cannot_lock_themselves_out() {
    let app = TestApp::spawn().await;
    let mut beheer = app.login("beheer@almelo.demo").await;
    let id = app
        .id("select user_id from users where email = 'beheer@almelo.demo'")
        .await;
    let page = beheer
        .post(
            &format!("/almelo/beheer/gebruikers/{id}"),
            &[
                ("naam", "Bram Beheer"),
                ("email", "beheer@almelo.demo"),
                ("rollen", "wijkteam"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page
        .body
        .contains("U kunt uw eigen account niet uitschakelen."));
    assert!(page.body.contains("eigen rol Beheerder niet intrekken"));
}

#[tokio::test]
async fn the_second_of_two_concurrent_edits_is_refused_with_the_input_kept() {
    let app = TestApp::spawn().await;
    let mut first = app.login("beheer@almelo.demo").await;
    let id = app
        .id("select user_id from users where email = 'beoordelaar@almelo.demo'")
        .await;
    let path = format!("/almelo/beheer/gebruikers/{id}");
    let saved = first
        .post(
            &path,
            &[
                ("naam", "Eerste"),
                ("email", "beoordelaar@almelo.demo"),
                ("rollen", "beoordelaar"),
                ("actief", "1"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let late = first
        .post(
            &path,
            &[
                ("naam", "Tweede"),
                ("email", "beoordelaar@almelo.demo"),
                ("rollen", "beoordelaar"),
                ("actief", "1"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(late
        .body
        .contains("Iemand anders heeft deze gebruiker intussen gewijzigd"));
    assert!(late.body.contains("value=\"Tweede\""));
    let name: String = sqlx::query_scalar("select display_name from users where user_id = $1")
        .bind(id)
        .fetch_one(&app.db.admin)
        .await
        .unwrap();
    assert_eq!(name, "Eerste");
}
