//! The HSDS 3.0 open-data API: envelopes, filters, errors, CORS, isolation, nothing internal
//! leaking, and every kind of response checked against the official HSDS 3.0 JSON schemas
//! (from `../shared/hsds-3.0`, beside the repository; never copied into it).

use std::collections::HashSet;
use std::path::PathBuf;

use jsonschema::{Draft, Validator};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::TestApp;

// ---------------------------------------------------------------------------------------
// Schemas

struct Schemas {
    service: Validator,
    service_list: Validator,
    organization: Validator,
    organization_list: Validator,
    taxonomy: Validator,
    taxonomy_term: Validator,
    page: Validator,
    root: Validator,
}

fn schema_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/hsds-3.0/schema")
}

fn read(path: PathBuf) -> Value {
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Replaces `{"$ref": "x.json"}` by the schema `x.json` of the same folder (the uncompiled
/// schemas refer to their neighbours by file name).
fn inline(value: &mut Value, depth: usize) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref").cloned() {
                if depth < 8 && target.ends_with(".json") && !target.contains('/') {
                    let mut schema = read(schema_dir().join(&target));
                    inline(&mut schema, depth + 1);
                    map.remove("$ref");
                    for (k, v) in schema.as_object().unwrap() {
                        map.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                    return;
                }
            }
            map.values_mut().for_each(|v| inline(v, depth));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| inline(v, depth)),
        _ => {}
    }
}

/// Draft 2020-12, with formats (uuid, uri, email, date-time) checked, not just annotated.
fn validator(schema: &Value) -> Validator {
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(true)
        .build(schema)
        .expect("the HSDS schema compiles")
}

/// The schemas, or `None` (with a note) when the folder is missing; in CI a missing folder fails.
fn schemas() -> Option<Schemas> {
    let dir = schema_dir();
    if !dir.join("compiled/service.json").exists() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("HSDS 3.0 schemas missing at {} (CI=true: required)", dir.display());
        }
        eprintln!("NOTE: HSDS 3.0 schemas not found at {}; schema validation skipped", dir.display());
        return None;
    }
    let compiled = |name: &str| validator(&read(dir.join("compiled").join(name)));
    let uncompiled = |name: &str| {
        let mut schema = read(dir.join(name));
        inline(&mut schema, 0);
        validator(&schema)
    };
    let openapi = read(dir.join("openapi.json"));
    let root = &openapi["paths"]["/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
    assert!(root.is_object(), "root schema in the HSDS openapi.json");
    Some(Schemas {
        service: compiled("service.json"),
        service_list: compiled("service_list.json"),
        organization: compiled("organization.json"),
        organization_list: compiled("organization_list.json"),
        taxonomy: uncompiled("taxonomy.json"),
        taxonomy_term: uncompiled("taxonomy_term.json"),
        page: validator(&openapi["components"]["schemas"]["Page"]),
        root: validator(root),
    })
}

#[track_caller]
fn assert_valid(validator: &Validator, value: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(10)
        .collect();
    assert!(errors.is_empty(), "{what} does not validate against HSDS 3.0:\n{}", errors.join("\n"));
}

// ---------------------------------------------------------------------------------------
// HTTP

struct Json {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Value,
    text: String,
}

async fn call(app: &TestApp, method: Method, path: &str) -> Json {
    let response = reqwest::Client::new()
        .request(method, app.url(path))
        .header("Origin", "https://kaart.example.org")
        .send()
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Json { status, headers, body, text }
}

async fn get(app: &TestApp, path: &str) -> Json {
    call(app, Method::GET, path).await
}

/// A 200 JSON answer with the CORS header.
#[track_caller]
fn ok(response: &Json, path: &str) -> Value {
    assert_eq!(response.status, StatusCode::OK, "{path}: {}", response.text);
    assert_json_and_cors(response, path);
    response.body.clone()
}

