//! What the HSDS tests share: the official schemas (from `../shared/hsds-3.0`, beside the
//! repository; never copied into it), a JSON client, and walking paged lists.

use std::collections::HashSet;
use std::path::PathBuf;

use jsonschema::{Draft, Validator};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::TestApp;

// ---------------------------------------------------------------------------------------
// Schemas

pub struct Schemas {
    pub service: Validator,
    pub service_list: Validator,
    pub organization: Validator,
    pub organization_list: Validator,
    pub taxonomy: Validator,
    pub taxonomy_term: Validator,
    pub page: Validator,
    pub root: Validator,
}

/// The shared reference folder: `$VR_SHARED_DIR`, else `../shared` beside the checkout, else
/// the workplace's `/work/shared` (a clean clone for CI may live elsewhere).
fn schema_dir() -> PathBuf {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(dir) = std::env::var_os("VR_SHARED_DIR") {
        candidates.push(PathBuf::from(dir));
    }
    candidates.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    candidates.push(PathBuf::from("/work/shared"));
    let dirs: Vec<PathBuf> = candidates
        .into_iter()
        .map(|d| d.join("hsds-3.0/schema"))
        .collect();
    dirs.iter()
        .find(|d| d.join("compiled/service.json").exists())
        .cloned()
        .unwrap_or_else(|| dirs[0].clone())
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
pub fn schemas() -> Option<Schemas> {
    let dir = schema_dir();
    if !dir.join("compiled/service.json").exists() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!(
                "HSDS 3.0 schemas missing at {} (CI=true: required)",
                dir.display()
            );
        }
        eprintln!(
            "NOTE: HSDS 3.0 schemas not found at {}; schema validation skipped",
            dir.display()
        );
        return None;
    }
    let compiled = |name: &str| validator(&read(dir.join("compiled").join(name)));
    let uncompiled = |name: &str| {
        let mut schema = read(dir.join(name));
        inline(&mut schema, 0);
        validator(&schema)
    };
    let openapi = read(dir.join("openapi.json"));
    let root =
        &openapi["paths"]["/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
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
pub fn assert_valid(validator: &Validator, value: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(10)
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not validate against HSDS 3.0:\n{}",
        errors.join("\n")
    );
}

// ---------------------------------------------------------------------------------------
// HTTP

pub struct Json {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

pub async fn call(app: &TestApp, method: Method, path: &str) -> Json {
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
    Json {
        status,
        headers,
        body,
        text,
    }
}

pub async fn get(app: &TestApp, path: &str) -> Json {
    call(app, Method::GET, path).await
}

/// A 200 JSON answer with the CORS header.
#[track_caller]
pub fn ok(response: &Json, path: &str) -> Value {
    assert_eq!(response.status, StatusCode::OK, "{path}: {}", response.text);
    assert_json_and_cors(response, path);
    response.body.clone()
}

#[track_caller]
pub fn assert_json_and_cors(response: &Json, path: &str) {
    let content_type = response
        .headers
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string());
    assert!(
        content_type
            .as_deref()
            .is_some_and(|c| c.starts_with("application/json")),
        "{path}: content-type {content_type:?}"
    );
    assert_eq!(
        response
            .headers
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap()),
        Some("*"),
        "{path}: CORS"
    );
}

#[track_caller]
pub fn assert_error(response: &Json, status: StatusCode, path: &str) {
    assert_eq!(response.status, status, "{path}: {}", response.text);
    assert_json_and_cors(response, path);
    assert!(
        response.body["error"]
            .as_str()
            .is_some_and(|e| !e.is_empty()),
        "{path}: error message in {}",
        response.text
    );
}

pub async fn publish(app: &TestApp, slug: &str) {
    sqlx::query("update tenants set published = true where slug = $1")
        .bind(slug)
        .execute(&app.db.admin)
        .await
        .unwrap();
}

pub async fn unpublish_all(app: &TestApp) {
    sqlx::query("update tenants set published = false")
        .execute(&app.db.admin)
        .await
        .unwrap();
}

/// The spawned demo with only `slugs` published.
pub async fn spawn(slugs: &[&str]) -> TestApp {
    let app = TestApp::spawn().await;
    unpublish_all(&app).await;
    for slug in slugs {
        publish(&app, slug).await;
    }
    app
}

pub async fn tenant_id(app: &TestApp, slug: &str) -> Uuid {
    sqlx::query_scalar("select tenant_id from tenants where slug = $1")
        .bind(slug)
        .fetch_one(&app.db.admin)
        .await
        .unwrap()
}

/// The published facility ids of a tenant, from the database.
pub async fn published_facilities(app: &TestApp, slug: &str) -> HashSet<Uuid> {
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
pub async fn walk(app: &TestApp, path: &str, per_page: i64) -> Vec<Value> {
    let separator = if path.contains('?') { '&' } else { '?' };
    let mut items = Vec::new();
    let mut page = 1;
    loop {
        let url = format!("{path}{separator}page={page}&per_page={per_page}");
        let body = ok(&get(app, &url).await, &url);
        let total = body["total_items"].as_i64().unwrap();
        let pages = body["total_pages"].as_i64().unwrap();
        let contents = body["contents"].as_array().unwrap();
        assert_eq!(
            pages,
            ((total + per_page - 1) / per_page).max(1),
            "{url}: total_pages"
        );
        assert_eq!(body["page_number"], json!(page), "{url}");
        assert_eq!(body["size"], json!(contents.len()), "{url}: size");
        assert_eq!(body["first_page"], json!(page == 1), "{url}");
        assert_eq!(body["last_page"], json!(page == pages), "{url}");
        assert_eq!(body["empty"], json!(contents.is_empty()), "{url}");
        let expected = if page < pages {
            per_page
        } else {
            total - per_page * (pages - 1)
        };
        assert_eq!(contents.len() as i64, expected, "{url}: items on the page");
        items.extend(contents.iter().cloned());
        if page == pages {
            assert_eq!(items.len() as i64, total, "{path}: all pages together");
            return items;
        }
        page += 1;
    }
}

pub fn ids(items: &[Value]) -> HashSet<Uuid> {
    items
        .iter()
        .map(|i| i["id"].as_str().unwrap().parse().unwrap())
        .collect()
}
