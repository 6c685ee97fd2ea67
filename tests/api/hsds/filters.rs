//! Search and the filters of the services list, each against the database.

use std::collections::HashSet;

use serde_json::{json, Value};
use uuid::Uuid;

use super::support::*;
use crate::helpers::TestApp;

/// The term of taxonomy `taxonomy` (its name) with `code`, from the API.
async fn term(app: &TestApp, taxonomy: &str, code: &str) -> Value {
    let terms = walk(app, "/api/hsds/almelo/taxonomy_terms", 100).await;
    terms
        .into_iter()
        .find(|t| t["taxonomy"] == taxonomy && t["code"] == code)
        .unwrap_or_else(|| panic!("term {code} of {taxonomy}"))
}

pub async fn facility_id(app: &TestApp, name: &str) -> Uuid {
    sqlx::query_scalar("select facility_id from facilities where name = $1")
        .bind(name)
        .fetch_one(&app.db.admin)
        .await
        .unwrap()
}

async fn set_of(app: &TestApp, sql: &str) -> HashSet<Uuid> {
    let almelo = published_facilities(app, "almelo").await;
    let found: Vec<Uuid> = sqlx::query_scalar(sql)
        .fetch_all(&app.db.admin)
        .await
        .unwrap();
    found.into_iter().filter(|id| almelo.contains(id)).collect()
}