#[track_caller]
fn assert_json_and_cors(response: &Json, path: &str) {
    let content_type = response.headers.get("content-type").map(|v| v.to_str().unwrap().to_string());
    assert!(content_type.as_deref().is_some_and(|c| c.starts_with("application/json")), "{path}: content-type {content_type:?}");
    assert_eq!(response.headers.get("access-control-allow-origin").map(|v| v.to_str().unwrap()), Some("*"), "{path}: CORS");
}

#[track_caller]
fn assert_error(response: &Json, status: StatusCode, path: &str) {
    assert_eq!(response.status, status, "{path}: {}", response.text);
    assert_json_and_cors(response, path);
    assert!(response.body["error"].as_str().is_some_and(|e| !e.is_empty()), "{path}: error message in {}", response.text);
}

async fn publish(app: &TestApp, slug: &str) {
    sqlx::query("update tenants set published = true where slug = $1")
        .bind(slug)
        .execute(&app.db.admin)
        .await
        .unwrap();
}

async fn unpublish_all(app: &TestApp) {
    sqlx::query("update tenants set published = false").execute(&app.db.admin).await.unwrap();
}

/// The spawned demo with only `slugs` published.
async fn spawn(slugs: &[&str]) -> TestApp {
    let app = TestApp::spawn().await;
    unpublish_all(&app).await;
    for slug in slugs {
        publish(&app, slug).await;
    }
    app
}

async fn tenant_id(app: &TestApp, slug: &str) -> Uuid {
    sqlx::query_scalar("select tenant_id from tenants where slug = $1").bind(slug).fetch_one(&app.db.admin).await.unwrap()
}

/// The published facility ids of a tenant, from the database.
async fn published_facilities(app: &TestApp, slug: &str) -> HashSet<Uuid> {
    sqlx::query_scalar(
        "select f.facility_id from facilities f join tenants t using (tenant_id) \
         join providers p on p.tenant_id = f.tenant_id and p.provider_id = f.provider_id \
         where t.slug = $1 and not f.archived and not p.archived",
    )
    .bind(slug)
    .fetch_all(&app.db.admin)
    .await
    .unwrap()
    .into_iter()
    .collect()
}

/// Every item of a list, walking its pages of `per_page`, checking each envelope on the way.
async fn walk(app: &TestApp, path: &str, per_page: i64) -> Vec<Value> {
    let separator = if path.contains('?') { '&' } else { '?' };
    let mut items = Vec::new();
    let mut page = 1;
    loop {
        let url = format!("{path}{separator}page={page}&per_page={per_page}");
        let body = ok(&get(app, &url).await, &url);
        let total = body["total_items"].as_i64().unwrap();
        let pages = body["total_pages"].as_i64().unwrap();
        let contents = body["contents"].as_array().unwrap();
        assert_eq!(pages, ((total + per_page - 1) / per_page).max(1), "{url}: total_pages");
        assert_eq!(body["page_number"], json!(page), "{url}");
        assert_eq!(body["size"], json!(contents.len()), "{url}: size");
        assert_eq!(body["first_page"], json!(page == 1), "{url}");
        assert_eq!(body["last_page"], json!(page == pages), "{url}");
        assert_eq!(body["empty"], json!(contents.is_empty()), "{url}");
        let expected = if page < pages { per_page } else { total - per_page * (pages - 1) };
        assert_eq!(contents.len() as i64, expected, "{url}: items on the page");
        items.extend(contents.iter().cloned());
        if page == pages {
            assert_eq!(items.len() as i64, total, "{path}: all pages together");
            return items;
        }
        page += 1;
    }
}

fn ids(items: &[Value]) -> HashSet<Uuid> {
    items.iter().map(|i| i["id"].as_str().unwrap().parse().unwrap()).collect()
}

// ---------------------------------------------------------------------------------------
// Tests

