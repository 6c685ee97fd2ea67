//! Test harness: a real PostgreSQL (the embedded cluster code the product uses, started once
//! per test run unless DATABASE_URL is set), a fresh database per test, and the real server on
//! a loopback port.

use std::net::SocketAddr;
use std::path::PathBuf;

use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Executor, PgPool};
use tokio::sync::{oneshot, OnceCell};
use uuid::Uuid;
use voorzieningen::config::Settings;
use voorzieningen::db::{self, Db, Durability, EmbeddedPostgres};
use voorzieningen::register::taxonomy;
use voorzieningen::{demo, AppState};

pub const DEMO_PASSWORD: &str = "demo-demo-demo";

/// Where test databases are created: an admin connection to the server's `postgres` database,
/// and how to reach a named database as admin or as the application role.
pub struct Server {
    admin_base: PgConnectOptions,
    app_base: PgConnectOptions,
}

static SERVER: OnceCell<Server> = OnceCell::const_new();

pub fn cluster_dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name)
}

async fn server() -> &'static Server {
    SERVER
        .get_or_init(|| async {
            let (admin_base, app_base) = match std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty()) {
                Some(url) => {
                    let admin: PgConnectOptions = url.parse().expect("DATABASE_URL");
                    let app = admin.clone().username("voorzieningen_app").password("voorzieningen_app");
                    (admin, app)
                }
                None => {
                    let dir = cluster_dir("pg");
                    let pg = tokio::task::spawn_blocking(move || EmbeddedPostgres::start(&dir, Durability::Fast))
                        .await
                        .unwrap()
                        .expect("embedded PostgreSQL for the tests");
                    let admin = pg.connect_options(pg.superuser(), "postgres");
                    let app = pg.connect_options("voorzieningen_app", "postgres");
                    // The cluster keeps running until this test process ends (its watchdog stops it).
                    std::mem::forget(pg);
                    (admin, app)
                }
            };
            // Roles are cluster-wide: create the application role once, before databases migrate in parallel.
            let pool = PgPoolOptions::new().max_connections(1).connect_with(admin_base.clone()).await.expect("connect");
            pool.execute(
                "do $$ begin if not exists (select 1 from pg_roles where rolname = 'voorzieningen_app') then \
                 create role voorzieningen_app login password 'voorzieningen_app' nosuperuser nobypassrls noinherit; \
                 end if; end $$",
            )
            .await
            .expect("create application role");
            // Databases of earlier runs on this machine's test cluster (never in use now: one test
            // process owns the cluster) would fill the disk run after run.
            let stale: Vec<String> = sqlx::query_scalar("select datname::text from pg_database where datname like 'test\\_%'")
                .fetch_all(&pool)
                .await
                .expect("list test databases");
            if std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty()).is_none() {
                for name in stale {
                    let _ = pool.execute(format!("drop database if exists \"{name}\" with (force)").as_str()).await;
                }
            }
            pool.close().await;
            Server { admin_base, app_base }
        })
        .await
}

/// A fresh, migrated database.
pub struct TestDb {
    pub admin: PgPool,
    pub app: PgPool,
}

pub async fn test_db(demo_data: bool) -> TestDb {
    let server = server().await;
    let name = format!("test_{}", Uuid::new_v4().simple());
    db::ensure_database(server.admin_base.clone(), &name)
        .await
        .expect("create test database");
    let admin = db::admin_pool(server.admin_base.clone().database(&name))
        .await
        .expect("admin pool");
    db::migrate(&admin).await.expect("migrations");
    taxonomy::sync_national(&admin)
        .await
        .expect("national taxonomy");
    if demo_data {
        demo::load_once(&admin).await.expect("demo data");
    }
    let app = db::app_pool(server.app_base.clone().database(&name), false, 5);
    TestDb { admin, app }
}

