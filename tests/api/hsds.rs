//! The HSDS 3.0 open-data API: envelopes, filters, errors, CORS, isolation, nothing internal
//! leaking, and every kind of response checked against the official HSDS 3.0 JSON schemas.

mod detail;
mod filters;
mod fresh;
mod public_fields;
mod support;

use reqwest::{Method, StatusCode};
use serde_json::json;
use uuid::Uuid;

use support::*;

#[tokio::test]
async fn hsds_schema_validation_really_runs() {
    let Some(s) = schemas() else { return };
    let good =
        json!({"id": "6a2c7b9e-1d3f-4c5a-8b7e-9f0a1b2c3d4e", "name": "Inloop", "status": "active"});
    assert_valid(&s.service, &good, "a minimal service");
    let broken = [
        json!({"id": "6a2c7b9e-1d3f-4c5a-8b7e-9f0a1b2c3d4e", "status": "active"}),
        json!({"id": "6a2c7b9e-1d3f-4c5a-8b7e-9f0a1b2c3d4e", "name": "Inloop", "status": "open"}),
        json!({"id": "geen-uuid", "name": "Inloop", "status": "active"}),
        json!({"id": "6a2c7b9e-1d3f-4c5a-8b7e-9f0a1b2c3d4e", "name": "Inloop", "status": "active", "email": "geen adres"}),
        json!({"id": "6a2c7b9e-1d3f-4c5a-8b7e-9f0a1b2c3d4e", "name": "Inloop", "status": "active", "url": null}),
        json!({"id": "6a2c7b9e-1d3f-4c5a-8b7e-9f0a1b2c3d4e", "name": "Inloop", "status": "active",
               "schedules": [{"id": "6a2c7b9e-1d3f-4c5a-8b7e-9f0a1b2c3d4e", "freq": "DAILY"}]}),
        json!({"id": "6a2c7b9e-1d3f-4c5a-8b7e-9f0a1b2c3d4e", "name": "Inloop", "status": "active",
               "service_at_locations": [{"id": "6a2c7b9e-1d3f-4c5a-8b7e-9f0a1b2c3d4e", "location": {
                   "id": "6a2c7b9e-1d3f-4c5a-8b7e-9f0a1b2c3d4e", "location_type": "physical",
                   "addresses": [{"id": "6a2c7b9e-1d3f-4c5a-8b7e-9f0a1b2c3d4e", "address_1": "Markt 1"}]}}]}),
    ];
    for doc in broken {
        assert!(
            !s.service.is_valid(&doc),
            "a broken service must fail: {doc}"
        );
    }
    // The inlined term schema checks its nested taxonomy too.
    let term = json!({"id": "6a2c7b9e-1d3f-4c5a-8b7e-9f0a1b2c3d4e", "name": "x", "description": "y",
                      "taxonomy_detail": {"id": "6a2c7b9e-1d3f-4c5a-8b7e-9f0a1b2c3d4e", "name": "t"}});
    assert!(
        !s.taxonomy_term.is_valid(&term),
        "taxonomy_detail without description must fail"
    );
    assert!(!s.page.is_valid(&json!({"total_items": "veel"})));
    assert!(!s
        .root
        .is_valid(&json!({"version": "3.0", "openapi_url": "geen uri"})));
}