#[tokio::test]
async fn hsds_schema_validation_really_runs() {
    let Some(s) = schemas() else { return };
    let good = json!({"id": "6a2c7b9e-1d3f-4c5a-8b7e-9f0a1b2c3d4e", "name": "Inloop", "status": "active"});
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
        assert!(!s.service.is_valid(&doc), "a broken service must fail: {doc}");
    }
    // The inlined term schema checks its nested taxonomy too.
    let term = json!({"id": "6a2c7b9e-1d3f-4c5a-8b7e-9f0a1b2c3d4e", "name": "x", "description": "y",
                      "taxonomy_detail": {"id": "6a2c7b9e-1d3f-4c5a-8b7e-9f0a1b2c3d4e", "name": "t"}});
    assert!(!s.taxonomy_term.is_valid(&term), "taxonomy_detail without description must fail");
    assert!(!s.page.is_valid(&json!({"total_items": "veel"})));
    assert!(!s.root.is_valid(&json!({"version": "3.0", "openapi_url": "geen uri"})));
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
    assert_eq!(document["servers"][0]["url"], json!(app.url("/api/hsds/almelo")));
    assert!(document["info"]["title"].as_str().unwrap().contains("Gemeente Almelo"));
    let paths = document["paths"].as_object().unwrap();
    for path in ["/", "/openapi.json", "/services", "/services/{id}", "/organizations", "/organizations/{id}",
                 "/taxonomies", "/taxonomies/{id}", "/taxonomy_terms", "/taxonomy_terms/{id}"] {
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
    assert!(preflight.headers["access-control-allow-methods"].to_str().unwrap().contains("GET"));

    let post = call(&app, Method::POST, "/api/hsds/almelo/services").await;
    assert_error(&post, StatusCode::METHOD_NOT_ALLOWED, "POST services");

    if let Some(s) = schemas() {
        assert_valid(&s.root, &root, "root");
    }
}

#[tokio::test]
async fn hsds_unpublished_unknown_and_other_tenants_are_404() {
    let app = spawn(&["almelo", "twente"]).await;
    for path in ["/api/hsds/maastricht/", "/api/hsds/maastricht/services", "/api/hsds/bestaat-niet/services",
                 "/api/hsds/almelo/onbekend", "/api/hsds/almelo/services/geen-uuid", "/api/hsds", "/api/hsds/"] {
        assert_error(&get(&app, path).await, StatusCode::NOT_FOUND, path);
    }
    // Twente's ids do not exist in Almelo's register, whatever the kind.
    let twente_service = ok(&get(&app, "/api/hsds/twente/services?per_page=1").await, "twente")["contents"][0].clone();
    let twente_term = ok(&get(&app, "/api/hsds/twente/taxonomy_terms?per_page=1").await, "twente terms")["contents"][0].clone();
    let twente_taxonomy = ok(&get(&app, "/api/hsds/twente/taxonomies?per_page=1").await, "twente taxonomies")["contents"][0].clone();
    for (kind, item) in [("services", &twente_service), ("organizations", &twente_service["organization"]),
                         ("taxonomy_terms", &twente_term), ("taxonomies", &twente_taxonomy)] {
        let id = item["id"].as_str().unwrap();
        ok(&get(&app, &format!("/api/hsds/twente/{kind}/{id}")).await, kind);
        let path = format!("/api/hsds/almelo/{kind}/{id}");
        assert_error(&get(&app, &path).await, StatusCode::NOT_FOUND, &path);
    }
    // Unpublishing closes the register at once.
    sqlx::query("update tenants set published = false where slug = 'twente'").execute(&app.db.admin).await.unwrap();
    let path = format!("/api/hsds/twente/services/{}", twente_service["id"].as_str().unwrap());
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
    assert!(expected.len() > 20, "the demo has enough facilities to page");

    // Services: every page adds up, in a stable order, and the items are exactly the published ones.
    let services = walk(&app, "/api/hsds/almelo/services", 7).await;
    assert_eq!(ids(&services), expected);
    assert_eq!(ids(&services).len(), services.len(), "no service twice");
    let default = ok(&get(&app, "/api/hsds/almelo/services").await, "default page");
    assert_eq!(default["contents"].as_array().unwrap().len(), expected.len().min(50));
    let beyond = ok(&get(&app, "/api/hsds/almelo/services?page=99&per_page=10").await, "beyond");
    assert_eq!((beyond["empty"].clone(), beyond["last_page"].clone(), beyond["size"].clone()), (json!(true), json!(true), json!(0)));
    assert_eq!(beyond["total_items"], json!(expected.len()));

    // Archived facilities are gone from the list.
    let archived = *expected.iter().next().unwrap();
    sqlx::query("update facilities set archived = true where facility_id = $1").bind(archived).execute(&app.db.admin).await.unwrap();
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
    assert!(terms.len() as i64 >= 9 + types, "levensgebieden and types among {} terms", terms.len());
    assert_eq!(ids(&terms).len(), terms.len(), "term ids are unique");

    let Some(s) = schemas else { return };
    for (list, validator, what) in [
        (&services, &s.service_list, "service list item"),
        (&organizations, &s.organization_list, "organization list item"),
        (&taxonomies, &s.taxonomy, "taxonomy"),
        (&terms, &s.taxonomy_term, "taxonomy term"),
    ] {
        for item in list {
            assert_valid(validator, item, what);
        }
    }
    for path in ["/api/hsds/almelo/services?per_page=3", "/api/hsds/almelo/organizations", "/api/hsds/almelo/taxonomies",
                 "/api/hsds/almelo/taxonomy_terms?page=2&per_page=5"] {
        assert_valid(&s.page, &ok(&get(&app, path).await, path), path);
    }
}

