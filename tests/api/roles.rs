//! Roles: navigation shows only what a role may use, and the guards refuse the rest.

use reqwest::StatusCode;

use crate::helpers::TestApp;

const BEHEER_PAGES: [&str; 5] = [
    "/beheer/gebruikers",
    "/beheer/gebruikers/nieuw",
    "/beheer/gebieden",
    "/beheer/gebieden/import",
    "/beheer/logboek",
];

#[tokio::test]
async fn only_the_beheerder_reaches_the_management_pages() {
    let app = TestApp::spawn().await;
    for role in ["beleid", "beoordelaar", "wijkteam", "aanbieder"] {
        let mut b = app.login(&format!("{role}@almelo.demo")).await;
        let home = b.get("/almelo/").await;
        assert!(
            !home.body.contains("/almelo/beheer/gebruikers"),
            "{role} sees no link to users"
        );
        assert!(home.body.contains("/almelo/account/wachtwoord"));
        for page in BEHEER_PAGES {
            let r = b.get(&format!("/almelo{page}")).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{role} GET {page}");
            assert!(r.body.contains("<h1>Geen toegang</h1>"));
        }
        let r = b
            .post(
                "/almelo/beheer/gebieden",
                &[("code", "WK014197"), ("naam", "Mag niet")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role} POST");
    }
    assert_eq!(
        app.scalar_i64("select count(*) from areas where cbs_code = 'WK014197'")
            .await,
        0
    );

    let mut beheer = app.login("beheer@almelo.demo").await;
    let home = beheer.get("/almelo/").await;
    assert!(home.body.contains("href=\"/almelo/beheer/gebruikers\""));
    for page in BEHEER_PAGES {
        assert_eq!(
            beheer.get(&format!("/almelo{page}")).await.status,
            StatusCode::OK,
            "{page}"
        );
    }
}

#[tokio::test]
async fn the_layout_names_the_tenant_the_user_and_the_role() {
    let app = TestApp::spawn().await;
    let mut b = app.login("aanbieder@maastricht.demo").await;
    let home = b.get("/maastricht/").await;
    assert!(home.body.contains("Gemeente Maastricht"));
    assert!(home.body.contains("Anouk Aanbieder"));
    assert!(home.body.contains("Aanbieder"));
    assert!(home.body.contains("Direct naar de inhoud"));
    assert!(home.body.contains("aria-current=\"page\""));
}
