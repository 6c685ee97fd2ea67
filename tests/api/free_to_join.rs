//! "Geen eigen bijdrage" (issue 16, item 4): the Maastricht beleidsnotitie Algemene voorzieningen 2020 says a place may ask for consumptions and
//! materials without that being an eigen bijdrage, so the filter, the handouts and HSDS agree
//! that such a place is free to join.

use serde_json::json;

use crate::helpers::TestApp;
use crate::lookup::{names, total};

async fn hsds_service(app: &TestApp, id: uuid::Uuid) -> serde_json::Value {
    let response = reqwest::get(app.url(&format!("/api/hsds/maastricht/services/{id}")))
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    serde_json::from_str(&response.text().await.unwrap()).unwrap()
}

#[tokio::test]
async fn consumptions_are_no_eigen_bijdrage_in_filter_handout_and_hsds() {
    let app = TestApp::spawn().await;
    let id = |name: &str| {
        format!("select f.facility_id from facilities f join tenants t using (tenant_id) where t.slug = 'maastricht' and f.name = '{name}'")
    };
    let huiskamer = app.id(&id("Huiskamer Daalhof")).await;
    let paying = app.id(&id("Buurtservice Oost")).await;
    let free_sql = "select count(*) from facilities f join tenants t using (tenant_id) \
                    where t.slug = 'maastricht' and not f.archived and f.own_contribution in ('geen', 'consumpties')";
    let free = app.scalar_i64(free_sql).await as usize;
    assert!(
        app.scalar_i64("select count(*) from facilities where own_contribution = 'consumpties'")
            .await
            > 0
    );

    // The public kaart: Maastricht's huiskamers (consumptions only) stay under the filter.
    let mut visitor = app.client();
    let page = visitor.get("/maastricht/kaart?q=huiskamer&gratis=1").await;
    let found = names(&page.body);
    for name in [
        "Huiskamer Daalhof",
        "Huiskamer Boschpoort",
        "Huiskamer Pottenberg",
    ] {
        assert!(found.iter().any(|n| n == name), "{name} in {found:?}");
    }
    assert!(page
        .body
        .contains("Koffie, eten of materialen kunnen wel geld kosten."));
    let all_free = visitor.get("/maastricht/kaart?gratis=1").await;
    assert_eq!(total(&all_free.body), free);
    let paying_name = visitor
        .get("/maastricht/kaart?q=buurtservice&gratis=1")
        .await;
    assert!(!names(&paying_name.body).contains(&"Buurtservice Oost".to_string()));

    // The wijkteam's search counts the same.
    let mut wijkteam = app.login("wijkteam@maastricht.demo").await;
    let page = wijkteam.get("/maastricht/zoeken?gratis=1").await;
    assert_eq!(total(&page.body), free);
    assert!(page.body.contains("telt niet als eigen bijdrage"));

    // The handouts call it free and say what may cost money; a paying place shows its amount.
    for path in [
        format!("/maastricht/kaart/{huiskamer}/folder"),
        format!("/maastricht/voorzieningen/{huiskamer}/folder"),
    ] {
        let page = wijkteam.get(&path).await;
        assert!(page.body.contains("Gratis."), "{path}");
        assert!(page.body.contains("koffie, eten of materialen"), "{path}");
    }
    let page = wijkteam
        .get(&format!("/maastricht/voorzieningen/{paying}/folder"))
        .await;
    assert!(page.body.contains("€ 2,50 per keer."));
    assert!(!page.body.contains("Gratis."));
    // The facility page names the choice the way the seed does.
    let page = wijkteam
        .get(&format!("/maastricht/voorzieningen/{huiskamer}"))
        .await;
    assert!(page
        .body
        .contains("Geen eigen bijdrage, wel voor consumpties en materialen"));

    // HSDS: taking part costs nothing; consumptions are described.
    let service = hsds_service(&app, huiskamer).await;
    assert_eq!(
        (
            &service["cost_options"][0]["amount"],
            &service["cost_options"][0]["currency"]
        ),
        (&json!(0.0), &json!("EUR"))
    );
    assert!(service["cost_options"][0]["amount_description"]
        .as_str()
        .unwrap()
        .contains("consumpties"));
    assert!(service["fees_description"]
        .as_str()
        .unwrap()
        .starts_with("Geen eigen bijdrage."));
    let service = hsds_service(&app, paying).await;
    assert_eq!(service["cost_options"][0]["amount"], json!(2.5));
}
