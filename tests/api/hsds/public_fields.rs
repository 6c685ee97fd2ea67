//! Issue 9, item 10: one list of public fields for the sociale kaart and HSDS. Every column is
//! placed on it or on the internal list; the internal ones appear in neither, filled with values
//! that could not appear by chance; a provider's own contact details need a KvK number or a yes;
//! HSDS funding is what was granted in subsidies.

use std::collections::BTreeSet;

use serde_json::json;
use voorzieningen::register::public_fields;

use super::filters::facility_id;
use super::support::*;
use crate::helpers::TestApp;

async fn columns(app: &TestApp, table: &str) -> BTreeSet<String> {
    sqlx::query_scalar(
        "select column_name::text from information_schema.columns where table_schema = 'public' and table_name = $1",
    )
    .bind(table)
    .fetch_all(&app.db.admin)
    .await
    .unwrap()
    .into_iter()
    .collect()
}

fn set(lists: &[&[&str]]) -> BTreeSet<String> {
    lists
        .iter()
        .flat_map(|l| l.iter().map(|c| c.to_string()))
        .collect()
}

#[tokio::test]
async fn every_column_is_placed_public_or_internal() {
    let app = spawn(&["almelo"]).await;
    assert_eq!(
        columns(&app, "facilities").await,
        set(&[public_fields::FACILITY, public_fields::FACILITY_INTERNAL]),
        "a new column of facilities must be placed in register/public_fields.rs"
    );
    assert_eq!(
        columns(&app, "providers").await,
        set(&[
            public_fields::PROVIDER,
            public_fields::PROVIDER_CONTACT,
            public_fields::PROVIDER_INTERNAL
        ]),
        "a new column of providers must be placed in register/public_fields.rs"
    );
}

/// Whether `body` shows one of the test's figures 987601–987607 as a number: not inside an id
/// (random hexadecimal UUIDs hold such digits now and then).
fn shows_figure(body: &str) -> bool {
    let hex = |c: u8| c.is_ascii_hexdigit() || c == b'-';
    let bytes = body.as_bytes();
    body.match_indices("98760").any(|(at, _)| {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        let last = bytes.get(at + 5).copied();
        let after = bytes.get(at + 6).copied();
        !before.is_some_and(hex)
            && last.is_some_and(|c| (b'1'..=b'7').contains(&c))
            && !after.is_some_and(hex)
    })
}

/// Every public body of almelo: kaart search pages, each facility page and handout, and every
/// HSDS list and item.
async fn public_bodies(app: &TestApp) -> Vec<(String, String)> {
    let mut bodies = Vec::new();
    let visitor = reqwest::Client::new();
    let mut paths: Vec<String> = (1..=5)
        .map(|p| format!("/almelo/kaart?pagina={p}"))
        .collect();
    let ids: Vec<uuid::Uuid> = sqlx::query_scalar(
        "select f.facility_id from facilities f join tenants t using (tenant_id) where t.slug = 'almelo' and not f.archived",
    )
    .fetch_all(&app.db.admin)
    .await
    .unwrap();
    for id in ids {
        paths.push(format!("/almelo/kaart/{id}"));
        paths.push(format!("/almelo/kaart/{id}/folder"));
    }
    for list in ["services", "organizations"] {
        paths.push(format!("/api/hsds/almelo/{list}?per_page=100"));
        for item in walk(app, &format!("/api/hsds/almelo/{list}"), 100).await {
            paths.push(format!(
                "/api/hsds/almelo/{list}/{}",
                item["id"].as_str().unwrap()
            ));
        }
    }
    for path in paths {
        let response = visitor.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::OK, "{path}");
        bodies.push((path, response.text().await.unwrap()));
    }
    bodies
}

#[tokio::test]
async fn internal_fields_appear_on_neither_the_kaart_nor_hsds() {
    let app = spawn(&["almelo"]).await;
    let almelo = tenant_id(&app, "almelo").await;
    sqlx::query(
        "update facilities set capacity_at_once = 987601, capacity_per_day = 987602, capacity_per_week = 987603, \
         visitors_last_year = 987604, visits_last_year = 987605, volunteers = 987606, approach = 'Aanpak Zxq', \
         access_decided_by = 'Toegang Zxq', welcome = 'voorwaarden', welcome_conditions = 'Welkom Zxq', used = 'ja', \
         funding_sources = array['wmo'], contracted = true, subsidised = true, verified_by = 'Controle Zxq' \
         where tenant_id = $1",
    )
    .bind(almelo)
    .execute(&app.db.admin)
    .await
    .unwrap();
    sqlx::query(
        "insert into facility_dagdeel_capacity (tenant_id, facility_id, weekday, dagdeel, max_present, walk_in, by_appointment) \
         select tenant_id, facility_id, 1, 'ochtend', 987607, 987606, 1 from facilities where tenant_id = $1 \
         on conflict (tenant_id, facility_id, weekday, dagdeel) do update \
         set max_present = excluded.max_present, walk_in = excluded.walk_in, by_appointment = excluded.by_appointment",
    )
    .bind(almelo)
    .execute(&app.db.admin)
    .await
    .unwrap();
    sqlx::query("update providers set contact_name = 'Contact Zxq' where tenant_id = $1")
        .bind(almelo)
        .execute(&app.db.admin)
        .await
        .unwrap();
    let bodies = public_bodies(&app).await;
    assert!(bodies.len() > 60, "{}", bodies.len());
    for (path, body) in &bodies {
        assert!(!body.contains("Zxq"), "{path}");
        assert!(!shows_figure(body), "{path}: a figure");
        for key in [
            "capacity",
            "capaciteit",
            "welkom_doelgroep",
            "gebruik_doelgroep",
            "toegang_bepaald_door",
            "funding_sources",
        ] {
            assert!(!body.contains(key), "{path} shows {key}");
        }
    }
    // HSDS funding is what was granted (almelo granted nothing), never the funding sources.
    let id = facility_id(&app, "Dagstructurering Schelfhorst").await;
    let s = ok(
        &get(&app, &format!("/api/hsds/almelo/services/{id}")).await,
        "service",
    );
    assert_eq!(s["funding"], json!([]));
}

