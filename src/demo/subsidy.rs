//! Demo data of the subsidy schemes: the Maastricht scheme (data/subsidy_maastricht.sql, every
//! date computed from the time of loading) with last year's round scored and then decided by
//! the application's own rule, and this year's round open.

use sqlx::PgPool;
use uuid::Uuid;

use crate::audit::Actor;
use crate::db::{Db, TenantTx};
use crate::subsidy::{common::store, decide::deciding};

const MAASTRICHT: &str = include_str!("data/subsidy_maastricht.sql");

/// Inserts the scheme, its rounds and applications (in the demo transaction).
pub async fn load(tx: &mut TenantTx, slug: &str) -> Result<(), String> {
    if slug != "maastricht" {
        return Ok(());
    }
    let tenant_id = tx.tenant_id();
    sqlx::query("select set_config('demo.tenant', $1, true)")
        .bind(tenant_id.to_string())
        .execute(&mut **tx)
        .await
        .map_err(|e| e.to_string())?;
    sqlx::raw_sql(MAASTRICHT)
        .execute(&mut **tx)
        .await
        .map_err(|e| format!("subsidy demo data: {e}"))?;
    // The rendement of the Maastricht beleidsnotitie Algemene voorzieningen 2020 §3.2, as the tenant's inputs.
    let scheme: Uuid =
        sqlx::query_scalar("select scheme_id from subsidy_schemes where tenant_id = $1 limit 1")
            .bind(tenant_id)
            .fetch_one(&mut **tx)
            .await
            .map_err(|e| e.to_string())?;
    crate::subsidy::schemes::rendement_page::save(
        tx,
        scheme,
        &crate::subsidy::schemes::rendement::Inputs::maastricht_2018(),
        "demo",
    )
    .await
    .map_err(|e| e.to_string())?;
    Ok(())
}

/// Decides every onderdeel of the closed rounds of the demo tenants (after the demo data was
/// committed), as an official would.
pub async fn decide_closed_rounds(admin: &PgPool) -> Result<(), String> {
    let tenants: Vec<Uuid> =
        sqlx::query_scalar("select tenant_id from tenants where slug = 'maastricht'")
            .fetch_all(admin)
            .await
            .map_err(|e| e.to_string())?;
    let db = Db::new(admin.clone());
    let now = time::OffsetDateTime::now_utc();
    for tenant_id in tenants {
        let mut tx = db.tenant_tx(tenant_id).await.map_err(|e| e.to_string())?;
        let rounds = store::all_rounds(&mut tx)
            .await
            .map_err(|e| e.to_string())?;
        for round in rounds
            .iter()
            .filter(|r| r.phase(now) == store::Phase::Closed)
        {
            let categories = store::round_categories(&mut tx, round.round_id)
                .await
                .map_err(|e| e.to_string())?;
            for category in categories {
                deciding::decide(
                    &mut tx,
                    round,
                    category.category_id,
                    "Lotte Beleid (beleid@maastricht.demo)",
                    &Actor::system("demo"),
                )
                .await
                .map_err(|e| format!("deciding the demo round: {e}"))?;
            }
        }
        tx.commit().await.map_err(|e| e.to_string())?;
    }
    Ok(())
}
