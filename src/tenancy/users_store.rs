//! Queries for the tenant's users and providers.

use serde_json::{json, Value};
use sqlx::FromRow;
use uuid::Uuid;

use crate::auth::roles::Role;
use crate::db::TenantTx;
use crate::error::AppResult;

#[derive(Debug, Clone, FromRow)]
pub struct UserRow {
    pub user_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub roles: Vec<String>,
    pub provider_id: Option<Uuid>,
    pub provider_name: Option<String>,
    pub active: bool,
    pub has_password: bool,
    pub version: i32,
}

impl UserRow {
    pub fn role_labels(&self) -> String {
        Role::parse_all(&self.roles)
            .iter()
            .map(|r| r.label())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// What the audit trail keeps of a user (never the password hash).
    pub fn audit_value(&self) -> Value {
        json!({
            "naam": self.display_name,
            "email": self.email,
            "rollen": self.roles,
            "aanbieder": self.provider_id,
            "actief": self.active,
        })
    }
}

const SELECT: &str = "select u.user_id, u.email, u.display_name, u.roles, u.provider_id, p.name as provider_name, \
     u.active, (u.password_hash is not null) as has_password, u.version \
     from users u left join providers p on p.tenant_id = u.tenant_id and p.provider_id = u.provider_id \
     where u.tenant_id = $1";

pub async fn list(tx: &mut TenantTx) -> AppResult<Vec<UserRow>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(&format!(
        "{SELECT} order by u.active desc, lower(u.display_name)"
    ))
    .bind(tenant_id)
    .fetch_all(&mut **tx)
    .await?)
}

pub async fn get(tx: &mut TenantTx, user_id: Uuid) -> AppResult<Option<UserRow>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(&format!("{SELECT} and u.user_id = $2"))
        .bind(tenant_id)
        .bind(user_id)
        .fetch_optional(&mut **tx)
        .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct ProviderOption {
    pub provider_id: Uuid,
    pub name: String,
}

pub async fn providers(tx: &mut TenantTx) -> AppResult<Vec<ProviderOption>> {
    let tenant_id = tx.tenant_id();
    Ok(
        sqlx::query_as(
            "select provider_id, name from providers where tenant_id = $1 order by name",
        )
        .bind(tenant_id)
        .fetch_all(&mut **tx)
        .await?,
    )
}