/// The term of taxonomy `taxonomy` (its name) with `code`, from the API.
async fn term(app: &TestApp, taxonomy: &str, code: &str) -> Value {
    let terms = walk(app, "/api/hsds/almelo/taxonomy_terms", 100).await;
    terms
        .into_iter()
        .find(|t| t["taxonomy"] == taxonomy && t["code"] == code)
        .unwrap_or_else(|| panic!("term {code} of {taxonomy}"))
}

async fn facility_id(app: &TestApp, name: &str) -> Uuid {
    sqlx::query_scalar("select facility_id from facilities where name = $1")
        .bind(name)
        .fetch_one(&app.db.admin)
        .await
        .unwrap()
}

async fn set_of(app: &TestApp, sql: &str) -> HashSet<Uuid> {
    let almelo = published_facilities(app, "almelo").await;
    let found: Vec<Uuid> = sqlx::query_scalar(sql).fetch_all(&app.db.admin).await.unwrap();
    found.into_iter().filter(|id| almelo.contains(id)).collect()
}

#[tokio::test]
async fn hsds_search_and_filters() {
    let app = spawn(&["almelo"]).await;
    let almelo = tenant_id(&app, "almelo").await;
    sqlx::query("select facility_search_refresh($1, null)").bind(almelo).execute(&app.db.admin).await.unwrap();
    let schelfhorst = facility_id(&app, "Dagstructurering Schelfhorst").await;

    let found = ok(&get(&app, "/api/hsds/almelo/services?search=schelfhorst").await, "search");
    assert_eq!(found["contents"][0]["id"], json!(schelfhorst), "best match first: {found}");
    let none = ok(&get(&app, "/api/hsds/almelo/services?search=xqzwvjk").await, "search nothing");
    assert_eq!((none["total_items"].clone(), none["empty"].clone()), (json!(0), json!(true)));

    // organization_id
    let provider: Uuid = sqlx::query_scalar("select provider_id from facilities where facility_id = $1")
        .bind(schelfhorst).fetch_one(&app.db.admin).await.unwrap();
    let of_provider = walk(&app, &format!("/api/hsds/almelo/services?organization_id={provider}"), 3).await;
    assert!(of_provider.iter().all(|s| s["organization_id"] == json!(provider)));
    assert_eq!(ids(&of_provider), set_of(&app, &format!("select facility_id from facilities where provider_id = '{provider}'")).await);

    // taxonomy_term_id: a type, a levensgebied, a function; taxonomy_id: bouwstenen
    let typ = term(&app, "Voorzieningentypen", "algemene_voorziening_dagactiviteiten").await;
    let by_type = walk(&app, &format!("/api/hsds/almelo/services?taxonomy_term_id={}", typ["id"].as_str().unwrap()), 10).await;
    let expected = set_of(&app, "select facility_id from facility_type_links where type_code = 'algemene_voorziening_dagactiviteiten'").await;
    assert!(expected.contains(&schelfhorst));
    assert_eq!(ids(&by_type), expected);

    let gebied = term(&app, "Levensgebieden", "dagbesteding_werk").await;
    assert_eq!(typ["parent_id"], gebied["id"], "a type's parent is its levensgebied");
    let by_gebied = walk(&app, &format!("/api/hsds/almelo/services?taxonomy_term_id={}", gebied["id"].as_str().unwrap()), 10).await;
    let expected = set_of(&app, "select l.facility_id from facility_type_links l join facility_types t \
        on t.tenant_id = l.tenant_id and t.code = l.type_code where t.levensgebied = 'dagbesteding_werk'").await;
    assert!(!expected.is_empty());
    assert_eq!(ids(&by_gebied), expected);

    let netwerk = term(&app, "Functies van algemene voorzieningen", "netwerk").await;
    let by_function = walk(&app, &format!("/api/hsds/almelo/services?taxonomy_term_id={}", netwerk["id"].as_str().unwrap()), 10).await;
    assert_eq!(ids(&by_function), set_of(&app, "select facility_id from facilities where 'netwerk' = any (functions)").await);

    let taxonomies = walk(&app, "/api/hsds/almelo/taxonomies", 10).await;
    let bouwstenen = taxonomies.iter().find(|t| t["name"].as_str().unwrap().starts_with("Bouwstenen")).unwrap();
    let with_bouwsteen = walk(&app, &format!("/api/hsds/almelo/services?taxonomy_id={}", bouwstenen["id"].as_str().unwrap()), 50).await;
    assert_eq!(ids(&with_bouwsteen), set_of(&app, "select facility_id from facilities where cardinality(bouwstenen) > 0").await);
    let terms_of = walk(&app, &format!("/api/hsds/almelo/taxonomy_terms?taxonomy_id={}", bouwstenen["id"].as_str().unwrap()), 50).await;
    assert_eq!(terms_of.len(), 7, "the seven bouwstenen");
    let under = walk(&app, &format!("/api/hsds/almelo/taxonomy_terms?parent_id={}", gebied["id"].as_str().unwrap()), 50).await;
    assert!(under.iter().any(|t| t["id"] == typ["id"]) && under.iter().all(|t| t["parent_id"] == gebied["id"]));

    // Filters combine, and a search term narrows a filter.
    let both = ok(&get(&app, &format!("/api/hsds/almelo/services?search=schelfhorst&organization_id={provider}&taxonomy_term_id={}",
        typ["id"].as_str().unwrap())).await, "combined");
    assert_eq!(both["total_items"], json!(1));

    // modified_after: the facility or its provider changed at or after the moment.
    sqlx::query("update facilities set updated_at = '2031-01-01T00:00:00Z' where facility_id = $1")
        .bind(schelfhorst).execute(&app.db.admin).await.unwrap();
    for moment in ["2030-12-31T00:00:00Z", "2031-01-01T01:00:00%2B01:00", "2030-12-31", "2031-01-01T00:00:00.000Z"] {
        let path = format!("/api/hsds/almelo/services?modified_after={moment}");
        let changed = ok(&get(&app, &path).await, &path);
        assert_eq!(changed["total_items"], json!(1), "{path}");
        assert_eq!(changed["contents"][0]["last_modified"], "2031-01-01T00:00:00.000Z");
    }
    let later = ok(&get(&app, "/api/hsds/almelo/services?modified_after=2031-01-01T00:00:01Z").await, "later");
    assert_eq!(later["total_items"], json!(0));
    sqlx::query("update providers set updated_at = '2032-01-01T00:00:00Z' where provider_id = $1")
        .bind(provider).execute(&app.db.admin).await.unwrap();
    let by_provider = walk(&app, "/api/hsds/almelo/services?modified_after=2031-06-01", 50).await;
    assert_eq!(ids(&by_provider), ids(&of_provider), "a provider's change counts for its services");
}

