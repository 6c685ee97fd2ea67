//! `voorzieningen backup` and `restore`: the whole database in pg_dump's custom format, from and
//! into the embedded cluster or the DATABASE_URL server, with the PostgreSQL programs of the
//! cluster (or found on the machine).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use sqlx::postgres::PgConnectOptions;

use super::embedded::{find_bin_dir, Durability, EmbeddedPostgres};
use crate::config::DatabaseSource;

/// How pg_dump and pg_restore reach the database: their connection arguments, the password
/// (passed in the environment, never on the command line, where `ps` would show it), and the
/// cluster when it is the embedded one.
struct Target {
    args: Vec<String>,
    password: Option<String>,
    bin: PathBuf,
    embedded: Option<EmbeddedPostgres>,
    admin: PgConnectOptions,
}

impl Target {
    async fn open(source: &DatabaseSource) -> Result<Self, String> {
        match source {
            DatabaseSource::Embedded { dir } => {
                let dir = dir.join("postgres");
                let pg = tokio::task::spawn_blocking(move || {
                    EmbeddedPostgres::start(&dir, Durability::Safe)
                })
                .await
                .map_err(|e| e.to_string())??;
                super::ensure_database(
                    pg.connect_options(pg.superuser(), "postgres"),
                    super::EMBEDDED_DATABASE,
                )
                .await?;
                Ok(Self {
                    args: vec![
                        "--host".into(),
                        pg.dir().display().to_string(),
                        "--username".into(),
                        pg.superuser().into(),
                        "--dbname".into(),
                        super::EMBEDDED_DATABASE.into(),
                    ],
                    password: None,
                    bin: pg.bin_dir().to_path_buf(),
                    admin: pg.connect_options(pg.superuser(), super::EMBEDDED_DATABASE),
                    embedded: Some(pg),
                })
            }
            DatabaseSource::External { admin, .. } => {
                let options: PgConnectOptions =
                    admin.parse().map_err(|e| format!("DATABASE_URL: {e}"))?;
                let (url, password) = split_password(admin);
                Ok(Self {
                    args: vec!["--dbname".into(), url],
                    password,
                    bin: find_bin_dir().unwrap_or_default(),
                    admin: options,
                    embedded: None,
                })
            }
        }
    }

    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        let mut cmd = Command::new(if path.is_file() {
            path
        } else {
            PathBuf::from(program)
        });
        cmd.args(&self.args).stdin(Stdio::null());
        if let Some(password) = &self.password {
            cmd.env("PGPASSWORD", password);
        }
        cmd
    }

    /// Stops the embedded cluster if this command started it.
    fn close(&self) {
        if let Some(pg) = &self.embedded {
            pg.stop();
        }
    }
}

/// Writes the database to `file` (custom format); the file appears only when the dump is whole.
pub async fn backup(source: &DatabaseSource, file: &Path) -> Result<String, String> {
    let target = Target::open(source).await?;
    let partial = file.with_extension("partial");
    let result = run(
        target
            .command("pg_dump")
            .args(["--format=custom", "--file"])
            .arg(&partial),
        "pg_dump",
    )
    .and_then(|()| {
        std::fs::rename(&partial, file).map_err(|e| format!("cannot write {}: {e}", file.display()))
    });
    target.close();
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result?;
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    Ok(format!(
        "backup written to {} ({:.1} MB)",
        file.display(),
        size as f64 / 1e6
    ))
}

/// Restores `file` into the database, which must hold no data unless `force`; then brings it to
/// this version with the migrations.
pub async fn restore(source: &DatabaseSource, file: &Path, force: bool) -> Result<String, String> {
    if !file.is_file() {
        return Err(format!("{} is not a file", file.display()));
    }
    let target = Target::open(source).await?;
    let result = restore_into(&target, file, force).await;
    target.close();
    result
}

