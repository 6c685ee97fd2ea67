//! Facility queries: the tenant's lookups, a whole facility as a [`RawFacility`] (for the edit
//! form, the export and the audit trail), and storing a checked [`FacilityInput`].

use serde_json::{Map, Value};
use sqlx::FromRow;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::closures;
use super::hours::{self, Period};
use super::record::{AreaRef, Lookups, RawFacility, TypeRef, COLUMNS};
use crate::db::TenantTx;
use crate::error::AppResult;
use crate::register::lists::NamedCode;

/// The tenant's types, providers, areas and code lists.
pub async fn lookups(tx: &mut TenantTx) -> AppResult<Lookups> {
    let tenant_id = tx.tenant_id();
    let mut lookups = display_lookups(tx).await?;
    lookups.providers =
        sqlx::query_as("select provider_id, name from providers where tenant_id = $1 and not archived order by lower(name)")
            .bind(tenant_id)
            .fetch_all(&mut **tx)
            .await?;
    Ok(lookups)
}

/// What a facility's codes are called: [`lookups`] without the providers (for showing one).
pub async fn display_lookups(tx: &mut TenantTx) -> AppResult<Lookups> {
    let tenant_id = tx.tenant_id();
    let types: Vec<TypeRef> = sqlx::query_as(
        "select code, name, levensgebied, retired from facility_types where tenant_id = $1 order by position, lower(name)",
    )
    .bind(tenant_id)
    .fetch_all(&mut **tx)
    .await?;
    let areas: Vec<AreaRef> = sqlx::query_as(
        "select area_id, cbs_code, name, level from areas where tenant_id = $1 order by substr(cbs_code, 3), cbs_code",
    )
    .bind(tenant_id)
    .fetch_all(&mut **tx)
    .await?;
    // The levensgebieden and the code lists in one go.
    let codes: Vec<(String, String, String)> = sqlx::query_as(
        "select 'levensgebied', code, name from (select code, name from levensgebieden order by position) g \
         union all (select kind, code, name from code_lists where kind in ('vorm', 'functie', 'bouwsteen', 'doelgroep') \
         order by kind, position)",
    )
    .fetch_all(&mut **tx)
    .await?;
    let list = |kind: &str| -> Vec<NamedCode> {
        codes
            .iter()
            .filter(|c| c.0 == kind)
            .map(|c| NamedCode {
                code: c.1.clone(),
                name: c.2.clone(),
            })
            .collect()
    };
    Ok(Lookups {
        types,
        levensgebieden: list("levensgebied"),
        providers: Vec::new(),
        areas,
        vormen: list("vorm"),
        functies: list("functie"),
        bouwstenen: list("bouwsteen"),
        doelgroepen: list("doelgroep"),
    })
}

