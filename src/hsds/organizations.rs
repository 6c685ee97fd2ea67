//! Providers as HSDS organizations. The contact person is never selected: it names staff. A
//! provider's own address, phone, e-mail and KvK number are published only when
//! [`provider_contact_public`] (an organisation with a KvK number, or one that said yes).

use axum::extract::{Path, RawQuery, State};
use axum::Json;
use sqlx::FromRow;
use uuid::Uuid;

use super::api::ApiResult;
use super::ids;
use super::model::{
    Address, Location, Organization, OrganizationDetail, OrganizationIdentifier, Phone,
};
use super::params::{Page, Params};
use super::tenant::published_tx;
use super::values::{email, uri};
use crate::db::TenantTx;
use crate::register::public_fields::provider_contact_public;
use crate::state::AppState;

#[derive(Debug, Clone, FromRow)]
pub struct ProviderRow {
    pub provider_id: Uuid,
    pub name: String,
    pub type_name: Option<String>,
    pub kvk_number: Option<String>,
    pub street: String,
    pub house_number: String,
    pub postcode: Option<String>,
    pub city: String,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub contact_public: bool,
}

impl ProviderRow {
    /// Whether its own contact details may be published.
    pub fn contact_published(&self) -> bool {
        provider_contact_public(self.kvk_number.as_deref(), self.contact_public)
    }
}

pub(crate) const SELECT: &str = "select p.provider_id, p.name, c.name as type_name, p.kvk_number, p.street, p.house_number, \
    p.postcode, p.city, p.phone, p.email, p.website, p.contact_public \
    from providers p left join code_lists c on c.kind = 'aanbiedertype' and c.code = p.provider_type \
    where p.tenant_id = $1 and not p.archived";

/// The published providers among `ids`.
pub async fn by_ids(tx: &mut TenantTx, ids: &[Uuid]) -> ApiResult<Vec<ProviderRow>> {
    let tenant_id = tx.tenant_id();
    Ok(
        sqlx::query_as(&format!("{SELECT} and p.provider_id = any ($2)"))
            .bind(tenant_id)
            .bind(ids)
            .fetch_all(&mut **tx)
            .await?,
    )
}

/// The organization's own fields.
pub fn brief(p: &ProviderRow) -> Organization {
    Organization {
        id: p.provider_id,
        name: p.name.clone(),
        description: p
            .type_name
            .clone()
            .unwrap_or_else(|| "Aanbieder van voorzieningen".into()),
        email: p.contact_published().then(|| email(&p.email)).flatten(),
        website: uri(&p.website),
        detail: None,
    }
}

/// With phone, KvK number and postal address (services are added by the caller that wants them).
pub fn full(p: &ProviderRow) -> Organization {
    if !p.contact_published() {
        return Organization {
            detail: Some(OrganizationDetail {
                phones: Vec::new(),
                organization_identifiers: Vec::new(),
                locations: Vec::new(),
                services: None,
            }),
            ..brief(p)
        };
    }
    let id = p.provider_id;
    let phones = (!p.phone.trim().is_empty())
        .then(|| Phone {
            id: ids::part(id, "phone"),
            service_id: None,
            organization_id: Some(id),
            number: p.phone.trim().to_string(),
            kind: "voice",
        })
        .into_iter()
        .collect();
    let organization_identifiers = p
        .kvk_number
        .iter()
        .map(|kvk| OrganizationIdentifier {
            id: ids::part(id, "identifier/kvk"),
            organization_id: id,
            identifier_scheme: "NL-KVK",
            identifier_type: "KvK-nummer",
            identifier: kvk.clone(),
        })
        .collect();
    let address_1 = format!("{} {}", p.street.trim(), p.house_number.trim())
        .trim()
        .to_string();
    let postal_code = p.postcode.clone().unwrap_or_default();
    let locations = if address_1.is_empty() && postal_code.is_empty() {
        Vec::new()
    } else {
        let location_id = ids::part(id, "location/postal");
        vec![Location {
            id: location_id,
            location_type: "postal",
            organization_id: id,
            name: p.name.clone(),
            transportation: None,
            latitude: None,
            longitude: None,
            addresses: vec![Address {
                id: ids::part(id, "address/postal"),
                location_id,
                address_1,
                city: p.city.trim().to_string(),
                state_province: String::new(),
                postal_code,
                country: "NL",
                address_type: "postal",
            }],
            accessibility: Vec::new(),
            attributes: Vec::new(),
        }]
    };
    Organization {
        detail: Some(OrganizationDetail {
            phones,
            organization_identifiers,
            locations,
            services: None,
        }),
        ..brief(p)
    }
}

/// GET /api/hsds/{tenant}/organizations: `search` (in the name), `page`, `per_page`.
pub async fn list(
    State(state): State<AppState>,
    Path(tenant): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Page<Organization>>> {
    let params = Params::parse(q.as_deref());
    let paging = params.paging()?;
    let pattern = params.search().map(|s| {
        let escaped = s
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        format!("%{escaped}%")
    });
    let (published, mut tx) = published_tx(&state, &tenant).await?;
    let filter = "and ($2::text is null or lower(unaccent(p.name)) like lower(unaccent($2)))";
    let total: i64 = sqlx::query_scalar(&format!(
        "select count(*) from providers p where p.tenant_id = $1 and not p.archived {filter}"
    ))
    .bind(published.tenant_id)
    .bind(&pattern)
    .fetch_one(&mut *tx)
    .await?;
    let rows: Vec<ProviderRow> = sqlx::query_as(&format!(
        "{SELECT} {filter} order by lower(p.name), p.provider_id limit $3 offset $4"
    ))
    .bind(published.tenant_id)
    .bind(&pattern)
    .bind(paging.per_page)
    .bind(paging.offset())
    .fetch_all(&mut *tx)
    .await?;
    Ok(Json(Page::new(
        rows.iter().map(brief).collect(),
        total,
        paging,
    )))
}
