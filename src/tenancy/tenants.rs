//! Creating tenants (operator command and demo data); runs as the database owner.

use sqlx::PgPool;
use uuid::Uuid;

use crate::db::Tx;

#[derive(Debug, Clone)]
pub struct NewTenant {
    pub slug: String,
    pub name: String,
    /// `gemeente` or `regio`.
    pub kind: String,
    pub cbs_code: Option<String>,
}

impl NewTenant {
    pub fn check(&self) -> Result<(), String> {
        let slug_ok = self.slug.len() >= 2
            && self.slug.len() <= 40
            && self
                .slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !self.slug.starts_with('-');
        if !slug_ok {
            return Err("slug: 2-40 characters, lower-case letters, digits and '-'".into());
        }
        if !matches!(self.kind.as_str(), "gemeente" | "regio") {
            return Err("kind must be 'gemeente' or 'regio'".into());
        }
        if self.kind == "gemeente" {
            let ok = self.cbs_code.as_deref().is_some_and(|c| {
                c.len() == 6 && c.starts_with("GM") && c[2..].bytes().all(|b| b.is_ascii_digit())
            });
            if !ok {
                return Err("a gemeente needs its CBS code, e.g. GM0141".into());
            }
        }
        if self.name.trim().is_empty() {
            return Err("name must not be empty".into());
        }
        Ok(())
    }
}

/// Creates the tenant (and, for a gemeente, its own gemeente area).
pub async fn create(tx: &mut Tx, tenant: &NewTenant) -> Result<Uuid, String> {
    tenant.check()?;
    let id: Uuid = sqlx::query_scalar(
        "insert into tenants (slug, name, kind, cbs_code) values ($1, $2, $3, $4) returning tenant_id",
    )
    .bind(&tenant.slug)
    .bind(tenant.name.trim())
    .bind(&tenant.kind)
    .bind(&tenant.cbs_code)
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| match crate::error::violated_constraint(&e).as_deref() {
        Some("tenants_slug_key") => format!("a tenant with slug '{}' already exists", tenant.slug),
        _ => format!("tenant not created: {e}"),
    })?;
    if let Some(code) = &tenant.cbs_code {
        sqlx::query(
            "insert into areas (tenant_id, level, cbs_code, name) values ($1, 'gemeente', $2, $3)",
        )
        .bind(id)
        .bind(code)
        .bind(tenant.name.trim())
        .execute(&mut **tx)
        .await
        .map_err(|e| e.to_string())?;
    }
    crate::register::taxonomy::sync_tenant_types(tx, Some(id))
        .await
        .map_err(|e| format!("facility types for the tenant: {e}"))?;
    Ok(id)
}

pub async fn id_by_slug(admin: &PgPool, slug: &str) -> Result<Uuid, String> {
    sqlx::query_scalar("select tenant_id from tenants where slug = $1")
        .bind(slug)
        .fetch_optional(admin)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no tenant with slug '{slug}'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks() {
        let t = |slug: &str, kind: &str, code: Option<&str>| NewTenant {
            slug: slug.into(),
            name: "X".into(),
            kind: kind.into(),
            cbs_code: code.map(Into::into),
        };
        assert!(t("almelo", "gemeente", Some("GM0141")).check().is_ok());
        assert!(t("twente", "regio", None).check().is_ok());
        assert!(t("Almelo", "gemeente", Some("GM0141")).check().is_err());
        assert!(t("almelo", "gemeente", None).check().is_err());
        assert!(t("almelo", "provincie", None).check().is_err());
    }
}
