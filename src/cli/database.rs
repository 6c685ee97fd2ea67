//! Where the database is (the global `--data-dir`, `DATABASE_URL`, `APP_DATABASE_URL` flags)
//! and opening it for a command: connect, migrate, bring the national taxonomy up to date.

use std::path::PathBuf;

use clap::Args;

use crate::config::DatabaseSource;
use crate::db;

#[derive(Args, Debug, Clone)]
pub struct DatabaseArgs {
    /// Folder for the embedded PostgreSQL cluster (used when DATABASE_URL is unset).
    #[arg(
        long,
        global = true,
        env = "VOORZIENINGEN_DATA_DIR",
        default_value = "./data"
    )]
    pub data_dir: PathBuf,
    /// PostgreSQL URL of the owner role (runs migrations). Unset: start an embedded cluster.
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// PostgreSQL URL of the unprivileged login `voorzieningen_app` (with DATABASE_URL).
    #[arg(long, global = true, env = "APP_DATABASE_URL", hide_env_values = true)]
    pub app_database_url: Option<String>,
}

impl DatabaseArgs {
    pub fn source(&self) -> DatabaseSource {
        match &self.database_url {
            Some(url) if !url.is_empty() => DatabaseSource::External {
                admin: url.clone(),
                app: self.app_database_url.clone().filter(|u| !u.is_empty()),
            },
            _ => DatabaseSource::Embedded {
                dir: self.data_dir.clone(),
            },
        }
    }
}

/// Connects and migrates ([`db::open`]), then brings the national taxonomy up to date.
pub(super) async fn open_database(
    source: &DatabaseSource,
    app_pool_size: u32,
) -> Result<db::Connections, String> {
    let conns = db::open(source, app_pool_size).await?;
    crate::register::taxonomy::sync_national(&conns.admin)
        .await
        .map_err(|e| format!("loading the national taxonomy failed: {e}"))?;
    Ok(conns)
}