#[tokio::test]
async fn a_providers_own_contact_details_need_a_kvk_number_or_a_yes() {
    let app = spawn(&["almelo"]).await;
    let almelo = tenant_id(&app, "almelo").await;
    let schelfhorst = facility_id(&app, "Dagstructurering Schelfhorst").await;
    let provider: uuid::Uuid =
        sqlx::query_scalar("select provider_id from facilities where facility_id = $1")
            .bind(schelfhorst)
            .fetch_one(&app.db.admin)
            .await
            .unwrap();
    // A volunteer initiative run from home: no KvK number.
    sqlx::query(
        "update providers set kvk_number = null, contact_public = false, street = 'Thuisstraat', house_number = '7', \
         postcode = '7601 AA', phone = '0546 999888', email = 'thuis@voorbeeld.nl' where provider_id = $1",
    )
    .bind(provider)
    .execute(&app.db.admin)
    .await
    .unwrap();
    let organization = format!("/api/hsds/almelo/organizations/{provider}");
    let service = format!("/api/hsds/almelo/services/{schelfhorst}");
    let private = [
        "Thuisstraat",
        "0546 999888",
        "thuis@voorbeeld.nl",
        "7601 AA",
    ];
    for path in [
        &organization,
        &service,
        &"/api/hsds/almelo/organizations?per_page=100".to_string(),
    ] {
        let body = get(&app, path).await.text;
        for detail in private {
            assert!(!body.contains(detail), "{path} shows {detail}");
        }
    }
    // The organisation says yes on its record (through the form, by the beleidsmedewerker).
    let mut beleid = app.login("beleid@almelo.demo").await;
    let form = beleid.get(&format!("/almelo/aanbieders/{provider}")).await;
    assert!(form.body.contains("contact_openbaar"));
    let version: String =
        sqlx::query_scalar("select version::text from providers where provider_id = $1")
            .bind(provider)
            .fetch_one(&app.db.admin)
            .await
            .unwrap();
    let r = beleid
        .post(
            &format!("/almelo/aanbieders/{provider}"),
            &[
                ("naam", "Avedan"),
                ("straat", "Thuisstraat"),
                ("huisnummer", "7"),
                ("postcode", "7601 AA"),
                ("plaats", "Almelo"),
                ("telefoon", "0546 999888"),
                ("email", "thuis@voorbeeld.nl"),
                ("contact_openbaar", "ja"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(r.status, reqwest::StatusCode::SEE_OTHER, "{}", r.body);
    let body = get(&app, &organization).await.text;
    for detail in private {
        assert!(body.contains(detail), "said yes: {detail}");
    }
    // With a KvK number they are published anyway.
    sqlx::query("update providers set contact_public = false, kvk_number = '38176435' where provider_id = $1")
        .bind(provider)
        .execute(&app.db.admin)
        .await
        .unwrap();
    let o = ok(&get(&app, &organization).await, "with kvk");
    assert_eq!(o["organization_identifiers"][0]["identifier"], "38176435");
    assert!(o.to_string().contains("Thuisstraat"));
    let _ = almelo;
}

#[tokio::test]
async fn hsds_funding_is_the_subsidy_granted_for_the_facility() {
    let app = spawn(&["maastricht"]).await;
    let funded: uuid::Uuid = sqlx::query_scalar(
        "select f.facility_id from subsidy_current_outcomes o \
         join subsidy_applications a using (tenant_id, application_id) \
         join subsidy_application_versions v on v.tenant_id = a.tenant_id and v.application_id = a.application_id \
              and v.version = a.current_version \
         join facilities f on f.tenant_id = a.tenant_id and f.facility_id = any (v.facility_ids) \
         where o.granted_cents > 0 and not f.archived limit 1",
    )
    .fetch_one(&app.db.admin)
    .await
    .unwrap();
    let s = ok(
        &get(&app, &format!("/api/hsds/maastricht/services/{funded}")).await,
        "funded",
    );
    let sources: Vec<&str> = s["funding"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["source"].as_str().unwrap())
        .collect();
    assert!(!sources.is_empty());
    assert!(
        sources
            .iter()
            .all(|s| s.contains("subsidie") && s.contains("€")),
        "{sources:?}"
    );
    if let Some(schemas) = schemas() {
        assert_valid(&schemas.service, &s, "funded service");
    }
}

#[test]
fn figures_are_told_from_ids() {
    assert!(shows_figure("<td>987601</td>"));
    assert!(shows_figure("{\"capacity\":987607}"));
    assert!(!shows_figure(
        "\"id\":\"0a987601-1234-4abc-8def-000000000000\""
    ));
    assert!(!shows_figure(
        "\"id\":\"98760155-1234-4abc-8def-000000000000\""
    ));
    assert!(!shows_figure("1234-98760a"));
}
