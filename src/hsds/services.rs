//! Facilities as HSDS services: the paged list with its filters, and the one-to-one fields
//! every service carries (the nested parts are in `service_detail`).

use std::collections::HashMap;

use axum::extract::{Path, RawQuery, State};
use axum::Json;
use sqlx::FromRow;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};
use uuid::Uuid;

use super::api::{ApiError, ApiResult};
use super::model::Service;
use super::organizations::{self, ProviderRow};
use super::params::{Page, Params};
use super::vocabulary::{Kind, Vocabulary};
use super::open;
use crate::db::Tx;
use crate::register::facilities::choices::{self, label};
use crate::state::AppState;

/// What may be published of a facility. Internal columns (verification, staffing, use
/// figures, contract and subsidy flags, archive flag) are not even selected.
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
    pub opening_exceptions: String,
    pub serves_whole_region: bool,
    pub capacity_at_once: Option<i32>,
    pub capacity_per_day: Option<i32>,
    pub capacity_per_week: Option<i32>,
    pub funding_sources: Vec<String>,
    pub access_decided_by: String,
    pub own_contribution: String,
    pub own_contribution_cents: Option<i64>,
    pub access: String,
    pub client_routes: Vec<String>,
    pub welcome: String,
    pub welcome_conditions: String,
    pub used: String,
    pub last_modified: OffsetDateTime,
}

/// The facilities with their provider (`p`) and buurt (`b`) …
const JOINS: &str = "from facilities f \
    join providers p on p.tenant_id = f.tenant_id and p.provider_id = f.provider_id \
    left join areas b on b.tenant_id = f.tenant_id and b.area_id = f.buurt_id";

/// … of which tenant `$1` publishes these.
const PUBLISHED: &str = "where f.tenant_id = $1 and not f.archived and not p.archived";

const COLUMNS: &str = "select f.facility_id, f.provider_id, f.name, f.description, \
    (select c.name from code_lists c where c.kind = 'vorm' and c.code = f.form) as form_name, \
    f.functions, f.bouwstenen, \
    array(select c.name from code_lists c where c.kind = 'doelgroep' and c.code = any (f.target_groups) \
          order by c.position) as target_group_names, \
    f.street, f.house_number, f.postcode, f.city, b.cbs_code as buurt_code, f.phone, f.email, f.website, \
    f.wheelchair, f.directions, f.opening_exceptions, f.serves_whole_region, f.capacity_at_once, \
    f.capacity_per_day, f.capacity_per_week, f.funding_sources, f.access_decided_by, f.own_contribution, \
    f.own_contribution_cents, f.access, f.client_routes, f.welcome, f.welcome_conditions, f.used, \
    greatest(f.updated_at, p.updated_at) as last_modified ";

/// One published facility of the tenant, or `None` (also for another tenant's id).
pub async fn one(tx: &mut Tx, tenant_id: Uuid, id: Uuid) -> ApiResult<Option<FacilityRow>> {
    Ok(sqlx::query_as(&format!("{COLUMNS} {JOINS} {PUBLISHED} and f.facility_id = $2"))
        .bind(tenant_id)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?)
}

/// The published facilities of one provider, by name.
pub async fn of_provider(tx: &mut Tx, tenant_id: Uuid, provider_id: Uuid) -> ApiResult<Vec<FacilityRow>> {
    Ok(sqlx::query_as(&format!("{COLUMNS} {JOINS} {PUBLISHED} and f.provider_id = $2 order by lower(f.name), f.facility_id"))
        .bind(tenant_id)
        .bind(provider_id)
        .fetch_all(&mut **tx)
        .await?)
}

