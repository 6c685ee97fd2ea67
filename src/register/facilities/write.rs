//! Storing checked facilities ([`FacilityInput`]), one from the form or ten thousand from an
//! import, by sets: the facility rows go in as one JSON record set per statement (an insert for
//! new ones, an update for existing ones), their linked rows (types, service areas, opening
//! hours, capacity per dagdeel) as flat arrays, and the search documents are refreshed once at
//! the end. So an import costs a handful of statements per chunk whatever its size, and the
//! register generation (moved by statement triggers) moves once per statement, not per row.

use serde_json::{json, Value};
use uuid::Uuid;

use super::record::FacilityInput;
use crate::db::TenantTx;
use crate::error::AppResult;

/// The stored columns of a facility with their SQL types, as the record set carries them.
const COLUMNS: [(&str, &str); 43] = [
    ("provider_id", "uuid"),
    ("name", "text"),
    ("description", "text"),
    ("form", "text"),
    ("functions", "text[]"),
    ("bouwstenen", "text[]"),
    ("target_groups", "text[]"),
    ("street", "text"),
    ("house_number", "text"),
    ("postcode", "text"),
    ("city", "text"),
    ("buurt_id", "uuid"),
    ("latitude", "double precision"),
    ("longitude", "double precision"),
    ("phone", "text"),
    ("email", "text"),
    ("website", "text"),
    ("wheelchair", "text"),
    ("directions", "text"),
    ("opening_exceptions", "text"),
    ("closed_holidays", "text[]"),
    ("serves_whole_region", "boolean"),
    ("capacity_at_once", "integer"),
    ("capacity_per_day", "integer"),
    ("capacity_per_week", "integer"),
    ("visitors_last_year", "integer"),
    ("visits_last_year", "integer"),
    ("approach", "text"),
    ("funding_sources", "text[]"),
    ("access_decided_by", "text"),
    ("own_contribution", "text"),
    ("own_contribution_cents", "bigint"),
    ("contracted", "boolean"),
    ("subsidised", "boolean"),
    ("pgb", "boolean"),
    ("access", "text"),
    ("client_routes", "text[]"),
    ("professionals", "text"),
    ("volunteers", "integer"),
    ("experts_by_experience", "text"),
    ("welcome", "text"),
    ("welcome_conditions", "text"),
    ("used", "text"),
];

/// Facilities stored per round of statements (bounds the size of one record set).
const CHUNK: usize = 2_000;

/// How a facility is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A new facility with this id.
    New,
    /// An existing one, only if its version is still this (someone else may have saved).
    IfVersion(i32),
    /// An existing one, whatever its version (the import is authoritative).
    Overwrite,
}

/// One facility to store.
pub struct Write<'a> {
    pub id: Uuid,
    pub mode: Mode,
    pub provider_id: Uuid,
    pub input: &'a FacilityInput,
}

/// The facility row as one record of the set: its id, the version it must still have, and
/// every column of [`COLUMNS`].
fn record(w: &Write) -> Value {
    let i = w.input;
    let fields: [(&str, Value); 45] = [
        ("facility_id", json!(w.id)),
        (
            "expect",
            json!(match w.mode {
                Mode::IfVersion(v) => Some(v),
                _ => None,
            }),
        ),
        ("provider_id", json!(w.provider_id)),
        ("name", json!(i.name)),
        ("description", json!(i.description)),
        ("form", json!(i.form)),
        ("functions", json!(i.functions)),
        ("bouwstenen", json!(i.bouwstenen)),
        ("target_groups", json!(i.target_groups)),
        ("street", json!(i.street)),
        ("house_number", json!(i.house_number)),
        ("postcode", json!(i.postcode)),
        ("city", json!(i.city)),
        ("buurt_id", json!(i.buurt_id)),
        ("latitude", json!(i.position.map(|p| p.0))),
        ("longitude", json!(i.position.map(|p| p.1))),
        ("phone", json!(i.phone)),
        ("email", json!(i.email)),
        ("website", json!(i.website)),
        ("wheelchair", json!(i.wheelchair)),
        ("directions", json!(i.directions)),
        ("opening_exceptions", json!(i.opening_exceptions)),
        ("closed_holidays", json!(i.closed_holidays)),
        ("serves_whole_region", json!(i.serves_whole_region)),
        ("capacity_at_once", json!(i.capacity_at_once)),
        ("capacity_per_day", json!(i.capacity_per_day)),
        ("capacity_per_week", json!(i.capacity_per_week)),
        ("visitors_last_year", json!(i.visitors_last_year)),
        ("visits_last_year", json!(i.visits_last_year)),
        ("approach", json!(i.approach)),
        ("funding_sources", json!(i.funding_sources)),
        ("access_decided_by", json!(i.access_decided_by)),
        ("own_contribution", json!(i.own_contribution)),
        ("own_contribution_cents", json!(i.own_contribution_cents)),
        ("contracted", json!(i.contracted)),
        ("subsidised", json!(i.subsidised)),
        ("pgb", json!(i.pgb)),
        ("access", json!(i.access)),
        ("client_routes", json!(i.client_routes)),
        ("professionals", json!(i.professionals)),
        ("volunteers", json!(i.volunteers)),
        ("experts_by_experience", json!(i.experts_by_experience)),
        ("welcome", json!(i.welcome)),
        ("welcome_conditions", json!(i.welcome_conditions)),
        ("used", json!(i.used)),
    ];
    Value::Object(
        fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

/// `r(facility_id uuid, expect integer, provider_id uuid, …)`: how the record set is read.
fn record_type() -> String {
    let columns: Vec<String> = COLUMNS.iter().map(|(c, t)| format!("{c} {t}")).collect();
    format!(
        "r(facility_id uuid, expect integer, {})",
        columns.join(", ")
    )
}

fn insert_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        let names: Vec<&str> = COLUMNS.iter().map(|(c, _)| *c).collect();
        let values: Vec<String> = names.iter().map(|c| format!("r.{c}")).collect();
        format!(
            "insert into facilities (tenant_id, facility_id, {}) select $1, r.facility_id, {} \
             from jsonb_to_recordset($2) as {} returning facility_id",
            names.join(", "),
            values.join(", "),
            record_type()
        )
    })
}