/// Everything stored about one facility, in the shape of the CSV.
#[derive(Debug, Clone, FromRow)]
pub struct Snapshot {
    pub facility_id: Uuid,
    pub provider_id: Uuid,
    pub provider_name: String,
    pub name: String,
    pub description: String,
    pub form: Option<String>,
    pub functions: Vec<String>,
    pub bouwstenen: Vec<String>,
    pub target_groups: Vec<String>,
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
    pub visitors_last_year: Option<i32>,
    pub visits_last_year: Option<i32>,
    pub approach: String,
    pub funding_sources: Vec<String>,
    pub access_decided_by: String,
    pub own_contribution: String,
    pub own_contribution_cents: Option<i64>,
    pub contracted: bool,
    pub subsidised: bool,
    pub pgb: bool,
    pub access: String,
    pub client_routes: Vec<String>,
    pub professionals: String,
    pub volunteers: Option<i32>,
    pub experts_by_experience: String,
    pub welcome: String,
    pub welcome_conditions: String,
    pub used: String,
    pub verified_on: Option<Date>,
    pub verified_by: String,
    pub archived: bool,
    pub version: i32,
    pub updated_at: OffsetDateTime,
    pub types: Vec<String>,
    pub service_areas: Vec<String>,
    pub hours: Vec<String>,
    pub dagdelen: Vec<String>,
    /// `2026-12-24/2027-01-03 reden`, in order.
    pub closures: Vec<String>,
    pub closed_holidays: Vec<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

const SNAPSHOT: &str = "select f.facility_id, f.provider_id, p.name as provider_name, f.name, f.description, f.form, \
    f.functions, f.bouwstenen, f.target_groups, f.street, f.house_number, f.postcode, f.city, b.cbs_code as buurt_code, \
    f.phone, f.email, f.website, f.wheelchair, f.directions, f.opening_exceptions, f.closed_holidays, f.latitude, f.longitude, \
    f.serves_whole_region, f.capacity_at_once, f.capacity_per_day, f.capacity_per_week, f.visitors_last_year, f.visits_last_year, f.approach, \
    f.funding_sources, f.access_decided_by, f.own_contribution, f.own_contribution_cents, f.contracted, f.subsidised, \
    f.pgb, f.access, f.client_routes, f.professionals, f.volunteers, f.experts_by_experience, f.welcome, \
    f.welcome_conditions, f.used, f.verified_on, f.verified_by, f.archived, f.version, f.updated_at, \
    array(select l.type_code from facility_type_links l where l.tenant_id = f.tenant_id and l.facility_id = f.facility_id \
          order by l.is_main desc, l.type_code) as types, \
    array(select a.cbs_code from facility_service_areas s join areas a on a.tenant_id = s.tenant_id and a.area_id = s.area_id \
          where s.tenant_id = f.tenant_id and s.facility_id = f.facility_id order by a.cbs_code) as service_areas, \
    array(select (array['ma','di','wo','do','vr','za','zo'])[h.weekday] || ' ' || to_char(h.opens, 'HH24:MI') || '-' || \
          to_char(h.closes, 'HH24:MI') from facility_hours h where h.tenant_id = f.tenant_id and h.facility_id = f.facility_id \
          order by h.weekday, h.opens) as hours, \
    array(select (array['ma','di','wo','do','vr','za','zo'])[c.weekday] || ' ' || c.dagdeel || ' ' || c.max_present || '/' || \
          c.walk_in || '/' || c.by_appointment \
          from facility_dagdeel_capacity c where c.tenant_id = f.tenant_id and c.facility_id = f.facility_id \
          order by c.weekday, array_position(array['ochtend','middag','avond'], c.dagdeel)) as dagdelen, \
    array(select rtrim(z.closed_from || '/' || z.closed_to || ' ' || z.reason) from facility_closures z \
          where z.tenant_id = f.tenant_id and z.facility_id = f.facility_id order by z.closed_from) as closures \
    from facilities f join providers p on p.tenant_id = f.tenant_id and p.provider_id = f.provider_id \
    left join areas b on b.tenant_id = f.tenant_id and b.area_id = f.buurt_id \
    where f.tenant_id = $1";

/// One facility, or `None` (also for another tenant's id).
pub async fn snapshot(tx: &mut TenantTx, id: Uuid) -> AppResult<Option<Snapshot>> {
    let tenant_id = tx.tenant_id();
    Ok(
        sqlx::query_as(&format!("{SNAPSHOT} and f.facility_id = $2"))
            .bind(tenant_id)
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?,
    )
}

/// The facilities `ids` (those of the tenant), in no particular order.
pub async fn snapshots_of(tx: &mut TenantTx, ids: &[Uuid]) -> AppResult<Vec<Snapshot>> {
    let tenant_id = tx.tenant_id();
    Ok(
        sqlx::query_as(&format!("{SNAPSHOT} and f.facility_id = any($2)"))
            .bind(tenant_id)
            .bind(ids)
            .fetch_all(&mut **tx)
            .await?,
    )
}

/// Every facility of the tenant (archived ones too), by name.
pub async fn snapshots(tx: &mut TenantTx) -> AppResult<Vec<Snapshot>> {
    let tenant_id = tx.tenant_id();
    Ok(
        sqlx::query_as(&format!("{SNAPSHOT} order by lower(f.name), f.facility_id"))
            .bind(tenant_id)
            .fetch_all(&mut **tx)
            .await?,
    )
}

fn flag(b: bool) -> &'static str {
    if b {
        "ja"
    } else {
        ""
    }
}

impl Snapshot {
    pub fn periods(&self) -> Vec<Period> {
        hours::parse_week(self.hours.iter().map(String::as_str)).unwrap_or_default()
    }