fn attribute<'a>(service: &'a Value, link_type: &str, code: &str) -> Vec<&'a Value> {
    service["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["link_type"] == link_type && a["taxonomy_term"]["code"] == code)
        .collect()
}

#[tokio::test]
async fn hsds_service_detail_is_complete_and_valid() {
    let app = spawn(&["almelo", "twente"]).await;
    let almelo = tenant_id(&app, "almelo").await;
    let schelfhorst = facility_id(&app, "Dagstructurering Schelfhorst").await;
    // What the demo lacks: capacity per dagdeel, who decides on access, an amount to pay.
    for weekday in [1, 2] {
        sqlx::query("insert into facility_dagdeel_capacity (tenant_id, facility_id, weekday, dagdeel, max_present, walk_in, by_appointment) \
                     values ($1, $2, $3, 'ochtend', 20, 5, 10)")
            .bind(almelo).bind(schelfhorst).bind(weekday as i16).execute(&app.db.admin).await.unwrap();
    }
    sqlx::query("update facilities set access_decided_by = 'Het wijkteam', welcome = 'voorwaarden', \
                 welcome_conditions = 'Na een kennismaking', own_contribution = 'per_bezoek', own_contribution_cents = 250 \
                 where facility_id = $1")
        .bind(schelfhorst).execute(&app.db.admin).await.unwrap();

    let s = ok(&get(&app, &format!("/api/hsds/almelo/services/{schelfhorst}")).await, "schelfhorst");
    assert_eq!(s["name"], "Dagstructurering Schelfhorst");
    assert_eq!(s["status"], "active");
    assert_eq!(s["organization"]["name"], "Avedan");
    assert_eq!(s["organization"]["organization_identifiers"][0]["identifier"], "38176435");
    assert_eq!(s["phones"][0]["number"], "0546 541300");
    assert_eq!(s["url"], "https://www.avedan.nl");
    let schedules = s["schedules"].as_array().unwrap();
    assert_eq!(schedules.len(), 1, "equal hours on five days are one schedule: {schedules:?}");
    assert_eq!(
        (&schedules[0]["freq"], &schedules[0]["byday"], &schedules[0]["opens_at"], &schedules[0]["closes_at"]),
        (&json!("WEEKLY"), &json!("MO,TU,WE,TH,FR"), &json!("09:30"), &json!("15:30"))
    );
    let location = &s["service_at_locations"][0]["location"];
    let address = &location["addresses"][0];
    assert_eq!((&address["address_1"], &address["postal_code"], &address["city"], &address["country"]),
               (&json!("Schelfhorstweg 10"), &json!("7608 LD"), &json!("Almelo"), &json!("NL")));
    assert!(location["accessibility"][0]["description"].as_str().unwrap().contains("rolstoel"));
    assert_eq!(location["attributes"][0]["value"], "BU01411800");
    let area = s["service_areas"].as_array().unwrap().iter()
        .find(|a| a["attributes"][0]["value"] == "WK014118").expect("wijk WK014118 served");
    assert_eq!(area["attributes"][0]["taxonomy_term"]["code"], "cbs_code");
    let sources: Vec<&str> = s["funding"].as_array().unwrap().iter().map(|f| f["source"].as_str().unwrap()).collect();
    assert_eq!(sources, ["Wmo", "Gemeentelijke subsidie"]);
    assert_eq!((&s["cost_options"][0]["amount"], &s["cost_options"][0]["currency"]), (&json!(2.5), &json!("EUR")));
    assert!(s["fees_description"].as_str().unwrap().contains("2,50"));

    let main = attribute(&s, "voorzieningentype", "algemene_voorziening_dagactiviteiten");
    assert_eq!(main.len(), 1);
    assert_eq!(main[0]["value"], "hoofdtype");
    assert_eq!(main[0]["link_id"], json!(schelfhorst));
    assert_eq!(main[0]["link_entity"], "service");
    assert_eq!(attribute(&s, "levensgebied", "dagbesteding_werk").len(), 1);
    assert_eq!(attribute(&s, "functie", "netwerk").len(), 1);
    assert_eq!(attribute(&s, "bouwsteen", "vroegsignalering").len(), 1);
    assert_eq!(attribute(&s, "kenmerk", "capaciteit_dagdeel")[0]["value"],
               "ma en di ochtend: 20 tegelijk, waarvan 5 vrij voor inloop en 10 op afspraak");
    assert_eq!(attribute(&s, "kenmerk", "toegang_bepaald_door")[0]["value"], "Het wijkteam");
    assert_eq!(attribute(&s, "kenmerk", "welkom_doelgroep")[0]["value"], "Onder voorwaarden: Na een kennismaking");
    assert_eq!(attribute(&s, "kenmerk", "gebruik_doelgroep")[0]["value"], "Ja");
    assert_eq!(attribute(&s, "kenmerk", "capaciteit")[0]["value"], "24 tegelijk, 24 per dag, 120 per week");
    // Every attribute's term is one the API lists, with its taxonomy.
    let term_id = main[0]["taxonomy_term_id"].as_str().unwrap();
    let term = ok(&get(&app, &format!("/api/hsds/almelo/taxonomy_terms/{term_id}")).await, "term");
    assert_eq!(term["code"], "algemene_voorziening_dagactiviteiten");
    assert_eq!(term["taxonomy_detail"]["id"], term["taxonomy_id"]);
    let levensgebied = attribute(&s, "levensgebied", "dagbesteding_werk")[0]["taxonomy_term_id"].clone();
    assert_eq!(term["parent_id"], levensgebied);
    // The same ids on every request.
    let again = ok(&get(&app, &format!("/api/hsds/almelo/services/{schelfhorst}")).await, "again");
    assert_eq!(again, s);

    let organization = ok(&get(&app, &format!("/api/hsds/almelo/organizations/{}", s["organization_id"].as_str().unwrap())).await, "org");
    assert!(organization["services"].as_array().unwrap().iter().any(|x| x["id"] == json!(schelfhorst)));
    let taxonomy = ok(&get(&app, &format!("/api/hsds/almelo/taxonomies/{}", term["taxonomy_id"].as_str().unwrap())).await, "taxonomy");
    assert_eq!(taxonomy["name"], "Voorzieningentypen");

    let Some(schemas) = schemas() else { return };
    assert_valid(&schemas.service, &s, "service Schelfhorst");
    assert_valid(&schemas.organization, &organization, "organization Avedan");
    assert_valid(&schemas.taxonomy_term, &term, "taxonomy term");
    assert_valid(&schemas.taxonomy, &taxonomy, "taxonomy");
    // Every service and organization of two demo registers, each in full.
    for slug in ["almelo", "twente"] {
        for item in walk(&app, &format!("/api/hsds/{slug}/services"), 100).await {
            let path = format!("/api/hsds/{slug}/services/{}", item["id"].as_str().unwrap());
            assert_valid(&schemas.service, &ok(&get(&app, &path).await, &path), &path);
        }
        for item in walk(&app, &format!("/api/hsds/{slug}/organizations"), 100).await {
            let path = format!("/api/hsds/{slug}/organizations/{}", item["id"].as_str().unwrap());
            assert_valid(&schemas.organization, &ok(&get(&app, &path).await, &path), &path);
        }
    }
    for item in walk(&app, "/api/hsds/almelo/taxonomy_terms", 100).await.iter().take(40) {
        let path = format!("/api/hsds/almelo/taxonomy_terms/{}", item["id"].as_str().unwrap());
        assert_valid(&schemas.taxonomy_term, &ok(&get(&app, &path).await, &path), &path);
    }
}

