//! Issue 24, item 9: the geocoder is asked only for a save that may happen (access checked,
//! the form valid), follows no redirect, and reads at most 1 MB of an answer.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::response::IntoResponse;
use axum::routing::get;
use futures_util::StreamExt;
use reqwest::StatusCode;
use voorzieningen::config::Settings;

use crate::helpers::TestApp;
use crate::register::{avedan, facility_form, post_form, set};

/// Serves `router` on a loopback port; its base URL.
async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

/// A Locatieserver stand-in that counts the questions and places every address in Almelo.
async fn counting_geocoder() -> (String, Arc<AtomicUsize>) {
    let asked = Arc::new(AtomicUsize::new(0));
    let count = asked.clone();
    let router = axum::Router::new().route(
        "/free",
        get(move || {
            let count = count.clone();
            async move {
                count.fetch_add(1, Ordering::SeqCst);
                axum::Json(serde_json::json!({
                    "response": { "numFound": 1, "docs": [ { "centroide_ll": "POINT(6.66123 52.35432)" } ] }
                }))
            }
        }),
    );
    (format!("{}/free", serve(router).await), asked)
}

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
async fn the_geocoder_is_not_asked_before_access_and_the_form_are_checked() {
    let (url, asked) = counting_geocoder().await;
    let app = TestApp::spawn_with(Settings {
        geocoder_url: Some(url),
        ..Settings::default()
    })
    .await;
    let mut aanbieder = app.login("aanbieder@almelo.demo").await;
    let own: uuid::Uuid = app
        .id("select u.provider_id from users u where u.email = 'aanbieder@almelo.demo'")
        .await;
    let theirs = app
        .id(&format!(
            "select f.facility_id from facilities f join tenants t using (tenant_id) \
             where t.slug = 'almelo' and f.provider_id <> '{own}' limit 1"
        ))
        .await;
    aanbieder.get("/almelo/voorzieningen/nieuw").await;
    let mut form = facility_form(&own.to_string());
    set(&mut form, "version", "1");
    // Another organisation's facility, and an id that is nobody's.
    for id in [theirs, uuid::Uuid::new_v4()] {
        let page = post_form(
            &mut aanbieder,
            &format!("/almelo/voorzieningen/{id}"),
            &form,
        )
        .await;
        assert!(
            matches!(page.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
            "{id}: {}",
            page.status
        );
    }
    assert_eq!(asked.load(Ordering::SeqCst), 0, "no access, no lookup");

    // A form that does not pass is shown again without asking.
    let mut bad = facility_form(&own.to_string());
    set(&mut bad, "naam", "");
    let page = post_form(&mut aanbieder, "/almelo/voorzieningen", &bad).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    set(&mut bad, "naam", "Huiskamer Fout");
    set(&mut bad, "email", "geen adres");
    let page = post_form(&mut aanbieder, "/almelo/voorzieningen", &bad).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(asked.load(Ordering::SeqCst), 0, "invalid, no lookup");

    // A valid save by someone who may make it is placed, with one question; the edit of a
    // facility without a place asks again, once.
    let page = post_form(
        &mut aanbieder,
        "/almelo/voorzieningen",
        &facility_form(&own.to_string()),
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(asked.load(Ordering::SeqCst), 1);
    assert_eq!(
        position(&app, "Huiskamer De Riet").await,
        Some((52.35432, 6.66123))
    );
    let mine = app
        .id("select facility_id from facilities where name = 'Huiskamer De Riet'")
        .await;
    sqlx::query("update facilities set latitude = null, longitude = null where facility_id = $1")
        .bind(mine)
        .execute(&app.db.admin)
        .await
        .unwrap();
    let version = app
        .scalar_i64(&format!(
            "select version::bigint from facilities where facility_id = '{mine}'"
        ))
        .await;
    let mut edit = facility_form(&own.to_string());
    set(&mut edit, "version", &version.to_string());
    aanbieder
        .get(&format!("/almelo/voorzieningen/{mine}/wijzigen"))
        .await;
    let page = post_form(
        &mut aanbieder,
        &format!("/almelo/voorzieningen/{mine}"),
        &edit,
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(asked.load(Ordering::SeqCst), 2);
    assert_eq!(
        position(&app, "Huiskamer De Riet").await,
        Some((52.35432, 6.66123))
    );
}

#[tokio::test]
async fn a_geocoder_that_redirects_is_not_followed() {
    // What a redirect would reach: a service on the machine itself.
    let reached = Arc::new(AtomicUsize::new(0));
    let hits = reached.clone();
    let inside = serve(axum::Router::new().route(
        "/intern",
        get(move || {
            let hits = hits.clone();
            async move {
                hits.fetch_add(1, Ordering::SeqCst);
                axum::Json(serde_json::json!({
                    "response": { "docs": [ { "centroide_ll": "POINT(6.66123 52.35432)" } ] }
                }))
            }
        }),
    ))
    .await;
    let target = format!("{inside}/intern");
    let geocoder = serve(axum::Router::new().route(
        "/free",
        get(move || {
            let target = target.clone();
            async move { axum::response::Redirect::temporary(&target).into_response() }
        }),
    ))
    .await;
    let app = TestApp::spawn_with(Settings {
        geocoder_url: Some(format!("{geocoder}/free")),
        ..Settings::default()
    })
    .await;
    let mut b = app.login("beleid@almelo.demo").await;
    b.get("/almelo/voorzieningen/nieuw").await;
    let page = post_form(
        &mut b,
        "/almelo/voorzieningen",
        &facility_form(&avedan(&app).await),
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(
        reached.load(Ordering::SeqCst),
        0,
        "the redirect was followed"
    );
    assert_eq!(position(&app, "Huiskamer De Riet").await, None);
}

#[tokio::test]
async fn at_most_one_megabyte_of_a_geocoder_answer_is_read() {
    // 64 MB of an endless JSON string, streamed without a length; the bytes it got out.
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = sent.clone();
    let huge = serve(axum::Router::new().route(
        "/free",
        get(move || {
            let counter = counter.clone();
            async move {
                let chunk = bytes::Bytes::from(vec![b'a'; 64 * 1024]);
                let head =
                    bytes::Bytes::from_static(b"{\"response\":{\"docs\":[{\"centroide_ll\":\"");
                let stream = futures_util::stream::iter(
                    std::iter::once(head).chain(std::iter::repeat_n(chunk, 1024)),
                )
                .map(move |c| {
                    counter.fetch_add(c.len(), Ordering::SeqCst);
                    Ok::<_, std::io::Error>(c)
                });
                axum::body::Body::from_stream(stream)
            }
        }),
    ))
    .await;
    // The same, but saying its length up front: not read at all.
    let declared = serve(axum::Router::new().route(
        "/free",
        get(|| async {
            (
                [(axum::http::header::CONTENT_TYPE, "application/json")],
                vec![b' '; 8 * 1024 * 1024],
            )
        }),
    ))
    .await;
    for (url, name) in [(huge, "Huiskamer Groot"), (declared, "Huiskamer Lang")] {
        let app = TestApp::spawn_with(Settings {
            geocoder_url: Some(format!("{url}/free")),
            ..Settings::default()
        })
        .await;
        let mut b = app.login("beleid@almelo.demo").await;
        b.get("/almelo/voorzieningen/nieuw").await;
        let mut form = facility_form(&avedan(&app).await);
        set(&mut form, "naam", name);
        let page = post_form(&mut b, "/almelo/voorzieningen", &form).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        assert_eq!(position(&app, name).await, None);
    }
    // The stream stops soon after the first megabyte (what the sockets buffer besides).
    let out = sent.load(Ordering::SeqCst);
    assert!(
        out > 1024 * 1024 && out < 16 * 1024 * 1024,
        "{} MB of 64 MB sent",
        out / 1024 / 1024
    );
}