#[tokio::test]
async fn hsds_search_and_filters() {
    let app = spawn(&["almelo"]).await;
    let almelo = tenant_id(&app, "almelo").await;
    sqlx::query("select facility_search_refresh($1, null)")
        .bind(almelo)
        .execute(&app.db.admin)
        .await
        .unwrap();
    let schelfhorst = facility_id(&app, "Dagstructurering Schelfhorst").await;

    let found = ok(
        &get(&app, "/api/hsds/almelo/services?search=schelfhorst").await,
        "search",
    );
    assert_eq!(
        found["contents"][0]["id"],
        json!(schelfhorst),
        "best match first: {found}"
    );
    let none = ok(
        &get(&app, "/api/hsds/almelo/services?search=xqzwvjk").await,
        "search nothing",
    );
    assert_eq!(
        (none["total_items"].clone(), none["empty"].clone()),
        (json!(0), json!(true))
    );

    // organization_id
    let provider: Uuid =
        sqlx::query_scalar("select provider_id from facilities where facility_id = $1")
            .bind(schelfhorst)
            .fetch_one(&app.db.admin)
            .await
            .unwrap();
    let of_provider = walk(
        &app,
        &format!("/api/hsds/almelo/services?organization_id={provider}"),
        3,
    )
    .await;
    assert!(of_provider
        .iter()
        .all(|s| s["organization_id"] == json!(provider)));
    assert_eq!(
        ids(&of_provider),
        set_of(
            &app,
            &format!("select facility_id from facilities where provider_id = '{provider}'")
        )
        .await
    );

    // taxonomy_term_id: a type, a levensgebied, a function; taxonomy_id: bouwstenen
    let typ = term(
        &app,
        "Voorzieningentypen",
        "algemene_voorziening_dagactiviteiten",
    )
    .await;
    let by_type = walk(
        &app,
        &format!(
            "/api/hsds/almelo/services?taxonomy_term_id={}",
            typ["id"].as_str().unwrap()
        ),
        10,
    )
    .await;
    let expected = set_of(&app, "select facility_id from facility_type_links where type_code = 'algemene_voorziening_dagactiviteiten'").await;
    assert!(expected.contains(&schelfhorst));
    assert_eq!(ids(&by_type), expected);

    let gebied = term(&app, "Levensgebieden", "dagbesteding_werk").await;
    assert_eq!(
        typ["parent_id"], gebied["id"],
        "a type's parent is its levensgebied"
    );
    let by_gebied = walk(
        &app,
        &format!(
            "/api/hsds/almelo/services?taxonomy_term_id={}",
            gebied["id"].as_str().unwrap()
        ),
        10,
    )
    .await;
    let expected = set_of(&app, "select l.facility_id from facility_type_links l join facility_types t \
        on t.tenant_id = l.tenant_id and t.code = l.type_code where t.levensgebied = 'dagbesteding_werk'").await;
    assert!(!expected.is_empty());
    assert_eq!(ids(&by_gebied), expected);

    let netwerk = term(&app, "Functies van algemene voorzieningen", "netwerk").await;
    let by_function = walk(
        &app,
        &format!(
            "/api/hsds/almelo/services?taxonomy_term_id={}",
            netwerk["id"].as_str().unwrap()
        ),
        10,
    )
    .await;
    assert_eq!(
        ids(&by_function),
        set_of(
            &app,
            "select facility_id from facilities where 'netwerk' = any (functions)"
        )
        .await
    );

    let taxonomies = walk(&app, "/api/hsds/almelo/taxonomies", 10).await;
    let bouwstenen = taxonomies
        .iter()
        .find(|t| t["name"].as_str().unwrap().starts_with("Bouwstenen"))
        .unwrap();
    let with_bouwsteen = walk(
        &app,
        &format!(
            "/api/hsds/almelo/services?taxonomy_id={}",
            bouwstenen["id"].as_str().unwrap()
        ),
        50,
    )
    .await;
    assert_eq!(
        ids(&with_bouwsteen),
        set_of(
            &app,
            "select facility_id from facilities where cardinality(bouwstenen) > 0"
        )
        .await
    );
    let terms_of = walk(
        &app,
        &format!(
            "/api/hsds/almelo/taxonomy_terms?taxonomy_id={}",
            bouwstenen["id"].as_str().unwrap()
        ),
        50,
    )
    .await;
    assert_eq!(terms_of.len(), 7, "the seven bouwstenen");
    let under = walk(
        &app,
        &format!(
            "/api/hsds/almelo/taxonomy_terms?parent_id={}",
            gebied["id"].as_str().unwrap()
        ),
        50,
    )
    .await;
    assert!(
        under.iter().any(|t| t["id"] == typ["id"])
            && under.iter().all(|t| t["parent_id"] == gebied["id"])
    );

    // Filters combine, and a search term narrows a filter.
    let both = ok(&get(&app, &format!("/api/hsds/almelo/services?search=schelfhorst&organization_id={provider}&taxonomy_term_id={}",
        typ["id"].as_str().unwrap())).await, "combined");
    assert_eq!(both["total_items"], json!(1));

    // modified_after: the facility or its provider changed at or after the moment.
    sqlx::query("update facilities set updated_at = '2031-01-01T00:00:00Z' where facility_id = $1")
        .bind(schelfhorst)
        .execute(&app.db.admin)
        .await
        .unwrap();
    for moment in [
        "2030-12-31T00:00:00Z",
        "2031-01-01T01:00:00%2B01:00",
        "2030-12-31",
        "2031-01-01T00:00:00.000Z",
    ] {
        let path = format!("/api/hsds/almelo/services?modified_after={moment}");
        let changed = ok(&get(&app, &path).await, &path);
        assert_eq!(changed["total_items"], json!(1), "{path}");
        assert_eq!(
            changed["contents"][0]["last_modified"],
            "2031-01-01T00:00:00.000Z"
        );
    }
    let later = ok(
        &get(
            &app,
            "/api/hsds/almelo/services?modified_after=2031-01-01T00:00:01Z",
        )
        .await,
        "later",
    );
    assert_eq!(later["total_items"], json!(0));
    sqlx::query("update providers set updated_at = '2032-01-01T00:00:00Z' where provider_id = $1")
        .bind(provider)
        .execute(&app.db.admin)
        .await
        .unwrap();
    let by_provider = walk(
        &app,
        "/api/hsds/almelo/services?modified_after=2031-06-01",
        50,
    )
    .await;
    assert_eq!(
        ids(&by_provider),
        ids(&of_provider),
        "a provider's change counts for its services"
    );
}