fn update_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        let sets: Vec<String> = COLUMNS.iter().map(|(c, _)| format!("{c} = r.{c}")).collect();
        format!(
            "update facilities f set {}, version = f.version + 1, updated_at = now() \
             from jsonb_to_recordset($2) as {} \
             where f.tenant_id = $1 and f.facility_id = r.facility_id and (r.expect is null or f.version = r.expect) \
             returning f.facility_id",
            sets.join(", "),
            record_type()
        )
    })
}

/// Stores `writes`; returns the ids stored (an update whose version moved, or whose facility
/// is gone, is left out).
pub async fn write_many(tx: &mut TenantTx, writes: &[Write<'_>]) -> AppResult<Vec<Uuid>> {
    let mut stored = Vec::with_capacity(writes.len());
    for chunk in writes.chunks(CHUNK) {
        stored.extend(write_chunk(tx, chunk).await?);
    }
    if !stored.is_empty() {
        crate::register::search_documents::refresh(tx, Some(&stored)).await?;
    }
    Ok(stored)
}

async fn write_chunk(tx: &mut TenantTx, writes: &[Write<'_>]) -> AppResult<Vec<Uuid>> {
    let tenant_id = tx.tenant_id();
    let (new, existing): (Vec<&Write>, Vec<&Write>) =
        writes.iter().partition(|w| w.mode == Mode::New);
    let mut stored: Vec<Uuid> = Vec::with_capacity(writes.len());
    if !new.is_empty() {
        let set = Value::Array(new.iter().map(|w| record(w)).collect());
        stored.extend(
            sqlx::query_scalar::<_, Uuid>(insert_sql())
                .bind(tenant_id)
                .bind(set)
                .fetch_all(&mut **tx)
                .await?,
        );
    }
    if !existing.is_empty() {
        let set = Value::Array(existing.iter().map(|w| record(w)).collect());
        let updated: Vec<Uuid> = sqlx::query_scalar(update_sql())
            .bind(tenant_id)
            .bind(set)
            .fetch_all(&mut **tx)
            .await?;
        // Their linked rows are written again from the input.
        sqlx::query(
            "with a as (delete from facility_type_links where tenant_id = $1 and facility_id = any ($2)), \
                  b as (delete from facility_service_areas where tenant_id = $1 and facility_id = any ($2)), \
                  c as (delete from facility_hours where tenant_id = $1 and facility_id = any ($2)), \
                  d as (delete from facility_closures where tenant_id = $1 and facility_id = any ($2)) \
             delete from facility_dagdeel_capacity where tenant_id = $1 and facility_id = any ($2)",
        )
        .bind(tenant_id)
        .bind(&updated)
        .execute(&mut **tx)
        .await?;
        stored.extend(updated.iter().copied());
    }
    let written: std::collections::HashSet<Uuid> = stored.iter().copied().collect();
    let mut links = Links::default();
    for w in writes.iter().filter(|w| written.contains(&w.id)) {
        links.add(w.id, w.input);
    }
    links.insert(tx).await?;
    Ok(stored)
}

/// The linked rows of the facilities written, as flat arrays (one `unnest` each).
#[derive(Default)]
struct Links {
    type_facility: Vec<Uuid>,
    type_code: Vec<String>,
    type_main: Vec<bool>,
    area_facility: Vec<Uuid>,
    area: Vec<Uuid>,
    hour_facility: Vec<Uuid>,
    hour_day: Vec<i16>,
    hour_opens: Vec<time::Time>,
    hour_closes: Vec<time::Time>,
    cap_facility: Vec<Uuid>,
    cap_day: Vec<i16>,
    cap_dagdeel: Vec<String>,
    cap_max: Vec<i32>,
    cap_walk_in: Vec<i32>,
    cap_appointment: Vec<i32>,
    closure_facility: Vec<Uuid>,
    closure_from: Vec<time::Date>,
    closure_to: Vec<time::Date>,
    closure_reason: Vec<String>,
}

impl Links {
    fn add(&mut self, id: Uuid, i: &FacilityInput) {
        for (n, code) in i.types.iter().enumerate() {
            self.type_facility.push(id);
            self.type_code.push(code.clone());
            self.type_main.push(n == 0);
        }
        for area in &i.service_areas {
            self.area_facility.push(id);
            self.area.push(*area);
        }
        for p in &i.hours {
            self.hour_facility.push(id);
            self.hour_day.push(p.weekday);
            self.hour_opens.push(p.opens);
            self.hour_closes.push(p.closes);
        }
        for c in &i.dagdeel_capacity {
            self.cap_facility.push(id);
            self.cap_day.push(c.weekday);
            self.cap_dagdeel.push(c.dagdeel_name().to_string());
            self.cap_max.push(c.max);
            self.cap_walk_in.push(c.walk_in);
            self.cap_appointment.push(c.appointment);
        }
        for c in &i.closures {
            self.closure_facility.push(id);
            self.closure_from.push(c.from);
            self.closure_to.push(c.to);
            self.closure_reason.push(c.reason.clone());
        }
    }

    async fn insert(&self, tx: &mut TenantTx) -> AppResult<()> {
        let tenant_id = tx.tenant_id();
        sqlx::query(
            "with a as (insert into facility_type_links (tenant_id, facility_id, type_code, is_main) \
                        select $1, t.f, t.code, t.main from unnest($2::uuid[], $3::text[], $4::bool[]) as t(f, code, main)), \
                  b as (insert into facility_service_areas (tenant_id, facility_id, area_id) \
                        select $1, s.f, s.a from unnest($5::uuid[], $6::uuid[]) as s(f, a)), \
                  c as (insert into facility_hours (tenant_id, facility_id, weekday, opens, closes) \
                        select $1, h.f, h.d, h.o, h.c from unnest($7::uuid[], $8::int2[], $9::time[], $10::time[]) as h(f, d, o, c)), \
                  d as (insert into facility_closures (tenant_id, facility_id, closed_from, closed_to, reason) \
                        select $1, z.f, z.a, z.b, z.r from unnest($17::uuid[], $18::date[], $19::date[], $20::text[]) as z(f, a, b, r)) \
             insert into facility_dagdeel_capacity (tenant_id, facility_id, weekday, dagdeel, max_present, walk_in, by_appointment) \
             select $1, c.f, c.d, c.p, c.m, c.w, c.a \
             from unnest($11::uuid[], $12::int2[], $13::text[], $14::int[], $15::int[], $16::int[]) as c(f, d, p, m, w, a)",
        )
        .bind(tenant_id)
        .bind(&self.type_facility)
        .bind(&self.type_code)
        .bind(&self.type_main)
        .bind(&self.area_facility)
        .bind(&self.area)
        .bind(&self.hour_facility)
        .bind(&self.hour_day)
        .bind(&self.hour_opens)
        .bind(&self.hour_closes)
        .bind(&self.cap_facility)
        .bind(&self.cap_day)
        .bind(&self.cap_dagdeel)
        .bind(&self.cap_max)
        .bind(&self.cap_walk_in)
        .bind(&self.cap_appointment)
        .bind(&self.closure_facility)
        .bind(&self.closure_from)
        .bind(&self.closure_to)
        .bind(&self.closure_reason)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}

/// Stores a new facility; its id.
pub async fn insert(
    tx: &mut TenantTx,
    input: &FacilityInput,
    provider_id: Uuid,
) -> AppResult<Uuid> {
    let id = Uuid::new_v4();
    let write = Write {
        id,
        mode: Mode::New,
        provider_id,
        input,
    };
    write_many(tx, &[write]).await?;
    Ok(id)
}

/// Stores `input` over facility `id` if its version is still `version`; false when someone
/// else saved in between.
pub async fn update(
    tx: &mut TenantTx,
    id: Uuid,
    version: i32,
    input: &FacilityInput,
    provider_id: Uuid,
) -> AppResult<bool> {
    let write = Write {
        id,
        mode: Mode::IfVersion(version),
        provider_id,
        input,
    };
    Ok(!write_many(tx, &[write]).await?.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_record_carries_every_column_and_nothing_else() {
        let input = FacilityInput::default();
        let w = Write {
            id: Uuid::nil(),
            mode: Mode::IfVersion(3),
            provider_id: Uuid::nil(),
            input: &input,
        };
        let record = record(&w);
        let mut keys: Vec<&str> = record
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort();
        let mut expected: Vec<&str> = COLUMNS.iter().map(|(c, _)| *c).collect();
        expected.extend(["facility_id", "expect"]);
        expected.sort();
        assert_eq!(keys, expected);
        assert_eq!(record["expect"], 3);
        assert!(update_sql().contains("welcome_conditions = r.welcome_conditions"));
    }
}
