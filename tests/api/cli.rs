//! The `voorzieningen` binary: serve on its embedded PostgreSQL (the path a newcomer and CI
//! take), stop on SIGTERM, keep users' changes across starts; and the operator commands.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::cluster_dir;

const BIN: &str = env!("CARGO_BIN_EXE_voorzieningen");

/// Starts `serve --demo` on a data folder; returns the child and the URL it printed.
pub fn serve(data_dir: &std::path::Path) -> (std::process::Child, String) {
    let mut child = Command::new(BIN)
        .args(["serve", "--demo", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(data_dir.with_extension("log")).unwrap())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let url = line
        .split_whitespace()
        .last()
        .expect("the server prints its URL")
        .trim_end_matches('/')
        .to_string();
    (child, url)
}

pub fn terminate(child: &mut std::process::Child) {
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    for _ in 0..100 {
        if let Some(status) = child.try_wait().unwrap() {
            eprintln!("serve exited: {status}");
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("serve did not stop on SIGTERM");
}

#[tokio::test]
async fn serve_runs_on_its_own_postgres_stops_it_on_sigterm_and_keeps_changes() {
    let data = cluster_dir("serve-data");
    let _ = std::fs::remove_dir_all(&data);
    let (mut child, url) = serve(&data);
    let client = reqwest::Client::new();
    assert_eq!(
        client
            .get(format!("{url}/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        client
            .get(format!("{url}/readyz"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert!(data.join("postgres/data/PG_VERSION").exists());
    assert!(
        data.join("postgres/.s.PGSQL.5432").exists(),
        "a Unix socket in the data folder"
    );

    // A change by a user: the beheerder renames the gemeente through the operator's database.
    let rename = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "psql -h '{}' -U postgres -d voorzieningen -qAt -c \"update areas set name = 'Almelo (gewijzigd)' where cbs_code = 'GM0141' and tenant_id = (select tenant_id from tenants where slug = 'almelo')\"",
            data.join("postgres").display()
        ))
        .output()
        .unwrap();
    assert!(
        rename.status.success(),
        "{}",
        String::from_utf8_lossy(&rename.stderr)
    );
    terminate(&mut child);
    assert!(
        !data.join("postgres/data/postmaster.pid").exists(),
        "the cluster stopped with the server"
    );

    let (mut again, url) = serve(&data);
    assert_eq!(
        client
            .get(format!("{url}/readyz"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    {
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "psql -h '{}' -U postgres -d voorzieningen -qAt -c \"select count(*) from areas where name = 'Almelo (gewijzigd)'\"",
                data.join("postgres").display()
            ))
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            "1",
            "the second start kept the change"
        );
    }
    let users = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "psql -h '{}' -U postgres -d voorzieningen -qAt -c 'select count(*) from users'",
            data.join("postgres").display()
        ))
        .output()
        .unwrap();
    {
        assert_eq!(
            String::from_utf8_lossy(&users.stdout).trim(),
            "15",
            "demo users loaded once"
        );
    }
    terminate(&mut again);
    let _ = std::fs::remove_dir_all(&data);
}

#[tokio::test]
async fn operators_create_tenants_and_users_from_the_command_line() {
    let data = cluster_dir("cli-data");
    let _ = std::fs::remove_dir_all(&data);
    let run = |args: &[&str]| {
        Command::new(BIN)
            .args(args)
            .arg("--data-dir")
            .arg(&data)
            .env_remove("DATABASE_URL")
            .output()
            .unwrap()
    };
    let created = run(&[
        "tenant",
        "create",
        "--slug",
        "enschede",
        "--name",
        "Gemeente Enschede",
        "--cbs-code",
        "GM0153",
    ]);
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let again = run(&[
        "tenant",
        "create",
        "--slug",
        "enschede",
        "--name",
        "Nog eens",
        "--cbs-code",
        "GM0153",
    ]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let bad = run(&["tenant", "create", "--slug", "x y", "--name", "Fout"]);
    assert!(!bad.status.success());

    let user = run(&[
        "user",
        "create",
        "--tenant",
        "enschede",
        "--email",
        "beheer@enschede.nl",
        "--name",
        "Eerste Beheerder",
        "--role",
        "beheerder",
        "--public-url",
        "https://register.example.nl",
    ]);
    assert!(
        user.status.success(),
        "{}",
        String::from_utf8_lossy(&user.stderr)
    );
    let out = String::from_utf8_lossy(&user.stdout);
    assert!(
        out.contains("https://register.example.nl/wachtwoord-instellen/"),
        "{out}"
    );
    let unknown_role = run(&[
        "user", "create", "--tenant", "enschede", "--email", "a@b.nl", "--name", "A", "--role",
        "koning",
    ]);
    assert!(!unknown_role.status.success());
    let help = Command::new(BIN)
        .args(["user", "create", "--help"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("--role"));
    // Operator commands stop the cluster they started.
    assert!(!data.join("postgres/data/postmaster.pid").exists());
    let _ = std::fs::remove_dir_all(&data);
}