    /// The facility as its CSV row / form fields.
    pub fn raw(&self) -> RawFacility {
        let mut r = RawFacility::default();
        let opt = |n: Option<i32>| n.map(|n| n.to_string()).unwrap_or_default();
        r.set("id", self.facility_id.to_string());
        r.set("naam", &self.name);
        r.set("aanbieder", &self.provider_name);
        r.set_list("typen", self.types.clone());
        r.set("vorm", self.form.clone().unwrap_or_default());
        r.set_list("functies", self.functions.clone());
        r.set_list("bouwstenen", self.bouwstenen.clone());
        r.set_list("doelgroepen", self.target_groups.clone());
        r.set("omschrijving", &self.description);
        r.set("straat", &self.street);
        r.set("huisnummer", &self.house_number);
        r.set("postcode", self.postcode.clone().unwrap_or_default());
        r.set("plaats", &self.city);
        r.set("buurt", self.buurt_code.clone().unwrap_or_default());
        let mut werkgebied = self.service_areas.clone();
        if self.serves_whole_region {
            werkgebied.insert(0, "regio".into());
        }
        r.set_list("werkgebied", werkgebied);
        if let (Some(lat), Some(lon)) = (self.latitude, self.longitude) {
            r.set("lat", format!("{lat:.6}"));
            r.set("lon", format!("{lon:.6}"));
        }
        r.set("telefoon", &self.phone);
        r.set("email", &self.email);
        r.set("website", &self.website);
        let week = hours::week_text(&self.periods());
        r.set_list(
            "openingstijden",
            week.split('|')
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
        );
        r.set("uitzonderingen", &self.opening_exceptions);
        r.set_list(closures::FIELD, self.closures.clone());
        r.set_list(closures::HOLIDAYS_FIELD, self.closed_holidays.clone());
        r.set("rolstoeltoegankelijk", &self.wheelchair);
        r.set("bereikbaarheid", &self.directions);
        r.set("capaciteit_tegelijk", opt(self.capacity_at_once));
        r.set("capaciteit_per_dag", opt(self.capacity_per_day));
        r.set("capaciteit_per_week", opt(self.capacity_per_week));
        r.set_list("capaciteit_dagdelen", self.dagdelen.clone());
        r.set("bezoekers_vorig_jaar", opt(self.visitors_last_year));
        r.set("bezoeken_vorig_jaar", opt(self.visits_last_year));
        r.set("eigen_bijdrage", &self.own_contribution);
        r.set(
            "eigen_bijdrage_bedrag",
            self.own_contribution_cents
                .map(crate::fields::cents_text)
                .unwrap_or_default(),
        );
        r.set("toegang", &self.access);
        r.set("toegang_bepaald_door", &self.access_decided_by);
        r.set_list("clientroutes", self.client_routes.clone());
        r.set_list("financiering", self.funding_sources.clone());
        r.set("gecontracteerd", flag(self.contracted));
        r.set("gesubsidieerd", flag(self.subsidised));
        r.set("pgb", flag(self.pgb));
        r.set("aanpak", &self.approach);
        r.set("professionals", &self.professionals);
        r.set("vrijwilligers", opt(self.volunteers));
        r.set("ervaringsdeskundigen", &self.experts_by_experience);
        r.set("welkom", &self.welcome);
        r.set("welkom_voorwaarden", &self.welcome_conditions);
        r.set("gebruikt", &self.used);
        r.set(
            "laatst_gecontroleerd",
            self.verified_on.map(|d| d.to_string()).unwrap_or_default(),
        );
        r.set("gecontroleerd_door", &self.verified_by);
        r
    }

    /// The facility as the audit trail keeps it: one value per column.
    pub fn audit_value(&self) -> Value {
        let raw = self.raw();
        let mut map = Map::new();
        for column in COLUMNS.iter().filter(|c| **c != "id") {
            map.insert((*column).to_string(), Value::String(raw.cell(column)));
        }
        map.insert(
            "gearchiveerd".into(),
            Value::String(flag(self.archived).into()),
        );
        Value::Object(map)
    }

    /// Not verified for 12 months (or never).
    pub fn stale(&self, today: Date) -> bool {
        is_stale(self.verified_on, today)
    }
}

pub fn is_stale(verified_on: Option<Date>, today: Date) -> bool {
    verified_on.is_none_or(|d| (today - d).whole_days() > 365)
}

/// Marks the facility verified today by `who`.
pub async fn mark_verified(tx: &mut TenantTx, id: Uuid, who: &str, today: Date) -> AppResult<bool> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query("update facilities set verified_on = $3, verified_by = $4, updated_at = now() where tenant_id = $1 and facility_id = $2")
        .bind(tenant_id)
        .bind(id)
        .bind(today)
        .bind(who)
        .execute(&mut **tx)
        .await?
        .rows_affected()
        > 0)
}