/// The real server, on a loopback port, over a fresh database with the demo data.
pub struct TestApp {
    pub addr: SocketAddr,
    pub db: TestDb,
    /// The server's state, to look at what it keeps (its caches).
    pub state: AppState,
    shutdown: Option<oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(Settings::default()).await
    }

    pub async fn spawn_with(settings: Settings) -> Self {
        let db = test_db(true).await;
        Self::serve(db, settings).await
    }

    pub async fn serve(db: TestDb, settings: Settings) -> Self {
        let state = AppState::new(Db::new(db.app.clone()), settings);
        let served = state.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            voorzieningen::serve(listener, served, async {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        TestApp {
            addr,
            db,
            state,
            shutdown: Some(tx),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// A browser-like client: keeps cookies, does not follow redirects.
    pub fn client(&self) -> Browser {
        let client = Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .unwrap();
        Browser {
            client,
            base: format!("http://{}", self.addr),
            csrf: String::new(),
        }
    }

    /// A client signed in as `email` (password `demo-demo-demo`).
    pub async fn login(&self, email: &str) -> Browser {
        let mut browser = self.client();
        let response = browser.login(email, DEMO_PASSWORD).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "login as {email}");
        let location = response.headers()["location"].to_str().unwrap().to_string();
        let page = browser.get(&location).await;
        assert_eq!(page.status, StatusCode::OK);
        browser
    }

    /// A second server over the same database, as a second instance behind a load balancer.
    pub async fn second_server(&self) -> TestApp {
        let db = TestDb {
            admin: self.db.admin.clone(),
            app: self.db.app.clone(),
        };
        Self::serve(db, Settings::default()).await
    }

    pub async fn scalar_i64(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(&self.db.admin)
            .await
            .unwrap()
    }

    /// Changes the register behind the app's back (`sql`, as the owner), then refreshes the
    /// search documents of tenant `slug` as the app's own writes do.
    pub async fn change_register(&self, slug: &str, sql: &str) {
        sqlx::query(sql).execute(&self.db.admin).await.unwrap();
        sqlx::query("select facility_search_refresh(tenant_id, null) from tenants where slug = $1")
            .bind(slug)
            .execute(&self.db.admin)
            .await
            .unwrap();
    }

    /// A facility that a granted subsidy funds (the demo data has them in maastricht).
    pub async fn funded_facility(&self) -> Uuid {
        self.id(
            "select v.facility_ids[1] from subsidy_outcomes o join subsidy_applications a using (tenant_id, application_id) \
             join subsidy_application_versions v on v.tenant_id = a.tenant_id and v.application_id = a.application_id \
             and v.version = a.current_version where o.granted_cents > 0 and cardinality(v.facility_ids) > 0 limit 1",
        )
        .await
    }

    pub async fn id(&self, sql: &str) -> Uuid {
        sqlx::query_scalar(sql)
            .fetch_one(&self.db.admin)
            .await
            .unwrap()
    }
}

pub struct Page {
    pub status: StatusCode,
    pub body: String,
    pub location: Option<String>,
}

pub struct Browser {
    pub client: Client,
    base: String,
    /// The CSRF token of the last page that had a form.
    pub csrf: String,
}

impl Browser {
    /// The same browser (its cookies too) talking to `app`.
    pub fn on(&self, app: &TestApp) -> Browser {
        Browser {
            client: self.client.clone(),
            base: format!("http://{}", app.addr),
            csrf: self.csrf.clone(),
        }
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let response = self
            .client
            .get(format!("{}{}", self.base, path))
            .send()
            .await
            .unwrap();
        self.page(response).await
    }

    async fn page(&mut self, response: Response) -> Page {
        let status = response.status();
        let location = response
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string());
        let body = response.text().await.unwrap();
        if let Some(token) = csrf_in(&body) {
            self.csrf = token;
        }
        Page {
            status,
            body,
            location,
        }
    }

    /// Submits a form with the current CSRF token added.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut fields: Vec<(&str, &str)> = fields.to_vec();
        let token = self.csrf.clone();
        fields.push(("csrf_token", &token));
        self.post_raw(path, &fields).await
    }

    /// Submits a form exactly as given.
    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let response = self
            .client
            .post(format!("{}{}", self.base, path))
            .form(fields)
            .send()
            .await
            .unwrap();
        self.page(response).await
    }

    /// Uploads `bytes` as the multipart field `bestand`, with the CSRF token.
    pub async fn upload(&mut self, path: &str, bytes: Vec<u8>) -> Page {
        let form = reqwest::multipart::Form::new()
            .text("csrf_token", self.csrf.clone())
            .part(
                "bestand",
                reqwest::multipart::Part::bytes(bytes).file_name("gebieden.csv"),
            );
        let response = self
            .client
            .post(format!("{}{}", self.base, path))
            .multipart(form)
            .send()
            .await
            .unwrap();
        self.page(response).await
    }

    /// Fetches the login form, then posts the credentials.
    pub async fn login(&mut self, email: &str, password: &str) -> Response {
        self.get("/inloggen").await;
        let token = self.csrf.clone();
        self.client
            .post(format!("{}/inloggen", self.base))
            .form(&[
                ("email", email),
                ("password", password),
                ("csrf_token", &token),
            ])
            .send()
            .await
            .unwrap()
    }
}

/// The value of the first `csrf_token` field in a page.
pub fn csrf_in(body: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = body.find(marker)? + marker.len();
    let end = body[start..].find('"')? + start;
    Some(body[start..end].to_string()).filter(|t| !t.is_empty())
}
