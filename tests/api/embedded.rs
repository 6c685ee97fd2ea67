//! The embedded PostgreSQL looks after itself: started again when it dies under a running
//! server, a clear message when its user cannot reach the data folder, and backup and restore.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use voorzieningen::db::{Durability, EmbeddedPostgres};

use crate::cli::{serve, terminate};
use crate::helpers::cluster_dir;

const BIN: &str = env!("CARGO_BIN_EXE_voorzieningen");

fn postmaster(data: &Path) -> String {
    std::fs::read_to_string(data.join("postgres/data/postmaster.pid"))
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .trim()
        .to_string()
}

/// Seconds until /readyz answers 200 again (None after `limit`).
async fn ready_again(url: &str, limit: Duration) -> Option<Duration> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(3))
        .build()
        .unwrap();
    let started = Instant::now();
    while started.elapsed() < limit {
        if let Ok(r) = client.get(format!("{url}/readyz")).send().await {
            if r.status() == StatusCode::OK {
                return Some(started.elapsed());
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}

/// A `serve` child that is stopped (and its cluster with it) even when the test fails.
struct Served(std::process::Child);

impl Drop for Served {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = Command::new("kill")
                .arg("-TERM")
                .arg(self.0.id().to_string())
                .status();
            for _ in 0..100 {
                if !matches!(self.0.try_wait(), Ok(None)) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = self.0.kill();
        }
    }
}

#[tokio::test]
async fn the_server_starts_its_cluster_again_when_it_dies() {
    let data = cluster_dir("supervised-data");
    let _ = std::fs::remove_dir_all(&data);
    let (child, url) = serve(&data);
    let mut served = Served(child);
    assert!(ready_again(&url, Duration::from_secs(5)).await.is_some());

    // SIGQUIT is what `pg_ctl stop -m immediate` sends; SIGKILL is a crash of the postmaster.
    for signal in ["-QUIT", "-KILL"] {
        let before = postmaster(&data);
        let killed_at = Instant::now();
        let killed = Command::new("kill")
            .arg(signal)
            .arg(&before)
            .status()
            .unwrap();
        assert!(killed.success());
        // Gone first (an immediate shutdown takes a moment), then back.
        while Path::new(&format!("/proc/{before}")).exists() && killed_at.elapsed().as_secs() < 5 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let took = ready_again(&url, Duration::from_secs(10))
            .await
            .map(|_| killed_at.elapsed());
        let took = took.unwrap_or_else(|| {
            panic!(
                "{signal}: not ready again within 10 s\n{}",
                std::fs::read_to_string(data.with_extension("log")).unwrap_or_default()
            )
        });
        eprintln!("{signal}: ready again after {took:?}");
        assert_ne!(postmaster(&data), before, "{signal}: a new postmaster");
        // Pages work again too.
        let page = reqwest::get(format!("{url}/inloggen")).await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
    }
    let log = std::fs::read_to_string(data.with_extension("log")).unwrap();
    assert!(
        log.contains("the embedded PostgreSQL stopped; starting it again"),
        "{log}"
    );
    assert!(log.contains("the embedded PostgreSQL runs again"), "{log}");

    terminate(&mut served.0);
    assert!(
        !data.join("postgres/data/postmaster.pid").exists(),
        "the restarted cluster stopped with the server"
    );
    let _ = std::fs::remove_dir_all(&data);
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

#[tokio::test]
async fn a_data_folder_the_cluster_user_cannot_reach_gets_a_message_that_says_what_to_do() {
    if !is_root() {
        eprintln!("not root: the cluster runs as this user, who can reach its own folders");
        return;
    }
    let locked = cluster_dir("locked-folder");
    let _ = std::fs::remove_dir_all(&locked);
    std::fs::create_dir_all(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o700)).unwrap();
    let out = Command::new(BIN)
        .args(["migrate", "--data-dir"])
        .arg(locked.join("data"))
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&locked);
    assert!(!out.status.success());
    let message = String::from_utf8_lossy(&out.stderr);
    assert!(
        message.contains(&format!(
            "may not enter the folder {}",
            locked.canonicalize().unwrap_or(locked.clone()).display()
        )) || message.contains(&format!("may not enter the folder {}", locked.display())),
        "{message}"
    );
    assert!(
        message.contains("runs as the unprivileged user '"),
        "{message}"
    );
    assert!(message.contains("choose a --data-dir outside"), "{message}");
    assert!(!message.contains("could not be started: Permission denied"));
}

fn run(data: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap()
}

/// The slugs of the tenants in the embedded database of `data` (started for the look).
async fn slugs(data: &Path) -> Vec<String> {
    let dir = data.join("postgres");
    let pg = tokio::task::spawn_blocking(move || EmbeddedPostgres::start(&dir, Durability::Fast))
        .await
        .unwrap()
        .unwrap();
    let pool = voorzieningen::db::admin_pool(pg.connect_options(pg.superuser(), "voorzieningen"))
        .await
        .unwrap();
    let slugs = sqlx::query_scalar("select slug from tenants order by slug")
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    tokio::task::spawn_blocking(move || pg.stop())
        .await
        .unwrap();
    slugs
}

#[tokio::test]
async fn a_backup_restores_into_the_same_or_a_new_data_folder() {
    let data = cluster_dir("backup-data");
    let other = cluster_dir("restore-data");
    let file = cluster_dir("backup.dump");
    for p in [&data, &other] {
        let _ = std::fs::remove_dir_all(p);
    }
    let _ = std::fs::remove_file(&file);
    let ok = |out: &Output| {
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    };
    ok(&run(
        &data,
        &[
            "tenant",
            "create",
            "--slug",
            "enschede",
            "--name",
            "Gemeente Enschede",
            "--cbs-code",
            "GM0153",
        ],
    ));
    let backup = run(&data, &["backup", "--to", file.to_str().unwrap()]);
    ok(&backup);
    assert!(String::from_utf8_lossy(&backup.stdout).contains("backup written to"));
    assert!(std::fs::metadata(&file).unwrap().len() > 10_000);

    // A change after the backup.
    ok(&run(
        &data,
        &[
            "tenant",
            "create",
            "--slug",
            "hengelo",
            "--name",
            "Gemeente Hengelo",
            "--cbs-code",
            "GM0164",
        ],
    ));
    // A database that holds data is not overwritten without --force.
    let refused = run(&data, &["restore", "--from", file.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("--force"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert_eq!(slugs(&data).await, ["enschede", "hengelo"]);
    ok(&run(
        &data,
        &["restore", "--from", file.to_str().unwrap(), "--force"],
    ));
    assert_eq!(slugs(&data).await, ["enschede"]);

    // Into a new, empty data folder: no --force needed, and the operator commands work on it.
    ok(&run(&other, &["restore", "--from", file.to_str().unwrap()]));
    assert_eq!(slugs(&other).await, ["enschede"]);
    ok(&run(
        &other,
        &[
            "user",
            "create",
            "--tenant",
            "enschede",
            "--email",
            "beheer@enschede.nl",
            "--name",
            "B",
            "--role",
            "beheerder",
        ],
    ));
    for p in [&data, &other] {
        let _ = std::fs::remove_dir_all(p);
    }
    let _ = std::fs::remove_file(&file);
}