#[tokio::test]
async fn hsds_leaks_nothing_internal() {
    let app = spawn(&["almelo"]).await;
    let almelo = tenant_id(&app, "almelo").await;
    let schelfhorst = facility_id(&app, "Dagstructurering Schelfhorst").await;
    let secrets = ["Zeldzame Contactpersoon Qwx", "Geheime Controleur Vbn", "Interne Notitie Plm", "Gearchiveerde Voorziening Jkl",
                   "Gearchiveerde Aanbieder Rty"];
    sqlx::query("update providers set contact_name = $1 where tenant_id = $2").bind(secrets[0]).bind(almelo).execute(&app.db.admin).await.unwrap();
    sqlx::query("update facilities set verified_by = $1, verified_on = current_date where tenant_id = $2")
        .bind(secrets[1]).bind(almelo).execute(&app.db.admin).await.unwrap();
    sqlx::query("insert into checklist_entries (tenant_id, area_id, type_code, status, note, updated_by) \
                 select $1, a.area_id, t.code, 'niet_aanwezig', $2, $3 from areas a, facility_types t \
                 where a.tenant_id = $1 and a.level = 'gemeente' and t.tenant_id = $1 limit 1")
        .bind(almelo).bind(secrets[2]).bind(secrets[1]).execute(&app.db.admin).await.unwrap();
    sqlx::query("insert into facilities (tenant_id, provider_id, name, archived) \
                 select tenant_id, provider_id, $2, true from facilities where facility_id = $1")
        .bind(schelfhorst).bind(secrets[3]).execute(&app.db.admin).await.unwrap();
    sqlx::query("insert into providers (tenant_id, name, archived) values ($1, $2, true)")
        .bind(almelo).bind(secrets[4]).execute(&app.db.admin).await.unwrap();
    sqlx::query("insert into referrals (tenant_id, facility_id, referred_on, route) values ($1, $2, current_date, 'wijkteam')")
        .bind(almelo).bind(schelfhorst).execute(&app.db.admin).await.unwrap();

    let mut bodies = Vec::new();
    for list in ["services", "organizations", "taxonomies", "taxonomy_terms"] {
        for item in walk(&app, &format!("/api/hsds/almelo/{list}"), 100).await {
            let path = format!("/api/hsds/almelo/{list}/{}", item["id"].as_str().unwrap());
            bodies.push((path.clone(), get(&app, &path).await.text));
        }
        let path = format!("/api/hsds/almelo/{list}?per_page=100&search=gearchiveerde");
        bodies.push((path.clone(), get(&app, &path).await.text));
    }
    assert!(bodies.len() > 50);
    for (path, body) in &bodies {
        for secret in secrets {
            assert!(!body.contains(secret), "{path} shows {secret}");
        }
        for key in ["contact_name", "verified_by", "referral", "\"note\"", "archived", "visitors", "Lotte Beleid"] {
            assert!(!body.contains(key), "{path} shows {key}");
        }
    }
    // What is public still is: the verification date.
    let s = ok(&get(&app, &format!("/api/hsds/almelo/services/{schelfhorst}")).await, "schelfhorst");
    assert!(s["assured_date"].is_string());
}