async fn restore_into(target: &Target, file: &Path, force: bool) -> Result<String, String> {
    if target
        .embedded
        .as_ref()
        .is_some_and(|pg| !pg.started_here())
    {
        return Err(
            "the embedded PostgreSQL is running already: stop `voorzieningen serve` first, \
             then restore"
                .into(),
        );
    }
    let admin = super::admin_pool(target.admin.clone()).await?;
    let has_tenants: bool = sqlx::query_scalar("select to_regclass('public.tenants') is not null")
        .fetch_one(&admin)
        .await
        .map_err(|e| e.to_string())?;
    let tenants: i64 = if has_tenants {
        sqlx::query_scalar("select count(*) from tenants")
            .fetch_one(&admin)
            .await
            .map_err(|e| e.to_string())?
    } else {
        0
    };
    if tenants > 0 && !force {
        admin.close().await;
        return Err(format!(
            "the database holds data ({tenants} tenants); restoring replaces it. \
             Make a backup of it first, then run restore again with --force"
        ));
    }
    // What running app servers may hold: the generations they read before the restore.
    let held = if has_tenants {
        highest_generation(&admin).await?
    } else {
        0
    };
    // Roles belong to the server, not the database: the backup's grants need the app's role.
    sqlx::query(
        "do $$ begin if not exists (select 1 from pg_roles where rolname = 'voorzieningen_app') then \
         create role voorzieningen_app login nosuperuser nocreatedb nocreaterole nobypassrls noinherit; \
         end if; end $$",
    )
    .execute(&admin)
    .await
    .map_err(|e| format!("the role voorzieningen_app could not be made: {e}"))?;
    let restored = run(
        target
            .command("pg_restore")
            .args([
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
            ])
            .arg(file),
        "pg_restore",
    );
    if let Err(err) = restored {
        admin.close().await;
        return Err(err);
    }
    // A backup of an earlier version is brought up to this one.
    let migrated = super::migrate(&admin).await;
    let moved = match &migrated {
        Ok(()) => move_generations_past(&admin, held).await,
        Err(_) => Ok(()),
    };
    let count: i64 = sqlx::query_scalar("select count(*) from tenants")
        .fetch_one(&admin)
        .await
        .unwrap_or(0);
    admin.close().await;
    migrated?;
    moved?;
    Ok(format!(
        "restored {} ({count} tenants); the database is up to date, and servers still running \
         read everything again at their next request",
        file.display()
    ))
}

/// The highest register or auth generation of any tenant (columns an older schema may lack).
async fn highest_generation(admin: &sqlx::PgPool) -> Result<i64, String> {
    sqlx::query_scalar(
        "select coalesce(max(g), 0)::bigint from tenants t, lateral (values \
         ((to_jsonb(t) ->> 'register_generation')::bigint), ((to_jsonb(t) ->> 'auth_generation')::bigint)) x(g)",
    )
    .fetch_one(admin)
    .await
    .map_err(|e| format!("the generations could not be read: {e}"))
}

/// After a restore every tenant's register and auth generation moves past any value an app
/// server still running can hold, so that none keeps serving what it built from the data
/// before the restore, nor trusts a session it kept (the restored counters may be lower than,
/// or equal to, what a server read since the backup was made). Past `held`, the highest value
/// the database held before the restore; and to at least the restore's time in microseconds,
/// for what was committed between reading `held` and the restore replacing the tables, and
/// for a restore after an earlier one (no database moves a counter a million times a second).
async fn move_generations_past(admin: &sqlx::PgPool, held: i64) -> Result<(), String> {
    sqlx::query(
        "with floor as (select greatest($1::bigint + 1, \
             (extract(epoch from clock_timestamp()) * 1000000)::bigint) as g) \
         update tenants set register_generation = greatest(register_generation + 1, floor.g), \
                            auth_generation = greatest(auth_generation + 1, floor.g) from floor",
    )
    .bind(held)
    .execute(admin)
    .await
    .map(|_| ())
    .map_err(|e| format!("the generations could not be moved on: {e}"))
}

fn run(cmd: &mut Command, what: &str) -> Result<(), String> {
    let out = cmd
        .output()
        .map_err(|e| format!("{what} could not be started: {e} (install the PostgreSQL client programs, e.g. `apt-get install postgresql-client`)"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// `postgres://user:secret@host/db` → (`postgres://user@host/db`, `secret`), percent-decoded.
fn split_password(url: &str) -> (String, Option<String>) {
    let Some((scheme, rest)) = url.split_once("://") else {
        return (url.to_string(), None);
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return (url.to_string(), None);
    };
    let Some((user, password)) = userinfo.split_once(':') else {
        return (url.to_string(), None);
    };
    (
        format!("{scheme}://{user}@{host}{tail}"),
        Some(percent_decode(password)),
    )
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url() {
        assert_eq!(
            split_password("postgres://eigenaar:ge%40heim@db:5432/vr?sslmode=require"),
            (
                "postgres://eigenaar@db:5432/vr?sslmode=require".to_string(),
                Some("ge@heim".to_string())
            )
        );
        assert_eq!(
            split_password("postgres://eigenaar@db/vr"),
            ("postgres://eigenaar@db/vr".to_string(), None)
        );
        assert_eq!(
            split_password("postgresql:///vr?host=/run/postgresql"),
            ("postgresql:///vr?host=/run/postgresql".to_string(), None)
        );
    }
}
