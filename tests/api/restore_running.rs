//! Issue 24, item 14: after `restore --force` the app servers still running serve the restored
//! data, not what they kept from before (every generation moves past what they can hold), and
//! a second `serve` on one embedded data folder refuses to start.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use voorzieningen::config::{DatabaseSource, Settings};
use voorzieningen::db::backup;

use crate::cli::{serve, terminate};
use crate::helpers::{cluster_dir, test_db, TestApp};

const BIN: &str = env!("CARGO_BIN_EXE_voorzieningen");

/// The test database as a DATABASE_URL for the operator commands, as its owner.
async fn admin_url(app: &TestApp) -> String {
    let database: String = sqlx::query_scalar("select current_database()::text")
        .fetch_one(&app.db.admin)
        .await
        .unwrap();
    if let Some(url) = std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty()) {
        let mut url = reqwest::Url::parse(&url).unwrap();
        url.set_path(&database);
        return url.to_string();
    }
    let options = app.db.admin.connect_options();
    let socket = options.get_socket().expect("the test cluster's socket");
    format!(
        "postgres://{}@localhost/{database}?host={}&port={}",
        options.get_username(),
        socket.display(),
        options.get_port()
    )
}

async fn names_on_the_kaart(app: &TestApp) -> String {
    let page = app.client().get("/almelo/kaart?q=repair").await;
    assert_eq!(page.status, StatusCode::OK);
    page.body
}

#[tokio::test]
async fn servers_running_through_a_restore_serve_the_restored_data_and_forget_their_sessions() {
    let app = TestApp::serve(test_db(true).await, Settings::default()).await;
    let other = app.second_server().await;
    let source = DatabaseSource::External {
        admin: admin_url(&app).await,
        app: None,
    };
    let file = cluster_dir(&format!("restore-running-{}.dump", uuid::Uuid::new_v4()));
    backup::backup(&source, &file).await.unwrap();

    // After the backup: a change both servers show, and a session one of them keeps.
    app.change_register(
        "almelo",
        "update facilities set name = 'Repair Café Na De Back-up' where name = 'Repair Café Almelo'",
    )
    .await;
    for server in [&app, &other] {
        assert!(names_on_the_kaart(server)
            .await
            .contains("Repair Café Na De Back-up"));
    }
    let mut beleid = app.login("beleid@almelo.demo").await;
    assert_eq!(beleid.get("/almelo/").await.status, StatusCode::OK);

    let restored = backup::restore(&source, &file, true).await;
    let _ = std::fs::remove_file(&file);
    let message = restored.unwrap();
    assert!(message.contains("servers still running"), "{message}");

    // Both servers show the restored register, not what they kept.
    for server in [&app, &other] {
        let body = names_on_the_kaart(server).await;
        assert!(
            !body.contains("Na De Back-up"),
            "a server kept the data from before the restore"
        );
        assert!(body.contains("Repair Café Almelo"));
    }
    // The session made after the backup is gone from the database, and so from the server.
    let page = beleid.get("/almelo/").await;
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "the kept session still counts"
    );
    assert!(page.location.unwrap().starts_with("/inloggen"));

    // The next change is seen at once, on both.
    app.change_register(
        "almelo",
        "update facilities set name = 'Repair Café Daarna' where name = 'Repair Café Almelo'",
    )
    .await;
    for server in [&app, &other] {
        assert!(names_on_the_kaart(server)
            .await
            .contains("Repair Café Daarna"));
    }
    // And a second restore moves them on again.
    let before = app
        .scalar_i64("select min(register_generation) from tenants")
        .await;
    backup::backup(&source, &file).await.unwrap();
    backup::restore(&source, &file, true).await.unwrap();
    let _ = std::fs::remove_file(&file);
    assert!(
        app.scalar_i64("select min(least(register_generation, auth_generation)) from tenants")
            .await
            > before
    );
}

#[tokio::test]
async fn a_second_serve_on_the_same_data_folder_refuses_to_start() {
    let data = cluster_dir("second-serve-data");
    let _ = std::fs::remove_dir_all(&data);
    let (mut first, url) = serve(&data);
    let mut second = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(&data)
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = second.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > Duration::from_secs(30) {
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let Some(status) = status else {
        terminate(&mut second);
        terminate(&mut first);
        panic!("the second serve started on the same data folder");
    };
    let output = second.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!status.success());
    assert!(
        stderr.contains("Er draait al een `voorzieningen serve` op de gegevensmap")
            && stderr.contains("Another `voorzieningen serve` is already running"),
        "{stderr}"
    );
    // The first goes on serving.
    let health = reqwest::get(format!("{url}/readyz")).await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    // It dies without stopping anything (SIGKILL): its lock goes with it, and once its
    // watchdog has stopped the cluster a new server starts.
    first.kill().unwrap();
    first.wait().unwrap();
    std::thread::sleep(Duration::from_secs(3));
    let (mut again, url) = serve(&data);
    let health = reqwest::get(format!("{url}/readyz")).await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    terminate(&mut again);
    let _ = std::fs::remove_dir_all(&data);
}
