//! Regelingen as stored, with their budget lines.

use crate::db::TenantTx;
use crate::error::AppResult;
use sqlx::FromRow;
use uuid::Uuid;

#[derive(Debug, Clone, FromRow)]
pub struct Scheme {
    pub scheme_id: Uuid,
    pub name: String,
    pub legal_basis: String,
    pub kind: String,
    pub first_year: i32,
    pub last_year: i32,
    pub description: String,
    pub objection_body: String,
}

const SCHEME_COLUMNS: &str =
    "scheme_id, name, legal_basis, kind, first_year, last_year, description, objection_body";

pub async fn schemes(tx: &mut TenantTx) -> AppResult<Vec<Scheme>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(&format!(
        "select {SCHEME_COLUMNS} from subsidy_schemes where tenant_id = $1 order by first_year desc, name"
    ))
    .bind(tenant_id)
    .fetch_all(&mut **tx)
    .await?)
}

pub async fn scheme(tx: &mut TenantTx, scheme_id: Uuid) -> AppResult<Option<Scheme>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(&format!(
        "select {SCHEME_COLUMNS} from subsidy_schemes where tenant_id = $1 and scheme_id = $2"
    ))
    .bind(tenant_id)
    .bind(scheme_id)
    .fetch_optional(&mut **tx)
    .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct BudgetLine {
    pub year: i32,
    pub source: String,
    pub amount_cents: i64,
}

pub async fn budget_lines(tx: &mut TenantTx, scheme_id: Uuid) -> AppResult<Vec<BudgetLine>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select year, source, amount_cents from subsidy_budget_lines \
         where tenant_id = $1 and scheme_id = $2 order by year, source",
    )
    .bind(tenant_id)
    .bind(scheme_id)
    .fetch_all(&mut **tx)
    .await?)
}
