//! The start page per role (issue 16 item 10): the figures that matter, equal to what the
//! database says, for this tenant only.

use reqwest::StatusCode;

use crate::helpers::TestApp;

/// The value shown with a figure's label (`<span class="figure__value">V</span> <span …>label`).
fn figure(body: &str, label: &str) -> String {
    let at = body
        .find(label)
        .unwrap_or_else(|| panic!("no figure ‘{label}’"));
    let before = &body[..at];
    let start = before.rfind("figure__value\">").expect("a value") + "figure__value\">".len();
    before[start..start + before[start..].find('<').unwrap()].to_string()
}

#[tokio::test]
async fn a_beleidsmedewerker_sees_the_register_the_checklist_and_this_months_referrals() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beleid@almelo.demo").await;
    let page = b.get("/almelo/").await;
    assert_eq!(page.status, StatusCode::OK);
    let almelo = "(select tenant_id from tenants where slug = 'almelo')";
    let facilities = app
        .scalar_i64(&format!(
            "select count(*) from facilities where tenant_id = {almelo} and not archived"
        ))
        .await;
    assert_eq!(
        figure(&page.body, "voorzieningen in het register"),
        facilities.to_string()
    );
    let verified = app
        .scalar_i64(&format!("select count(*) from facilities where tenant_id = {almelo} and not archived and verified_on >= current_date - 365"))
        .await;
    assert_eq!(
        figure(&page.body, "binnen een jaar gecontroleerd"),
        format!("{}%", verified * 100 / facilities)
    );
    assert!(page
        .body
        .contains(&format!("{} verouderd", facilities - verified)));
    let referrals = app
        .scalar_i64(&format!("select coalesce(sum(weight), 0)::bigint from referrals where tenant_id = {almelo} and referred_on >= date_trunc('month', current_date)"))
        .await;
    assert_eq!(
        figure(&page.body, "verwijzingen</a> deze maand"),
        referrals.to_string()
    );
    assert!(page
        .body
        .contains("Ontbrekende voorzieningentypen per levensgebied"));
    assert!(page.body.contains("vakjes)"));
    // A referral counted now shows at once.
    sqlx::query(&format!(
        "insert into referrals (tenant_id, facility_id, referred_on, route) \
         select tenant_id, facility_id, current_date, 'wijkteam' from facilities where tenant_id = {almelo} limit 1"
    ))
    .execute(&app.db.admin)
    .await
    .unwrap();
    let page = b.get("/almelo/").await;
    assert_eq!(
        figure(&page.body, "verwijzingen</a> deze maand"),
        (referrals + 1).to_string()
    );
    // A wijkteam-only figure or an account figure is not on this page.
    assert!(!page.body.contains("home-q"));
    assert!(!page.body.contains("openstaande uitnodigingen"));
}

#[tokio::test]
async fn a_wijkteam_worker_gets_the_search_box_first() {
    let app = TestApp::spawn().await;
    let mut b = app.login("wijkteam@almelo.demo").await;
    let page = b.get("/almelo/").await;
    let search = page.body.find("id=\"home-q\"").expect("a search box");
    let cards = page.body.find("Wat u hier kunt doen").expect("cards");
    assert!(search < cards);
    assert!(page.body.contains("action=\"/almelo/zoeken\""));
    assert!(page.body.contains("Deze maand telden de wijkteams"));
    assert!(!page.body.contains("Register en checklist"));
}

#[tokio::test]
async fn an_aanbieder_sees_its_own_facilities_and_what_needs_its_attention() {
    let app = TestApp::spawn().await;
    let mut b = app.login("aanbieder@maastricht.demo").await;
    let provider = app
        .id("select provider_id from users where email = 'aanbieder@maastricht.demo'")
        .await;
    let own = app
        .scalar_i64(&format!(
            "select count(*) from facilities where provider_id = '{provider}' and not archived"
        ))
        .await;
    let page = b.get("/maastricht/").await;
    assert_eq!(
        figure(&page.body, "voorzieningen</a> in het register"),
        own.to_string()
    );
    assert!(
        !page.body.contains("moeten worden aangevuld")
            && !page.body.contains("moet worden aangevuld")
    );
    // An application the municipality asked to supplement stands out (the demo's draft, as if
    // submitted and sent back).
    let asked = sqlx::query(&format!(
        "update subsidy_applications set status = 'aanvulling' where application_id = \
         (select application_id from subsidy_applications where provider_id = '{provider}' and status = 'concept' limit 1)"
    ))
    .execute(&app.db.admin)
    .await
    .unwrap()
    .rows_affected();
    assert_eq!(asked, 1, "the demo has a draft of this organisation");
    let page = b.get("/maastricht/").await;
    assert_eq!(figure(&page.body, "aanvraag moet"), "1");
    let drafts = app
        .scalar_i64(&format!("select count(*) from subsidy_applications where provider_id = '{provider}' and status = 'concept'"))
        .await;
    assert!(page.body.contains(&format!("figure__value\">{drafts}</span> <span class=\"figure__label\"><a href=\"/maastricht/aanvragen\">concept")));
    assert!(!page.body.contains("Register en checklist"));
}

#[tokio::test]
async fn a_beheerder_sees_accounts_and_open_invitations() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beheer@almelo.demo").await;
    let almelo = "(select tenant_id from tenants where slug = 'almelo')";
    let page = b.get("/almelo/").await;
    let active = app
        .scalar_i64(&format!(
            "select count(*) from users where tenant_id = {almelo} and active"
        ))
        .await;
    assert_eq!(figure(&page.body, "actieve <a"), active.to_string());
    assert_eq!(figure(&page.body, "openstaande uitnodigingen"), "0");
    // An invited user with a valid link, and one whose link expired.
    for (email, hours) in [("nieuw@almelo.demo", 48), ("laat@almelo.demo", -1)] {
        sqlx::query(&format!(
            "with u as (insert into users (tenant_id, email, display_name, roles) \
                        values ({almelo}, $1, 'Nieuw', array['wijkteam']) returning tenant_id, user_id) \
             insert into password_tokens (tenant_id, token_hash, user_id, expires_at) \
             select tenant_id, sha256(convert_to($1, 'utf8')), user_id, now() + make_interval(hours => $2) from u"
        ))
        .bind(email)
        .bind(hours)
        .execute(&app.db.admin)
        .await
        .unwrap();
    }
    let page = b.get("/almelo/").await;
    assert_eq!(figure(&page.body, "openstaande uitnodigingen"), "1");
    assert_eq!(figure(&page.body, "verlopen uitnodigingen"), "1");
    assert_eq!(figure(&page.body, "actieve <a"), (active + 2).to_string());
}
