//! Facilities as HSDS services: the paged list with its filters, and the one-to-one fields
//! every service carries (the nested parts are in `service_detail`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::Json;
use sqlx::FromRow;
use time::OffsetDateTime;
use uuid::Uuid;

use super::api::ApiResult;
use super::model::Service;
use super::organizations::{self, ProviderRow};
use super::params::{Page, Params};
use super::tenant::{published_projection, vocabulary};
use super::values::{email, euros, timestamp, uri};
use super::vocabulary::Kind;
use crate::cache::{FacilitySlot, TenantCache};
use crate::db::TenantTx;
use crate::register::facilities::choices::{self, label};
use crate::search::bits::Bits;
use crate::search::filters::CodeFilter;
use crate::search::index::TenantIndex;
use crate::state::AppState;
use crate::tenancy::published::{Published, PublishedProjection};

/// What may be published of a facility ([`crate::register::public_fields`]): internal columns
/// are not even selected.
#[derive(Debug, Clone, FromRow)]
pub struct FacilityRow {
    pub facility_id: Uuid,
    pub provider_id: Uuid,
    pub name: String,
    pub description: String,
    pub form_name: Option<String>,
    pub functions: Vec<String>,
    pub bouwstenen: Vec<String>,
    pub target_group_names: Vec<String>,
    pub street: String,
    pub house_number: String,
    pub postcode: Option<String>,
    pub city: String,
    pub buurt_code: Option<String>,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub wheelchair: String,
    pub directions: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub opening_exceptions: String,
    pub serves_whole_region: bool,
    pub own_contribution: String,
    pub own_contribution_cents: Option<i64>,
    pub access: String,
    pub client_routes: Vec<String>,
    pub last_modified: OffsetDateTime,
}

/// The facilities with their provider (`p`) and buurt (`b`) …
const JOINS: &str = "from facilities f \
    join providers p on p.tenant_id = f.tenant_id and p.provider_id = f.provider_id \
    left join areas b on b.tenant_id = f.tenant_id and b.area_id = f.buurt_id";

/// … of which tenant `$1` publishes these.
const PUBLISHED: &str = "where f.tenant_id = $1 and not f.archived and not p.archived";

pub(crate) const COLUMNS: &str = "select f.facility_id, f.provider_id, f.name, f.description, \
    (select c.name from code_lists c where c.kind = 'vorm' and c.code = f.form) as form_name, \
    f.functions, f.bouwstenen, \
    array(select c.name from code_lists c where c.kind = 'doelgroep' and c.code = any (f.target_groups) \
          order by c.position) as target_group_names, \
    f.street, f.house_number, f.postcode, f.city, b.cbs_code as buurt_code, f.phone, f.email, f.website, \
    f.wheelchair, f.directions, f.opening_exceptions, f.serves_whole_region, f.own_contribution, \
    f.latitude, f.longitude, \
    f.own_contribution_cents, f.access, f.client_routes, \
    greatest(f.updated_at, p.updated_at) as last_modified ";

/// One published facility of the tenant, or `None` (also for another tenant's id).
pub async fn one(tx: &mut TenantTx, id: Uuid) -> ApiResult<Option<FacilityRow>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(&format!(
        "{COLUMNS} {JOINS} {PUBLISHED} and f.facility_id = $2"
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?)
}

/// The published facilities of one provider, by name.
pub async fn of_provider(tx: &mut TenantTx, provider_id: Uuid) -> ApiResult<Vec<FacilityRow>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(&format!("{COLUMNS} {JOINS} {PUBLISHED} and f.provider_id = $2 order by lower(f.name), f.facility_id"))
        .bind(tenant_id)
        .bind(provider_id)
        .fetch_all(&mut **tx)
        .await?)
}

