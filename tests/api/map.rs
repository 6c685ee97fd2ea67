//! The map (issue 16 item 1) over HTTP: coordinates from the form, the import and a geocoder,
//! published with the results; Leaflet served from this server; the CSP naming the tile host.

use axum::routing::get;
use reqwest::StatusCode;
use voorzieningen::config::Settings;
use voorzieningen::web::map::MapSettings;

use crate::helpers::TestApp;
use crate::register::{avedan, facility_form, post_form, set};

async fn position(app: &TestApp, name: &str) -> Option<(f64, f64)> {
    let row: (Option<f64>, Option<f64>) =
        sqlx::query_as("select latitude, longitude from facilities where name = $1")
            .bind(name)
            .fetch_one(&app.db.admin)
            .await
            .unwrap();
    row.0.zip(row.1)
}

#[tokio::test]
async fn coordinates_come_from_the_form_are_checked_and_travel_in_the_csv() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beleid@almelo.demo").await;
    let mut form = facility_form(&avedan(&app).await);
    // Swapped: not in the Netherlands.
    set(&mut form, "lat", "6.6625");
    set(&mut form, "lon", "52.3567");
    let page = post_form(&mut b, "/almelo/voorzieningen", &form).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("niet omgewisseld"), "{}", page.body);
    assert!(page.body.contains("value=\"52.3567\""), "input kept");
    set(&mut form, "lon", "");
    let page = post_form(&mut b, "/almelo/voorzieningen", &form).await;
    assert!(page.body.contains("Vul ook de lengtegraad in"));
    set(&mut form, "lat", "52,3567");
    set(&mut form, "lon", "6,6625");
    let page = post_form(&mut b, "/almelo/voorzieningen", &form).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(
        position(&app, "Huiskamer De Riet").await,
        Some((52.3567, 6.6625))
    );
    let show = b.get(&page.location.unwrap()).await;
    assert!(show
        .body
        .contains("data-map data-lat=\"52.3567\" data-lon=\"6.6625\""));
    assert!(show.body.contains("/static/vendor/leaflet/leaflet.js"));

    let csv = crate::register_import::export(&mut b, "almelo").await;
    assert!(csv.lines().next().unwrap().contains(";lat;lon;"));
    let line = csv
        .lines()
        .find(|l| l.contains("Huiskamer De Riet"))
        .unwrap();
    assert!(line.contains(";52.356700;6.662500;"), "{line}");
    // A file sets them too, checked the same way.
    b.get("/almelo/voorzieningen/import").await;
    let file = "naam;aanbieder;typen;lat;lon\n\
                Ergens;Avedan;huiskamerproject;48.85;2.35\n";
    let page = b
        .upload("/almelo/voorzieningen/import", file.as_bytes().to_vec())
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("niet in Nederland"));
    let file = "naam;aanbieder;typen;lat;lon\n\
                Ergens;Avedan;huiskamerproject;52.36;6.65\n";
    let page = b
        .upload("/almelo/voorzieningen/import", file.as_bytes().to_vec())
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(position(&app, "Ergens").await, Some((52.36, 6.65)));

    // The public list carries the places of the results shown, for the map.
    let id = app
        .id("select facility_id from facilities where name = 'Ergens'")
        .await;
    let kaart = app.client().get("/almelo/kaart?q=ergens").await;
    assert!(kaart.body.contains(&format!(
        "data-lat=\"52.360000\" data-lon=\"6.650000\" data-name=\"Ergens\" data-href=\"/almelo/kaart/{id}\""
    )));
}

