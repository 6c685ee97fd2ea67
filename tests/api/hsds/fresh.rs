//! What is published is built once per change of the register and kept (sheets, API documents,
//! the search projection). A change must show at once on every public surface.

use uuid::Uuid;

use super::support::{get, ok, spawn};
use crate::helpers::TestApp;

async fn exec(app: &TestApp, sql: &str, id: Uuid) {
    sqlx::query(sql)
        .bind(id)
        .execute(&app.db.admin)
        .await
        .unwrap();
}

#[tokio::test]
async fn public_pages_and_the_api_follow_every_change_at_once() {
    let app = spawn(&["almelo"]).await;
    let id = app.id("select f.facility_id from facilities f join tenants t using (tenant_id) where t.slug = 'almelo' and f.name = 'Repair Café Almelo'").await;
    let mut visitor = app.client();
    let detail = format!("/api/hsds/almelo/services/{id}");
    // Read everything once, so it is kept.
    assert!(visitor
        .get(&format!("/almelo/kaart/{id}"))
        .await
        .body
        .contains("Repair Café Almelo"));
    assert!(visitor
        .get(&format!("/almelo/kaart/{id}/folder"))
        .await
        .body
        .contains("Repair Café Almelo"));
    assert!(visitor
        .get("/almelo/kaart?q=repair")
        .await
        .body
        .contains("Repair Café Almelo"));
    assert_eq!(
        ok(&get(&app, &detail).await, &detail)["name"],
        "Repair Café Almelo"
    );
    let list = ok(
        &get(&app, "/api/hsds/almelo/services?search=repair").await,
        "list",
    );
    assert_eq!(list["contents"][0]["name"], "Repair Café Almelo");
    let schedules = |service: &serde_json::Value| service["schedules"].to_string();
    assert!(!schedules(&ok(&get(&app, &detail).await, &detail)).contains("06:45"));

    // A new name (and its search document), as any write of the register does.
    exec(
        &app,
        "update facilities set name = 'Reparatiecafé Noord' where facility_id = $1",
        id,
    )
    .await;
    exec(&app, "select facility_search_refresh(tenant_id, array[facility_id]) from facilities where facility_id = $1", id).await;
    let page = visitor.get(&format!("/almelo/kaart/{id}")).await;
    assert!(
        page.body.contains("<h1>Reparatiecafé Noord</h1>"),
        "the new name heads the page"
    );
    assert!(visitor
        .get(&format!("/almelo/kaart/{id}/folder"))
        .await
        .body
        .contains("Reparatiecafé Noord"));
    assert!(visitor
        .get("/almelo/kaart?q=reparatiecafe")
        .await
        .body
        .contains("Reparatiecafé Noord"));
    assert_eq!(
        ok(&get(&app, &detail).await, &detail)["name"],
        "Reparatiecafé Noord"
    );
    let list = ok(
        &get(&app, "/api/hsds/almelo/services?search=reparatiecafe").await,
        "list",
    );
    assert_eq!(list["contents"][0]["name"], "Reparatiecafé Noord");
    let all = ok(
        &get(&app, "/api/hsds/almelo/services?per_page=100").await,
        "list",
    );
    assert!(all["contents"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["name"] == "Reparatiecafé Noord"));

    // Its opening hours (a table of their own) alone.
    exec(
        &app,
        "insert into facility_hours (tenant_id, facility_id, weekday, opens, closes) \
         select tenant_id, facility_id, 6, '06:45', '08:00' from facilities where facility_id = $1",
        id,
    )
    .await;
    assert!(schedules(&ok(&get(&app, &detail).await, &detail)).contains("06:45"));

    // Its provider archived: gone everywhere.
    exec(&app, "update providers set archived = true where provider_id = (select provider_id from facilities where facility_id = $1)", id).await;
    assert_eq!(
        visitor.get(&format!("/almelo/kaart/{id}")).await.status,
        reqwest::StatusCode::NOT_FOUND
    );
    assert!(!visitor
        .get("/almelo/kaart?q=reparatiecafe")
        .await
        .body
        .contains("Reparatiecafé Noord"));
    assert_eq!(
        get(&app, &detail).await.status,
        reqwest::StatusCode::NOT_FOUND
    );
    let list = ok(
        &get(&app, "/api/hsds/almelo/services?search=reparatiecafe").await,
        "list",
    );
    assert_eq!(list["total_items"], 0);
}

/// A service's funding is kept with it; a decision (here: grants withdrawn behind the app's
/// back) shows at the next request.
#[tokio::test]
async fn a_services_funding_follows_the_decisions() {
    let app = spawn(&["maastricht"]).await;
    let id = app.funded_facility().await;
    let detail = format!("/api/hsds/maastricht/services/{id}");
    // Every outcome of an application that funds the facility gets `$2` cents.
    let grant = |cents: i64| {
        let app = &app;
        async move {
            sqlx::query(
                "update subsidy_outcomes o set granted_cents = $2 from subsidy_applications a \
                 join subsidy_application_versions v on v.tenant_id = a.tenant_id \
                 and v.application_id = a.application_id and v.version = a.current_version \
                 where a.tenant_id = o.tenant_id and a.application_id = o.application_id \
                 and $1 = any (v.facility_ids)",
            )
            .bind(id)
            .bind(cents)
            .execute(&app.db.admin)
            .await
            .unwrap();
        }
    };
    let funding = ok(&get(&app, &detail).await, &detail)["funding"].clone();
    assert!(
        funding.to_string().contains("Subsidieregeling"),
        "{funding}"
    );
    grant(0).await;
    assert_eq!(
        ok(&get(&app, &detail).await, &detail)["funding"],
        serde_json::json!([])
    );
    // Granted again, then the decided application no longer names the facility.
    grant(123_400).await;
    let funding = ok(&get(&app, &detail).await, &detail)["funding"].to_string();
    assert!(funding.contains("1.234,00"), "{funding}");
    exec(
        &app,
        "update subsidy_application_versions set facility_ids = array_remove(facility_ids, $1) \
         where $1 = any (facility_ids)",
        id,
    )
    .await;
    assert_eq!(
        ok(&get(&app, &detail).await, &detail)["funding"],
        serde_json::json!([])
    );
}