#[tokio::test]
async fn hsds_root_openapi_cors_and_preflight() {
    let app = spawn(&["almelo"]).await;
    let root = ok(&get(&app, "/api/hsds/almelo/").await, "root");
    assert_eq!(root["version"], "3.0");
    let openapi_url = root["openapi_url"].as_str().unwrap();
    assert_eq!(openapi_url, app.url("/api/hsds/almelo/openapi.json"));
    assert!(root["profile"].as_str().unwrap().starts_with("https://"));
    ok(&get(&app, "/api/hsds/almelo").await, "root without slash");

    let document = ok(&get(&app, "/api/hsds/almelo/openapi.json").await, "openapi");
    assert!(document["openapi"].as_str().unwrap().starts_with("3."));
    assert_eq!(
        document["servers"][0]["url"],
        json!(app.url("/api/hsds/almelo"))
    );
    assert!(document["info"]["title"]
        .as_str()
        .unwrap()
        .contains("Gemeente Almelo"));
    let paths = document["paths"].as_object().unwrap();
    for path in [
        "/",
        "/openapi.json",
        "/services",
        "/services/{id}",
        "/organizations",
        "/organizations/{id}",
        "/taxonomies",
        "/taxonomies/{id}",
        "/taxonomy_terms",
        "/taxonomy_terms/{id}",
    ] {
        assert!(paths.contains_key(path), "openapi documents {path}");
        let url = format!("/api/hsds/almelo{path}");
        if path.contains("{id}") {
            let unknown = url.replace("{id}", &Uuid::new_v4().to_string());
            assert_error(&get(&app, &unknown).await, StatusCode::NOT_FOUND, &unknown);
        } else {
            ok(&get(&app, &url).await, &url);
        }
    }

    let preflight = call(&app, Method::OPTIONS, "/api/hsds/almelo/services").await;
    assert_eq!(preflight.status, StatusCode::NO_CONTENT);
    assert_eq!(preflight.headers["access-control-allow-origin"], "*");
    assert!(preflight.headers["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .contains("GET"));

    let post = call(&app, Method::POST, "/api/hsds/almelo/services").await;
    assert_error(&post, StatusCode::METHOD_NOT_ALLOWED, "POST services");

    if let Some(s) = schemas() {
        assert_valid(&s.root, &root, "root");
    }
}

#[tokio::test]
async fn hsds_unpublished_unknown_and_other_tenants_are_404() {
    let app = spawn(&["almelo", "twente"]).await;
    for path in [
        "/api/hsds/maastricht/",
        "/api/hsds/maastricht/services",
        "/api/hsds/bestaat-niet/services",
        "/api/hsds/almelo/onbekend",
        "/api/hsds/almelo/services/geen-uuid",
        "/api/hsds",
        "/api/hsds/",
    ] {
        assert_error(&get(&app, path).await, StatusCode::NOT_FOUND, path);
    }
    // Twente's ids do not exist in Almelo's register, whatever the kind.
    let twente_service = ok(
        &get(&app, "/api/hsds/twente/services?per_page=1").await,
        "twente",
    )["contents"][0]
        .clone();
    let twente_term = ok(
        &get(&app, "/api/hsds/twente/taxonomy_terms?per_page=1").await,
        "twente terms",
    )["contents"][0]
        .clone();
    let twente_taxonomy = ok(
        &get(&app, "/api/hsds/twente/taxonomies?per_page=1").await,
        "twente taxonomies",
    )["contents"][0]
        .clone();
    for (kind, item) in [
        ("services", &twente_service),
        ("organizations", &twente_service["organization"]),
        ("taxonomy_terms", &twente_term),
        ("taxonomies", &twente_taxonomy),
    ] {
        let id = item["id"].as_str().unwrap();
        ok(
            &get(&app, &format!("/api/hsds/twente/{kind}/{id}")).await,
            kind,
        );
        let path = format!("/api/hsds/almelo/{kind}/{id}");
        assert_error(&get(&app, &path).await, StatusCode::NOT_FOUND, &path);
    }
    // Unpublishing closes the register at once.
    sqlx::query("update tenants set published = false where slug = 'twente'")
        .execute(&app.db.admin)
        .await
        .unwrap();
    let path = format!(
        "/api/hsds/twente/services/{}",
        twente_service["id"].as_str().unwrap()
    );
    assert_error(&get(&app, &path).await, StatusCode::NOT_FOUND, &path);
}

#[tokio::test]
async fn hsds_bad_parameters_are_400() {
    let app = spawn(&["almelo"]).await;
    let bad = [
        "/api/hsds/almelo/services?page=0",
        "/api/hsds/almelo/services?page=abc",
        "/api/hsds/almelo/services?page=-1",
        "/api/hsds/almelo/services?page=99999999999999999999",
        "/api/hsds/almelo/services?per_page=0",
        "/api/hsds/almelo/services?per_page=1000",
        "/api/hsds/almelo/services?per_page=1.5",
        "/api/hsds/almelo/services?modified_after=garbage",
        "/api/hsds/almelo/services?modified_after=2024-13-45",
        "/api/hsds/almelo/services?taxonomy_term_id=wonen",
        "/api/hsds/almelo/services?taxonomy_id=123",
        "/api/hsds/almelo/services?organization_id=%27%3B%20drop%20table%20facilities",
        "/api/hsds/almelo/services?format=ndjson",
        "/api/hsds/almelo/organizations?page=x",
        "/api/hsds/almelo/organizations?per_page=101",
        "/api/hsds/almelo/taxonomies?page=0",
        "/api/hsds/almelo/taxonomy_terms?taxonomy_id=abc",
        "/api/hsds/almelo/taxonomy_terms?parent_id=abc",
        "/api/hsds/almelo/taxonomy_terms?per_page=abc",
        "/api/hsds/almelo/services?search=%00",
    ];
    for path in bad {
        assert_error(&get(&app, path).await, StatusCode::BAD_REQUEST, path);
    }
    // Odd but harmless input is no error: search syntax, repeated keys, unknown parameters.
    for path in [
        "/api/hsds/almelo/services?search=%27%3A*%26%7C!()%3C-%3E",
        "/api/hsds/almelo/services?search=%F0%9F%98%80&page=1&page=abc",
        "/api/hsds/almelo/services?full=true&minimal=false&format=json",
        "/api/hsds/almelo/services?modified_after=2024-05-01T12:00:00+02:00",
        "/api/hsds/almelo/services?taxonomy_term_id=6a2c7b9e-1d3f-4c5a-8b7e-9f0a1b2c3d4e",
        "/api/hsds/almelo/organizations?search=100%25_%5C",
        "/api/hsds/almelo/services?page=9999",
    ] {
        ok(&get(&app, path).await, path);
    }
}

#[tokio::test]
async fn hsds_lists_page_and_validate() {
    let app = spawn(&["almelo"]).await;
    let schemas = schemas();
    let expected = published_facilities(&app, "almelo").await;
    assert!(
        expected.len() > 20,
        "the demo has enough facilities to page"
    );

    // Services: every page adds up, in a stable order, and the items are exactly the published ones.
    let services = walk(&app, "/api/hsds/almelo/services", 7).await;
    assert_eq!(ids(&services), expected);
    assert_eq!(ids(&services).len(), services.len(), "no service twice");
    let default = ok(
        &get(&app, "/api/hsds/almelo/services").await,
        "default page",
    );
    assert_eq!(
        default["contents"].as_array().unwrap().len(),
        expected.len().min(50)
    );
    let beyond = ok(
        &get(&app, "/api/hsds/almelo/services?page=99&per_page=10").await,
        "beyond",
    );
    assert_eq!(
        (
            beyond["empty"].clone(),
            beyond["last_page"].clone(),
            beyond["size"].clone()
        ),
        (json!(true), json!(true), json!(0))
    );
    assert_eq!(beyond["total_items"], json!(expected.len()));

    // Archived facilities are gone from the list.
    let archived = *expected.iter().next().unwrap();
    sqlx::query("update facilities set archived = true where facility_id = $1")
        .bind(archived)
        .execute(&app.db.admin)
        .await
        .unwrap();
    let after = walk(&app, "/api/hsds/almelo/services", 100).await;
    assert_eq!(after.len(), expected.len() - 1);
    assert!(!ids(&after).contains(&archived));
    let path = format!("/api/hsds/almelo/services/{archived}");
    assert_error(&get(&app, &path).await, StatusCode::NOT_FOUND, &path);

    let organizations = walk(&app, "/api/hsds/almelo/organizations", 4).await;
    let providers: i64 = app.scalar_i64(
        "select count(*) from providers p join tenants t using (tenant_id) where t.slug = 'almelo' and not p.archived",
    ).await;
    assert_eq!(organizations.len() as i64, providers);
    let taxonomies = walk(&app, "/api/hsds/almelo/taxonomies", 2).await;
    assert_eq!(taxonomies.len(), 5);
    let terms = walk(&app, "/api/hsds/almelo/taxonomy_terms", 40).await;
    let types: i64 = app.scalar_i64(
        "select count(*) from facility_types ft join tenants t using (tenant_id) where t.slug = 'almelo' and not ft.retired",
    ).await;
    assert!(
        terms.len() as i64 >= 9 + types,
        "levensgebieden and types among {} terms",
        terms.len()
    );
    assert_eq!(ids(&terms).len(), terms.len(), "term ids are unique");

    let Some(s) = schemas else { return };
    for (list, validator, what) in [
        (&services, &s.service_list, "service list item"),
        (
            &organizations,
            &s.organization_list,
            "organization list item",
        ),
        (&taxonomies, &s.taxonomy, "taxonomy"),
        (&terms, &s.taxonomy_term, "taxonomy term"),
    ] {
        for item in list {
            assert_valid(validator, item, what);
        }
    }
    for path in [
        "/api/hsds/almelo/services?per_page=3",
        "/api/hsds/almelo/organizations",
        "/api/hsds/almelo/taxonomies",
        "/api/hsds/almelo/taxonomy_terms?page=2&per_page=5",
    ] {
        assert_valid(&s.page, &ok(&get(&app, path).await, path), path);
    }
}