/// A stand-in for the PDOK Locatieserver on loopback (the machine has no network): it answers
/// as the real one does, with the point of the address asked for.
async fn locatieserver() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    let asked = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = asked.clone();
    let app = axum::Router::new().route(
        "/free",
        get(move |axum::extract::RawQuery(q): axum::extract::RawQuery| {
            let log = log.clone();
            async move {
                log.lock().unwrap().push(q.unwrap_or_default());
                axum::Json(serde_json::json!({
                    "response": { "numFound": 1, "docs": [
                        { "type": "adres", "weergavenaam": "Rietstraat 12, 7601AB Almelo",
                          "centroide_ll": "POINT(6.66123 52.35432)" }
                    ]}
                }))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/free"), asked)
}

#[tokio::test]
async fn a_configured_geocoder_places_an_address_without_coordinates() {
    let (url, asked) = locatieserver().await;
    let app = TestApp::spawn_with(Settings {
        geocoder_url: Some(url),
        ..Settings::default()
    })
    .await;
    let mut b = app.login("beleid@almelo.demo").await;
    let form = facility_form(&avedan(&app).await);
    let page = post_form(&mut b, "/almelo/voorzieningen", &form).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(
        position(&app, "Huiskamer De Riet").await,
        Some((52.35432, 6.66123))
    );
    let queries = asked.lock().unwrap().clone();
    assert_eq!(queries.len(), 1);
    assert!(queries[0].contains("q=7601AB+12"), "{}", queries[0]);
    // Coordinates typed in win: the geocoder is not asked.
    let mut form = facility_form(&avedan(&app).await);
    set(&mut form, "naam", "Huiskamer Elders");
    set(&mut form, "lat", "52.3");
    set(&mut form, "lon", "6.7");
    let page = post_form(&mut b, "/almelo/voorzieningen", &form).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(position(&app, "Huiskamer Elders").await, Some((52.3, 6.7)));
    assert_eq!(asked.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn without_a_geocoder_nothing_is_asked_and_a_dead_one_only_leaves_the_place_empty() {
    // A port nobody listens on.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/free", l.local_addr().unwrap())
    };
    let app = TestApp::spawn_with(Settings {
        geocoder_url: Some(dead),
        ..Settings::default()
    })
    .await;
    let mut b = app.login("beleid@almelo.demo").await;
    let page = post_form(
        &mut b,
        "/almelo/voorzieningen",
        &facility_form(&avedan(&app).await),
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(position(&app, "Huiskamer De Riet").await, None);
}

#[tokio::test]
async fn leaflet_is_served_here_and_the_csp_allows_only_the_tile_host() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::new();
    for path in [
        "/static/vendor/leaflet/leaflet.js",
        "/static/vendor/leaflet/leaflet.css",
        "/static/js/map.js",
    ] {
        let r = client.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
    }
    let r = client.get(app.url("/almelo/kaart")).send().await.unwrap();
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("img-src 'self' data: https://service.pdok.nl;"),
        "{csp}"
    );
    let settings = client
        .get(app.url("/kaartinstellingen.js"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        settings.contains("service.pdok.nl/brt/achtergrondkaart"),
        "{settings}"
    );

    // Another tile server: the CSP follows; switched off: no image host at all.
    let other = TestApp::spawn_with(Settings {
        map: MapSettings::from_url("https://tiles.example.nl/{z}/{x}/{y}.png"),
        ..Settings::default()
    })
    .await;
    let r = client.get(other.url("/almelo/kaart")).send().await.unwrap();
    let csp = r.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("img-src 'self' data: https://tiles.example.nl;"));
    assert!(!csp.contains("pdok"));
}

#[tokio::test]
async fn demo_facilities_with_an_address_have_a_plausible_place() {
    let app = TestApp::spawn().await;
    let placed = app
        .scalar_i64("select count(*) from facilities where latitude is not null")
        .await;
    let addressed = app
        .scalar_i64("select count(*) from facilities where street <> ''")
        .await;
    assert!(
        placed >= 90 && placed <= addressed,
        "{placed} of {addressed}"
    );
    // Each within a few kilometres of the others of its city.
    let spread: f64 = sqlx::query_scalar(
        "select max(s) from (select greatest(max(latitude) - min(latitude), max(longitude) - min(longitude)) as s \
         from facilities where latitude is not null group by city) x",
    )
    .fetch_one(&app.db.admin)
    .await
    .unwrap();
    assert!(spread < 0.06, "{spread}");
    let maastricht_south: bool = sqlx::query_scalar(
        "select bool_and(latitude < 51.0) from facilities where city = 'Maastricht' and latitude is not null",
    )
    .fetch_one(&app.db.admin)
    .await
    .unwrap();
    assert!(maastricht_south);
}