/// GET /api/hsds/{tenant}/services: `search`, `taxonomy_term_id`, `taxonomy_id`,
/// `organization_id`, `modified_after`, `page`, `per_page`.
pub async fn list(State(state): State<AppState>, Path(tenant): Path<String>, RawQuery(q): RawQuery) -> ApiResult<Json<Page<Service>>> {
    let params = Params::parse(q.as_deref());
    let paging = params.paging()?;
    let search = params.search();
    let term_id = params.uuid("taxonomy_term_id")?;
    let taxonomy_id = params.uuid("taxonomy_id")?;
    let organization_id = params.uuid("organization_id")?;
    let modified_after = params.moment("modified_after")?;
    let (published, mut tx) = open(&state, &tenant).await?;
    let tenant_id = published.tenant_id;

    // A term or taxonomy filter as (taxonomy, code): code None means any term of it.
    let mut classification: Vec<(Option<Kind>, Option<String>)> = Vec::new();
    if term_id.is_some() || taxonomy_id.is_some() {
        let vocabulary = Vocabulary::load(&mut tx, tenant_id).await?;
        if let Some(id) = term_id {
            classification.push(match vocabulary.by_id(id) {
                Some(term) => (Some(term.kind), Some(term.code.clone())),
                None => (None, None),
            });
        }
        if let Some(id) = taxonomy_id {
            classification.push((vocabulary.kind_of_taxonomy(id), None));
        }
    }
    // The same text match as the sociale kaart's search.
    let glance = crate::lookup::glance(&state.db, tenant_id, search.as_deref().unwrap_or("")).await?.ok_or(ApiError::NotFound)?;
    let (index, ranks) = crate::lookup::find(&state, tenant_id, &glance).await?;
    let hits = ranks.map(|ranks| ranks.matched.ones().map(|i| (index.entries[i].id, ranks.rank[i])).collect::<Vec<_>>());
    let (hit_ids, hit_ranks): (Vec<Uuid>, Vec<f32>) = hits.iter().flatten().copied().unzip();

    let mut filter = String::from(
        " and ($3::uuid is null or f.provider_id = $3) \
          and ($4::timestamptz is null or greatest(f.updated_at, p.updated_at) >= $4) \
          and (not $5 or h.facility_id is not null)",
    );
    for (n, (kind, _)) in classification.iter().enumerate() {
        filter.push_str(" and ");
        filter.push_str(&classification_sql(*kind, n + 1));
    }
    let from = format!(
        "{JOINS} left join unnest($6::uuid[], $7::float4[]) as h (facility_id, rank) on h.facility_id = f.facility_id \
         {PUBLISHED} {filter}"
    );
    // The page's ids first (narrow rows, sorted once), then the wide rows of just those.
    let page: Vec<(Uuid, i64)> = sqlx::query_as(&format!(
        "select f.facility_id, count(*) over () {from} order by h.rank desc nulls last, lower(f.name), f.facility_id \
         limit $8 offset $9"
    ))
    .bind(tenant_id)
    .bind(classification_codes(&classification))
    .bind(organization_id)
    .bind(modified_after)
    .bind(hits.is_some())
    .bind(&hit_ids)
    .bind(&hit_ranks)
    .bind(paging.per_page)
    .bind(paging.offset())
    .fetch_all(&mut *tx)
    .await?;
    let total = match page.first() {
        Some((_, total)) => *total,
        // Past the last page: count without it.
        None => sqlx::query_scalar(&format!("select count(*) {from}"))
            .bind(tenant_id)
            .bind(classification_codes(&classification))
            .bind(organization_id)
            .bind(modified_after)
            .bind(hits.is_some())
            .bind(&hit_ids)
            .bind(&hit_ranks)
            .fetch_one(&mut *tx)
            .await?,
    };
    let ids: Vec<Uuid> = page.iter().map(|(id, _)| *id).collect();
    let mut rows: Vec<FacilityRow> = sqlx::query_as(&format!("{COLUMNS} {JOINS} {PUBLISHED} and f.facility_id = any ($2)"))
        .bind(tenant_id)
        .bind(&ids)
        .fetch_all(&mut *tx)
        .await?;
    rows.sort_by_key(|r| ids.iter().position(|id| *id == r.facility_id));

    let provider_ids: Vec<Uuid> = rows.iter().map(|r| r.provider_id).collect();
    let providers: HashMap<Uuid, ProviderRow> = organizations::by_ids(&mut tx, tenant_id, &provider_ids)
        .await?
        .into_iter()
        .map(|p| (p.provider_id, p))
        .collect();
    let contents = rows
        .iter()
        .map(|row| {
            let mut service = brief(row);
            service.organization = providers.get(&row.provider_id).map(organizations::brief);
            service
        })
        .collect();
    Ok(Json(Page::new(contents, total, paging)))
}