/// GET /api/hsds/{tenant}/services: `search`, `taxonomy_term_id`, `taxonomy_id`,
/// `organization_id`, `modified_after`, `page`, `per_page`. The selection and order come from
/// the register's projection (the sociale kaart's, with the same text match); each service
/// is built once per change of the register.
pub async fn list(
    State(state): State<AppState>,
    Path(tenant): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Page<Arc<Service>>>> {
    let params = Params::parse(q.as_deref());
    let paging = params.paging()?;
    let search = params.search();
    let term_id = params.uuid("taxonomy_term_id")?;
    let taxonomy_id = params.uuid("taxonomy_id")?;
    let organization_id = params.uuid("organization_id")?;
    let modified_after = params.moment("modified_after")?;
    let PublishedProjection {
        tenant: published,
        cache,
        index,
        query,
    } = published_projection(&state, &tenant, search.as_deref().unwrap_or("")).await?;

    let ranks = query.map(|q| q.ranks(&index.text));
    let mut selected = ranks
        .as_ref()
        .map_or_else(|| Bits::full(index.len()), |r| r.matched.clone());
    if term_id.is_some() || taxonomy_id.is_some() {
        let vocabulary = vocabulary(&state, &published, &cache).await?;
        if let Some(id) = term_id {
            let term = vocabulary.by_id(id);
            selected.and(&classified(
                &index,
                term.map(|t| t.kind),
                term.map(|t| t.code.as_str()),
            ));
        }
        if let Some(id) = taxonomy_id {
            selected.and(&classified(&index, vocabulary.kind_of_taxonomy(id), None));
        }
    }
    let mut order: Vec<usize> = selected
        .ones()
        .filter(|i| {
            let e = &index.entries[*i];
            organization_id.is_none_or(|o| e.provider_id == o)
                && modified_after.is_none_or(|t| e.modified >= t)
        })
        .collect();
    if let Some(r) = &ranks {
        // Best match first; the projection is in name order already.
        order.sort_by(|a, b| r.rank[*b].total_cmp(&r.rank[*a]).then(a.cmp(b)));
    }
    let total = order.len() as i64;
    let ids: Vec<Uuid> = order
        .iter()
        .skip(paging.offset() as usize)
        .take(paging.per_page as usize)
        .map(|i| index.entries[*i].id)
        .collect();
    let contents = summaries(&state, &published, &cache, &ids).await?;
    Ok(Json(Page::new(contents, total, paging)))
}

/// The facilities classified under `code` of taxonomy `kind` (`None`: any of its terms).
fn classified(index: &TenantIndex, kind: Option<Kind>, code: Option<&str>) -> Bits {
    let filter = match kind {
        Some(Kind::Levensgebied) => CodeFilter::Levensgebied,
        Some(Kind::Type) => CodeFilter::Type,
        Some(Kind::Functie) => CodeFilter::Functie,
        Some(Kind::Bouwsteen) => CodeFilter::Bouwsteen,
        None | Some(Kind::Kenmerk) => return Bits::empty(index.len()),
    };
    let mut out = Bits::empty(index.len());
    for (x, set) in index.options[filter].iter().enumerate() {
        if code.is_none_or(|code| code == index.option_code(filter, x)) {
            out.or(set);
        }
    }
    out
}

/// The services `ids` (listed ones) with their organization, in that order: built once per
/// generation of the register, the missing ones in one transaction.
async fn summaries(
    state: &AppState,
    published: &Published,
    cache: &TenantCache,
    ids: &[Uuid],
) -> ApiResult<Vec<Arc<Service>>> {
    let mut found: Vec<Option<Arc<Service>>> = ids
        .iter()
        .map(|id| cache.facility(FacilitySlot::HSDS_SUMMARY, *id))
        .collect();
    let missing: Vec<Uuid> = ids
        .iter()
        .zip(&found)
        .filter(|(_, f)| f.is_none())
        .map(|(id, _)| *id)
        .collect();
    if !missing.is_empty() {
        let tenant_id = published.tenant_id;
        let mut tx = state.db.tenant_tx(tenant_id).await?;
        let rows: Vec<FacilityRow> = sqlx::query_as(&format!(
            "{COLUMNS} {JOINS} {PUBLISHED} and f.facility_id = any ($2)"
        ))
        .bind(tenant_id)
        .bind(&missing)
        .fetch_all(&mut *tx)
        .await?;
        let provider_ids: Vec<Uuid> = rows.iter().map(|r| r.provider_id).collect();
        let providers: HashMap<Uuid, ProviderRow> = organizations::by_ids(&mut tx, &provider_ids)
            .await?
            .into_iter()
            .map(|p| (p.provider_id, p))
            .collect();
        tx.commit().await?;
        for row in rows {
            let mut service = brief(&row);
            service.organization = providers.get(&row.provider_id).map(organizations::brief);
            let kept = cache.keep_facility(FacilitySlot::HSDS_SUMMARY, row.facility_id, service);
            if let Some(slot) = ids.iter().position(|id| *id == row.facility_id) {
                found[slot] = Some(kept);
            }
        }
    }
    // A service gone since the projection was made is left out.
    Ok(found.into_iter().flatten().collect())
}

/// The service's one-to-one fields, without organization or nested parts.
pub fn brief(row: &FacilityRow) -> Service {
    let routes: Vec<&str> = row
        .client_routes
        .iter()
        .map(|r| label(choices::ROUTES, r))
        .filter(|l| !l.is_empty())
        .collect();
    let mut application_process = format!("{}.", label(choices::ACCESS, &row.access));
    if !routes.is_empty() {
        application_process.push_str(&format!(
            " Zo komen mensen binnen: {}.",
            routes.join("; ").to_lowercase()
        ));
    }
    let fees_description = match (row.own_contribution.as_str(), row.own_contribution_cents) {
        ("per_bezoek", Some(cents)) => format!("Eigen bijdrage: {} per bezoek.", euros(cents)),
        ("per_maand", Some(cents)) => format!("Eigen bijdrage: {} per maand.", euros(cents)),
        ("consumpties", _) => {
            "Geen eigen bijdrage. Alleen consumpties en materialen kunnen geld kosten.".into()
        }
        (code, _) => format!("{}.", label(choices::OWN_CONTRIBUTION, code)),
    };
    Service {
        id: row.facility_id,
        organization_id: row.provider_id,
        name: row.name.clone(),
        description: row.description.clone(),
        url: uri(&row.website),
        email: email(&row.email),
        status: "active",
        application_process,
        fees_description,
        eligibility_description: (!row.target_group_names.is_empty()).then(|| {
            format!(
                "Voor: {}.",
                row.target_group_names.join(", ").to_lowercase()
            )
        }),
        last_modified: timestamp(row.last_modified),
        organization: None,
        detail: None,
    }
}
