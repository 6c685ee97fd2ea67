//! Demo data for `serve --demo`: three tenants with real areas, providers and one user per
//! role, all with the password `demo-demo-demo`. Loaded once; later starts keep what users
//! changed.

use sqlx::PgPool;
use uuid::Uuid;

mod pilot;
mod pilot_outcomes;
mod register;
mod subsidy;

use crate::auth::password;
use crate::db::{TenantTx, Tx};
use crate::tenancy::tenants::{self, NewTenant};
use crate::tenancy::{areas_csv, areas_store};

pub const PASSWORD: &str = "demo-demo-demo";

struct DemoTenant {
    slug: &'static str,
    name: &'static str,
    kind: &'static str,
    cbs_code: Option<&'static str>,
    areas: &'static str,
}

const TENANTS: [DemoTenant; 3] = [
    DemoTenant {
        slug: "almelo",
        name: "Gemeente Almelo",
        kind: "gemeente",
        cbs_code: Some("GM0141"),
        areas: include_str!("data/areas_almelo.csv"),
    },
    DemoTenant {
        slug: "maastricht",
        name: "Gemeente Maastricht",
        kind: "gemeente",
        cbs_code: Some("GM0935"),
        areas: include_str!("data/areas_maastricht.csv"),
    },
    DemoTenant {
        slug: "twente",
        name: "Regio Twente",
        kind: "regio",
        cbs_code: None,
        areas: include_str!("data/areas_twente.csv"),
    },
];

const PROVIDERS: &str = include_str!("data/providers.csv");

/// (e-mail prefix, display name, role)
const USERS: [(&str, &str, &str); 5] = [
    ("beheer", "Bram Beheer", "beheerder"),
    ("beleid", "Lotte Beleid", "beleidsmedewerker"),
    ("beoordelaar", "Sanne Beoordelaar", "beoordelaar"),
    ("wijkteam", "Wim Wijkteam", "wijkteam"),
    ("aanbieder", "Anouk Aanbieder", "aanbieder"),
];

/// Loads the demo data unless it was loaded before. Expects the national taxonomy synced
/// (the command line and the test harness do so after the migrations).
pub async fn load_once(admin: &PgPool) -> Result<(), String> {
    let mut tx = admin.begin().await.map_err(|e| e.to_string())?;
    let first: Option<String> = sqlx::query_scalar(
        "insert into app_meta (key, value) values ('demo_loaded', now()::text) on conflict do nothing returning key",
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(|e| e.to_string())?;
    if first.is_none() {
        tracing::info!("demo data was loaded before; keeping what users changed");
        return Ok(());
    }
    let hash = password::hash(PASSWORD.to_string())
        .await
        .map_err(|e| e.to_string())?;
    for demo in &TENANTS {
        tx = load_tenant(tx, demo, &hash)
            .await
            .map_err(|e| format!("demo tenant {}: {e}", demo.slug))?;
    }
    tx.commit().await.map_err(|e| e.to_string())?;
    subsidy::decide_closed_rounds(admin).await?;
    tracing::info!("demo data loaded: tenants almelo, maastricht, twente");
    Ok(())
}

/// Loads one tenant in the owner's transaction `tx` and hands the transaction back for the next.
async fn load_tenant(mut tx: Tx, demo: &DemoTenant, hash: &str) -> Result<Tx, String> {
    let tenant = NewTenant {
        slug: demo.slug.into(),
        name: demo.name.into(),
        kind: demo.kind.into(),
        cbs_code: demo.cbs_code.map(Into::into),
    };
    let tenant_id = tenants::create(&mut tx, &tenant).await?;
    // The demo keeps passwords alone, so anyone can try every role; a real tenant asks its
    // beheerders for a second factor (README).
    sqlx::query("update tenants set second_factor = 'geen' where tenant_id = $1")
        .bind(tenant_id)
        .execute(&mut *tx)
        .await
        .map_err(|e| e.to_string())?;
    let mut tenant_tx = TenantTx::adopt(tx, tenant_id)
        .await
        .map_err(|e| e.to_string())?;
    let tx = &mut tenant_tx;
    let records = areas_csv::parse(demo.areas.as_bytes()).map_err(|e| format!("areas: {e:?}"))?;
    areas_store::apply(tx, records)
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| format!("areas: {e:?}"))?;

    let mut first_provider = None;
    for line in PROVIDERS.lines().skip(1) {
        let fields: Vec<&str> = line.split(';').collect();
        if fields.len() < 5 || fields[0] != demo.slug {
            continue;
        }
        let id: Uuid = sqlx::query_scalar(
            "insert into providers (tenant_id, name, provider_type, kvk_number, city) \
             values ($1, $2, (select code from code_lists where kind = 'aanbiedertype' and name = $3), nullif($4, ''), $5) \
             returning provider_id",
        )
        .bind(tenant_id)
        .bind(fields[1])
        .bind(fields[2])
        .bind(fields[3])
        .bind(fields[4])
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| e.to_string())?;
        first_provider.get_or_insert(id);
    }
    register::load_facilities(tx, demo.slug).await?;
    register::load_demand(tx).await?;
    register::load_referrals_and_publish(tx).await?;

    for (prefix, name, role) in USERS {
        let provider = if role == "aanbieder" {
            first_provider
        } else {
            None
        };
        sqlx::query(
            "insert into users (tenant_id, email, display_name, password_hash, roles, provider_id) \
             values ($1, $2, $3, $4, array[$5], $6)",
        )
        .bind(tenant_id)
        .bind(format!("{prefix}@{}.demo", demo.slug))
        .bind(name)
        .bind(hash)
        .bind(role)
        .bind(provider)
        .execute(&mut **tx)
        .await
        .map_err(|e| e.to_string())?;
    }
    subsidy::load(tx, demo.slug).await?;
    if demo.slug == "almelo" {
        pilot::load(tx).await?;
    }
    Ok(tenant_tx.into_inner())
}