/// The codes of the classification filters, bound as `$2` (`$2[1]` is the first filter's).
fn classification_codes(filters: &[(Option<Kind>, Option<String>)]) -> Vec<Option<String>> {
    filters.iter().map(|(_, code)| code.clone()).collect()
}

/// The condition of classification filter `n`, whose code (null: any term) is `$2[n]`.
fn classification_sql(kind: Option<Kind>, n: usize) -> String {
    let sql = match kind {
        None | Some(Kind::Kenmerk) => "false",
        Some(Kind::Levensgebied) => "exists (select 1 from facility_type_links l join facility_types t \
            on t.tenant_id = l.tenant_id and t.code = l.type_code \
            where l.tenant_id = f.tenant_id and l.facility_id = f.facility_id and ({c} is null or t.levensgebied = {c}))",
        Some(Kind::Type) => "exists (select 1 from facility_type_links l \
            where l.tenant_id = f.tenant_id and l.facility_id = f.facility_id and ({c} is null or l.type_code = {c}))",
        Some(Kind::Functie) => "(({c} is null and cardinality(f.functions) > 0) or {c} = any (f.functions))",
        Some(Kind::Bouwsteen) => "(({c} is null and cardinality(f.bouwstenen) > 0) or {c} = any (f.bouwstenen))",
    };
    sql.replace("{c}", &format!("($2::text[])[{n}]"))
}

/// A date-time as HSDS shows it: UTC with milliseconds.
pub fn timestamp(moment: OffsetDateTime) -> String {
    let utc = moment.to_offset(UtcOffset::UTC);
    utc.format(format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"))
        .unwrap_or_default()
}

/// A web address HSDS accepts as a URI; anything else is left out.
pub fn uri(text: &str) -> Option<String> {
    let text = text.trim();
    let ok = (text.starts_with("https://") || text.starts_with("http://"))
        && text.is_ascii()
        && !text.chars().any(|c| c.is_ascii_whitespace() || c.is_ascii_control() || "\"<>\\^`{|}".contains(c));
    ok.then(|| text.to_string())
}

/// An e-mail address, or `None` when empty.
pub fn email(text: &str) -> Option<String> {
    let text = text.trim();
    (text.contains('@') && !text.contains(char::is_whitespace)).then(|| text.to_string())
}

/// "2,50" for 250 cents.
pub fn euros(cents: i64) -> String {
    format!("€ {}", crate::fields::cents_text(cents))
}

/// The service's one-to-one fields, without organization or nested parts.
pub fn brief(row: &FacilityRow) -> Service {
    let routes: Vec<&str> = row.client_routes.iter().map(|r| label(choices::ROUTES, r)).filter(|l| !l.is_empty()).collect();
    let mut application_process = format!("{}.", label(choices::ACCESS, &row.access));
    if !routes.is_empty() {
        application_process.push_str(&format!(" Zo komen mensen binnen: {}.", routes.join("; ").to_lowercase()));
    }
    let fees_description = match (row.own_contribution.as_str(), row.own_contribution_cents) {
        ("per_bezoek", Some(cents)) => format!("Eigen bijdrage: {} per bezoek.", euros(cents)),
        ("per_maand", Some(cents)) => format!("Eigen bijdrage: {} per maand.", euros(cents)),
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
        eligibility_description: (!row.target_group_names.is_empty())
            .then(|| format!("Voor: {}.", row.target_group_names.join(", ").to_lowercase())),
        last_modified: timestamp(row.last_modified),
        organization: None,
        detail: None,
    }
}
