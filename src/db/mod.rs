//! Database access: pools, migrations, the embedded default and tenant-scoped transactions.

pub mod embedded;

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Executor, PgPool, Postgres, Transaction};
use uuid::Uuid;

use crate::config::DatabaseSource;
use crate::error::AppResult;
pub use embedded::{Durability, EmbeddedPostgres};

pub type Tx = Transaction<'static, Postgres>;

/// A transaction of one tenant: row-level security admits only that tenant's rows, and the
/// tenant travels with the transaction, so a query cannot be handed another tenant's id.
/// Made only by [`Db::begin_tenant`] (and the published-tenant opener).
/// Queries run on `&mut **tx` (the connection), as with a plain transaction.
pub struct TenantTx {
    tx: Tx,
    tenant_id: Uuid,
}

impl TenantTx {
    /// The tenant whose rows this transaction admits.
    pub fn tenant_id(&self) -> Uuid {
        self.tenant_id
    }

    pub async fn commit(self) -> AppResult<()> {
        Ok(self.tx.commit().await?)
    }
}

impl std::ops::Deref for TenantTx {
    type Target = sqlx::PgConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for TenantTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

/// The application's pool, connected as the unprivileged role `voorzieningen_app`.
#[derive(Clone, Debug)]
pub struct Db {
    pool: PgPool,
}

impl Db {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// A transaction in which row-level security admits only `tenant_id`'s rows. The tenant is
    /// set by the BEGIN itself (one round trip); a UUID's text has nothing to escape.
    pub async fn tenant_tx(&self, tenant_id: Uuid) -> AppResult<Tx> {
        Ok(self
            .pool
            .begin_with(format!(
                "begin; select set_config('app.tenant_id', '{tenant_id}', true)"
            ))
            .await?)
    }

    /// A [`TenantTx`] of `tenant_id`.
    pub async fn begin_tenant(&self, tenant_id: Uuid) -> AppResult<TenantTx> {
        let tx = self.tenant_tx(tenant_id).await?;
        Ok(TenantTx { tx, tenant_id })
    }

    /// True when the database answers.
    pub async fn ping(&self) -> bool {
        tokio::time::timeout(Duration::from_secs(2), self.pool.execute("select 1"))
            .await
            .map(|r| r.is_ok())
            .unwrap_or(false)
    }
}

/// The two connections a start needs: the owner (migrations, demo data, operator commands)
/// and the application role.
pub struct Connections {
    pub admin: PgPool,
    pub app: PgPool,
    pub embedded: Option<EmbeddedPostgres>,
}

const EMBEDDED_DATABASE: &str = "voorzieningen";

/// Connects (starting the embedded cluster when configured) and runs the migrations.
pub async fn open(source: &DatabaseSource, app_pool_size: u32) -> Result<Connections, String> {
    match source {
        DatabaseSource::Embedded { dir } => {
            let dir = dir.join("postgres");
            let pg = tokio::task::spawn_blocking(move || {
                EmbeddedPostgres::start(&dir, Durability::Safe)
            })
            .await
            .map_err(|e| e.to_string())??;
            let server = pg.connect_options(pg.superuser(), "postgres");
            ensure_database(server, EMBEDDED_DATABASE).await?;
            let admin = admin_pool(pg.connect_options(pg.superuser(), EMBEDDED_DATABASE)).await?;
            migrate(&admin).await?;
            let app = app_pool(
                pg.connect_options("voorzieningen_app", EMBEDDED_DATABASE),
                false,
                app_pool_size,
            );
            Ok(Connections {
                admin,
                app,
                embedded: Some(pg),
            })
        }
        DatabaseSource::External { admin, app } => {
            let admin_opts: PgConnectOptions =
                admin.parse().map_err(|e| format!("DATABASE_URL: {e}"))?;
            let admin_pool = admin_pool(admin_opts.clone()).await?;
            migrate(&admin_pool).await?;
            let app = match app {
                Some(url) => {
                    let opts: PgConnectOptions =
                        url.parse().map_err(|e| format!("APP_DATABASE_URL: {e}"))?;
                    app_pool(opts, false, app_pool_size)
                }
                None => {
                    tracing::warn!(
                        "APP_DATABASE_URL is not set: the application switches to role voorzieningen_app \
                         with SET ROLE on the DATABASE_URL login; set APP_DATABASE_URL to log in as that role"
                    );
                    app_pool(admin_opts, true, app_pool_size)
                }
            };
            Ok(Connections {
                admin: admin_pool,
                app,
                embedded: None,
            })
        }
    }
}

/// Creates `name` on the server unless it exists.
pub async fn ensure_database(server: PgConnectOptions, name: &str) -> Result<(), String> {
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(server)
        .await
        .map_err(|e| format!("cannot connect to PostgreSQL: {e}"))?;
    let exists: bool =
        sqlx::query_scalar("select exists (select 1 from pg_database where datname = $1)")
            .bind(name)
            .fetch_one(&pool)
            .await
            .map_err(|e| e.to_string())?;
    if !exists {
        let sql = format!("create database \"{}\"", name.replace('"', ""));
        pool.execute(sql.as_str())
            .await
            .map_err(|e| e.to_string())?;
    }
    pool.close().await;
    Ok(())
}

pub async fn admin_pool(opts: PgConnectOptions) -> Result<PgPool, String> {
    PgPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(opts)
        .await
        .map_err(|e| format!("cannot connect to PostgreSQL: {e}"))
}

/// A connection idle for longer than this is tested before it is handed out.
const TEST_AFTER_IDLE: Duration = Duration::from_secs(5);

/// A lazy pool: the server starts even when the database is down and recovers when it is back.
/// A connection is tested (a round trip) only after TEST_AFTER_IDLE idle, not before every
/// use: under load connections are never idle that long, and a broken one is replaced after
/// the one request that finds it broken.
/// JIT compilation is off for the app's connections: its queries are short, and compiling one
/// costs more than running it.
pub fn app_pool(opts: PgConnectOptions, set_role: bool, size: u32) -> PgPool {
    let opts = opts.options([("jit", "off")]);
    let mut options = PgPoolOptions::new()
        .max_connections(size)
        .min_connections(0)
        .acquire_timeout(Duration::from_secs(3))
        .idle_timeout(Duration::from_secs(300))
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for > TEST_AFTER_IDLE {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        });
    if set_role {
        options = options.after_connect(|conn, _| {
            Box::pin(async move {
                conn.execute("set role voorzieningen_app").await?;
                Ok(())
            })
        });
    }
    options.connect_lazy_with(opts)
}

/// Brings the database to this version: schema migrations, then the national taxonomy.
pub async fn migrate(admin: &PgPool) -> Result<(), String> {
    sqlx::migrate!("./migrations")
        .run(admin)
        .await
        .map_err(|e| format!("migrations failed: {e}"))?;
    crate::register::taxonomy::sync_national(admin)
        .await
        .map_err(|e| format!("loading the national taxonomy failed: {e}"))
}
