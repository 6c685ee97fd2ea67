//! The bare-stack baseline of the load run (bench/run): axum + sqlx + askama and nothing else,
//! on the same database as the app. `GET /{tenant}` reads 12 facilities of that tenant by name
//! and renders them in a small askama page.
//!
//! It connects the way the app does, with the app's own `db::app_pool` (role `voorzieningen_app`
//! over the embedded cluster's Unix socket, 16 connections, tested only after idling) and
//! `Db::tenant_tx` (a transaction whose BEGIN sets `app.tenant_id`), so row-level security and
//! the database round trips are paid for as in the app. Tenant slugs are resolved once at
//! start-up (a map in memory).
//!
//! A Cargo example kept beside the benchmark (declared in Cargo.toml with this path); bench/run
//! builds it with `cargo build --release --example bench_baseline`. By hand:
//!
//!   cargo run --release --example bench_baseline -- <data-dir> <listen-address>
//!   e.g. bench_baseline /tmp/vr-bench 127.0.0.1:18081

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sqlx::postgres::PgConnectOptions;
use sqlx::PgPool;
use uuid::Uuid;
use voorzieningen::db::{app_pool, Db};

/// The app's pool size (`db::open(.., 16)` in `cli::serve`).
const POOL_SIZE: u32 = 16;

#[derive(Clone)]
struct Baseline {
    pool: PgPool,
    tenants: Arc<HashMap<String, (Uuid, String)>>,
}

struct Row {
    name: String,
    street: String,
    house_number: String,
    city: String,
    access: String,
}

#[derive(Template)]
#[template(
    ext = "html",
    source = r#"<!doctype html>
<html lang="nl">
<head><meta charset="utf-8"><title>{{ tenant }} · voorzieningen</title></head>
<body>
<main>
<h1>Voorzieningen in {{ tenant }}</h1>
<table>
<thead><tr><th>Naam</th><th>Adres</th><th>Plaats</th><th>Toegang</th></tr></thead>
<tbody>
{% for row in rows %}<tr><td>{{ row.name }}</td><td>{{ row.street }} {{ row.house_number }}</td><td>{{ row.city }}</td><td>{{ row.access }}</td></tr>
{% endfor %}</tbody>
</table>
</main>
</body>
</html>
"#
)]
struct Page<'a> {
    tenant: &'a str,
    rows: &'a [Row],
}

async fn page(State(app): State<Baseline>, Path(slug): Path<String>) -> Response {
    let Some((tenant_id, tenant)) = app.tenants.get(&slug) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Ok(rows) = rows(&Db::new(app.pool.clone()), *tenant_id).await else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    let page = Page {
        tenant,
        rows: &rows,
    };
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// 12 facilities by name, in a tenant transaction opened as the app opens its own.
async fn rows(db: &Db, tenant_id: Uuid) -> Result<Vec<Row>, Box<dyn std::error::Error>> {
    let mut tx = db
        .tenant_tx(tenant_id)
        .await
        .map_err(|e| format!("{e:?}"))?;
    let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "select name, street, house_number, city, access from facilities \
         where tenant_id = $1 and not archived order by lower(name) limit 12",
    )
    .bind(tenant_id)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|(name, street, house_number, city, access)| Row {
            name,
            street,
            house_number,
            city,
            access,
        })
        .collect())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .ok_or("usage: bench_baseline <data-dir> <listen-address>")?;
    let listen = args.next().unwrap_or_else(|| "127.0.0.1:18081".into());
    let options = PgConnectOptions::new()
        .socket(std::path::Path::new(&dir).join("postgres").canonicalize()?)
        .username("voorzieningen_app")
        .database("voorzieningen");
    // The app's own pool settings and transactions (voorzieningen::db).
    let pool = app_pool(options, false, POOL_SIZE);
    let tenants: Vec<(String, Uuid, String)> =
        sqlx::query_as("select slug, tenant_id, name from tenants")
            .fetch_all(&pool)
            .await?;
    let tenants = tenants
        .into_iter()
        .map(|(slug, id, name)| (slug, (id, name)))
        .collect();
    let app = Router::new()
        .route("/{tenant}", get(page))
        .with_state(Baseline {
            pool,
            tenants: Arc::new(tenants),
        });
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    eprintln!("bench_baseline listening on {listen}");
    axum::serve(listener, app).await?;
    Ok(())
}
