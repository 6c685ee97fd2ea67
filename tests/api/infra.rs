//! Probes, the embedded cluster as root, and recovery from a database outage.

use reqwest::StatusCode;
use voorzieningen::config::Settings;
use voorzieningen::db::{self, Durability, EmbeddedPostgres};

use crate::helpers::{cluster_dir, TestApp, TestDb};

#[tokio::test]
async fn healthz_and_readyz_answer() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::new();
    assert_eq!(
        client
            .get(app.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        client
            .get(app.url("/readyz"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let css = client
        .get(app.url("/static/css/app.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), StatusCode::OK);
    assert!(css.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
}

/// Runs the server on a cluster of its own, stops that cluster, and starts it again.
#[tokio::test]
async fn a_database_outage_gives_503_pages_and_the_server_recovers_by_itself() {
    let dir = cluster_dir("pg-outage");
    let _ = std::fs::remove_dir_all(&dir);
    let pg = tokio::task::spawn_blocking({
        let dir = dir.clone();
        move || EmbeddedPostgres::start(&dir, Durability::Fast)
    })
    .await
    .unwrap()
    .expect("cluster");
    assert_cluster_not_owned_by_root(&dir.join("data"));
    let superuser = pg.superuser();
    db::ensure_database(pg.connect_options(superuser, "postgres"), "outage")
        .await
        .unwrap();
    let admin = db::admin_pool(pg.connect_options(superuser, "outage"))
        .await
        .unwrap();
    db::migrate(&admin).await.unwrap();
    voorzieningen::register::taxonomy::sync_national(&admin)
        .await
        .unwrap();
    voorzieningen::demo::load_once(&admin).await.unwrap();
    let app_pool = db::app_pool(pg.connect_options("voorzieningen_app", "outage"), false, 3);
    let app = TestApp::serve(
        TestDb {
            admin,
            app: app_pool,
        },
        Settings::default(),
    )
    .await;
    let mut b = app.login("beleid@almelo.demo").await;

    pg.force_stop().unwrap();
    let down = b.get("/almelo/").await;
    assert_eq!(down.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        down.body.contains("<h1>Tijdelijk niet beschikbaar</h1>"),
        "{}",
        down.body
    );
    let client = reqwest::Client::new();
    assert_eq!(
        client
            .get(app.url("/readyz"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(
        client
            .get(app.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    pg.restart().unwrap();
    let mut recovered = false;
    for _ in 0..20 {
        if client
            .get(app.url("/readyz"))
            .send()
            .await
            .unwrap()
            .status()
            == StatusCode::OK
        {
            recovered = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(recovered, "readyz is 200 again");
    assert_eq!(
        b.get("/almelo/").await.status,
        StatusCode::OK,
        "the session survived the outage"
    );
    drop(app);
    pg.force_stop().unwrap();
}

/// `initdb` and `postgres` refuse root: as root the cluster belongs to an unprivileged user.
fn assert_cluster_not_owned_by_root(data: &std::path::Path) {
    use std::os::unix::fs::MetadataExt;
    let owner = std::fs::metadata(data).unwrap().uid();
    let me = std::process::Command::new("id").arg("-u").output().unwrap();
    let me: u32 = String::from_utf8_lossy(&me.stdout).trim().parse().unwrap();
    if me == 0 {
        assert_ne!(owner, 0, "the cluster's files are not root's");
    } else {
        assert_eq!(owner, me);
    }
}
