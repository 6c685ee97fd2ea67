//! Database access: pools, migrations, the embedded default and tenant-scoped transactions.

pub mod backup;
mod cluster_user;
mod command;
pub mod embedded;
pub mod supervise;

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
/// Made only here, and every maker sets `app.tenant_id` to the tenant it carries:
/// [`Db::tenant_tx`] (a signed-in user's tenant), [`Db::published_tx`] (the public pages) and
/// [`TenantTx::adopt`] (an owner's transaction: demo data, operator commands).
/// Queries run on `&mut **tx` given a `&mut TenantTx`, on `&mut *tx` given an owned one.
pub struct TenantTx {
    tx: Tx,
    tenant_id: Uuid,
}

/// Admits `tenant_id`'s rows for the rest of the transaction. Bound as text: `set_config` takes
/// no uuid.
const SET_TENANT: &str = "select set_config('app.tenant_id', $1, true)";

impl TenantTx {
    /// An owner's transaction (the demo loader, operator commands) given to the code that works
    /// on one tenant. The owner's maintenance policy admits every row, so there it is the
    /// queries' own `tenant_id` that keeps to the tenant; the tenant is set all the same, so
    /// that `app.tenant_id` and [`TenantTx::tenant_id`] never disagree. One round trip.
    pub async fn adopt(mut tx: Tx, tenant_id: Uuid) -> Result<Self, sqlx::Error> {
        sqlx::query(SET_TENANT)
            .bind(tenant_id.to_string())
            .execute(&mut *tx)
            .await?;
        Ok(Self { tx, tenant_id })
    }

    /// The plain transaction back, for an owner that goes on to another tenant (the demo loader
    /// loads its tenants in one transaction).
    pub fn into_inner(self) -> Tx {
        self.tx
    }

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

/// What [`Db::published_tx`] reads of a published tenant.
pub struct PublishedTenant {
    pub name: String,
    /// `tenants.register_generation`.
    pub generation: i64,
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
    pub async fn tenant_tx(&self, tenant_id: Uuid) -> AppResult<TenantTx> {
        let tx = self
            .pool
            .begin_with(format!(
                "begin; select set_config('app.tenant_id', '{tenant_id}', true)"
            ))
            .await?;
        Ok(TenantTx { tx, tenant_id })
    }

    /// The transaction of `tenant_id` if that tenant is published (the public kaart and the
    /// HSDS API), with what those pages show of the tenant; `None` when it is not published.
    /// The statement that reads the tenant row also sets the tenant, so this costs the BEGIN
    /// and one statement.
    pub async fn published_tx(
        &self,
        tenant_id: Uuid,
    ) -> Result<Option<(PublishedTenant, TenantTx)>, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let row: Option<(String, i64)> = sqlx::query_as(
            "select name, register_generation from tenants, set_config('app.tenant_id', $1::text, true) \
             where tenant_id = $1::uuid and published",
        )
        .bind(tenant_id.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        Ok(row.map(|(name, generation)| {
            (
                PublishedTenant { name, generation },
                TenantTx { tx, tenant_id },
            )
        }))
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
/// Callers sync the national taxonomy next (`cli`).
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

/// Brings the schema to this version (the embedded migrations). The national taxonomy is data,
/// synced by the command line after this ([`crate::register::taxonomy::sync_national`]).
pub async fn migrate(admin: &PgPool) -> Result<(), String> {
    sqlx::migrate!("./migrations")
        .run(admin)
        .await
        .map_err(|e| format!("migrations failed: {e}"))
}
