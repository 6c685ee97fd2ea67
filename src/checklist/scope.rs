//! What the checklist covers: a gemeente tenant its own gemeente, a regio each of its
//! gemeenten; and the wijken, for the bouwstenen and the demand.

use serde::Deserialize;
use sqlx::FromRow;
use uuid::Uuid;

use crate::db::TenantTx;
use crate::error::AppResult;

#[derive(Debug, Clone, FromRow)]
pub struct Gemeente {
    pub area_id: Uuid,
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, FromRow)]
pub struct Wijk {
    pub area_id: Uuid,
    pub code: String,
    pub name: String,
    pub gemeente_code: String,
    pub gemeente_name: String,
}

/// The gemeenten the checklist is filled in for, by name.
pub async fn gemeenten(tx: &mut TenantTx) -> AppResult<Vec<Gemeente>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select a.area_id, a.cbs_code as code, a.name from areas a join tenants t on t.tenant_id = a.tenant_id \
         where a.tenant_id = $1 and a.level = 'gemeente' and (t.kind = 'regio' or a.cbs_code = t.cbs_code) \
         order by a.name, a.cbs_code",
    )
    .bind(tenant_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// The wijken of those gemeenten, grouped by gemeente.
pub async fn wijken(tx: &mut TenantTx) -> AppResult<Vec<Wijk>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select w.area_id, w.cbs_code as code, w.name, g.cbs_code as gemeente_code, g.name as gemeente_name \
         from areas w join areas g on g.tenant_id = w.tenant_id and g.area_id = w.parent_id \
         join tenants t on t.tenant_id = w.tenant_id \
         where w.tenant_id = $1 and w.level = 'wijk' and (t.kind = 'regio' or g.cbs_code = t.cbs_code) \
         order by g.name, g.cbs_code, w.cbs_code",
    )
    .bind(tenant_id)
    .fetch_all(&mut **tx)
    .await?)
}

#[derive(Debug, Default, Deserialize)]
pub struct GemeenteQuery {
    #[serde(default)]
    pub gemeente: Option<String>,
    #[serde(default)]
    pub melding: Option<String>,
}

/// The gemeente asked for (by CBS code), or the first; for an unknown code or a tenant without
/// gemeenten the Dutch explanation of a 404 ([`super::nav::not_found`]).
pub fn choose(list: &[Gemeente], wanted: Option<&str>) -> Result<Gemeente, String> {
    let wanted = wanted.map(str::trim).filter(|w| !w.is_empty());
    let found = match wanted {
        None => list.first(),
        Some(code) => list.iter().find(|g| g.code.eq_ignore_ascii_case(code)),
    };
    match (found, wanted) {
        (Some(g), _) => Ok(g.clone()),
        (None, None) => Err(
            "Er is nog geen gemeente ingesteld voor deze organisatie. Een beheerder kan die toevoegen onder Gebieden.".into(),
        ),
        (None, Some(code)) => Err(format!(
            "Gemeente ‘{}’ hoort niet bij deze organisatie. Kies een gemeente uit de lijst op de checklist.",
            code.chars().filter(|c| !c.is_control()).take(20).collect::<String>()
        )),
    }
}
