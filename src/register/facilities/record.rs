//! A facility as typed: one set of named fields shared by the form and the CSV import
//! (the names are the CSV header), the tenant's lists it is checked against ([`Lookups`]) and
//! what the check gives ([`FacilityInput`]); the check itself is [`super::validate`].

use std::collections::HashMap;

use uuid::Uuid;

use super::capacity::SlotCapacity;
use super::closures::Closure;
use super::hours::Period;
use crate::register::lists::NamedCode;

/// Every column of the export, in order; the import takes the same header.
pub const COLUMNS: [&str; 50] = [
    "id",
    "naam",
    "aanbieder",
    "typen",
    "vorm",
    "functies",
    "bouwstenen",
    "doelgroepen",
    "omschrijving",
    "straat",
    "huisnummer",
    "postcode",
    "plaats",
    "buurt",
    "lat",
    "lon",
    "werkgebied",
    "telefoon",
    "email",
    "website",
    "openingstijden",
    "uitzonderingen",
    "gesloten_periodes",
    "gesloten_feestdagen",
    "rolstoeltoegankelijk",
    "bereikbaarheid",
    "capaciteit_tegelijk",
    "capaciteit_per_dag",
    "capaciteit_per_week",
    "capaciteit_dagdelen",
    "bezoekers_vorig_jaar",
    "bezoeken_vorig_jaar",
    "eigen_bijdrage",
    "eigen_bijdrage_bedrag",
    "toegang",
    "toegang_bepaald_door",
    "clientroutes",
    "financiering",
    "gecontracteerd",
    "gesubsidieerd",
    "pgb",
    "aanpak",
    "professionals",
    "vrijwilligers",
    "ervaringsdeskundigen",
    "welkom",
    "welkom_voorwaarden",
    "gebruikt",
    "laatst_gecontroleerd",
    "gecontroleerd_door",
];

/// Columns that hold several values (`|` in the CSV, repeated fields in the form).
pub const LIST_COLUMNS: [&str; 11] = [
    "typen",
    "functies",
    "bouwstenen",
    "doelgroepen",
    "werkgebied",
    "openingstijden",
    "capaciteit_dagdelen",
    "clientroutes",
    "financiering",
    "gesloten_periodes",
    "gesloten_feestdagen",
];

/// Field name → values, as typed.
#[derive(Debug, Clone, Default)]
pub struct RawFacility(HashMap<String, Vec<String>>);

impl RawFacility {
    pub fn push(&mut self, field: &str, value: impl Into<String>) {
        self.0
            .entry(field.to_string())
            .or_default()
            .push(value.into());
    }

    pub fn set(&mut self, field: &str, value: impl Into<String>) {
        self.0.insert(field.to_string(), vec![value.into()]);
    }

    pub fn set_list(&mut self, field: &str, values: Vec<String>) {
        self.0.insert(field.to_string(), values);
    }

    /// The first value of a field, or "".
    pub fn one(&self, field: &str) -> &str {
        self.0
            .get(field)
            .and_then(|v| v.first())
            .map(String::as_str)
            .unwrap_or("")
    }

    /// The non-empty values of a field.
    pub fn all(&self, field: &str) -> Vec<&str> {
        self.0
            .get(field)
            .map(|v| {
                v.iter()
                    .map(|s| s.trim())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn has(&self, field: &str, value: &str) -> bool {
        self.all(field).contains(&value)
    }

    /// A yes/no field: a checked box, or ja/1/true in a CSV.
    pub fn flag(&self, field: &str) -> bool {
        matches!(
            self.one(field).trim().to_lowercase().as_str(),
            "1" | "ja" | "true" | "on" | "waar"
        )
    }

    /// One CSV cell: list columns joined with `|`.
    pub fn cell(&self, field: &str) -> String {
        self.all(field).join("|")
    }
}

/// An area of the tenant, for the buurt and werkgebied fields.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AreaRef {
    pub area_id: Uuid,
    pub cbs_code: String,
    pub name: String,
    pub level: String,
}

/// A facility type of the tenant.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TypeRef {
    pub code: String,
    pub name: String,
    pub levensgebied: String,
    pub retired: bool,
}

/// The tenant's lists the fields are checked against.
#[derive(Debug, Clone, Default)]
pub struct Lookups {
    pub types: Vec<TypeRef>,
    pub levensgebieden: Vec<NamedCode>,
    pub providers: Vec<(Uuid, String)>,
    pub areas: Vec<AreaRef>,
    pub vormen: Vec<NamedCode>,
    pub functies: Vec<NamedCode>,
    pub bouwstenen: Vec<NamedCode>,
    pub doelgroepen: Vec<NamedCode>,
}

pub(super) fn find_named<'a>(list: &'a [NamedCode], input: &str) -> Option<&'a NamedCode> {
    list.iter()
        .find(|n| n.code == input || n.name.eq_ignore_ascii_case(input))
}

impl Lookups {
    pub fn provider(&self, input: &str) -> Option<Uuid> {
        let input = input.trim();
        if let Ok(id) = Uuid::parse_str(input) {
            return self
                .providers
                .iter()
                .find(|(p, _)| *p == id)
                .map(|(p, _)| *p);
        }
        self.providers
            .iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(input))
            .map(|(p, _)| *p)
    }

    pub fn area(&self, code: &str) -> Option<&AreaRef> {
        let code = code.trim().to_uppercase();
        self.areas.iter().find(|a| a.cbs_code == code)
    }
}

/// A checked facility, ready to store.
#[derive(Debug, Clone, Default)]
pub struct FacilityInput {
    pub name: String,
    pub provider_id: Option<Uuid>,
    pub provider_name: String,
    pub types: Vec<String>,
    pub form: Option<String>,
    pub functions: Vec<String>,
    pub bouwstenen: Vec<String>,
    pub target_groups: Vec<String>,
    pub description: String,
    pub street: String,
    pub house_number: String,
    pub postcode: Option<String>,
    pub city: String,
    pub buurt_id: Option<Uuid>,
    /// Latitude and longitude (WGS84), both or neither.
    pub position: Option<(f64, f64)>,
    pub service_areas: Vec<Uuid>,
    pub serves_whole_region: bool,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub hours: Vec<Period>,
    pub opening_exceptions: String,
    /// Periods closed, in order of their first day.
    pub closures: Vec<Closure>,
    /// Codes of the public holidays closed on ([`crate::holidays`]).
    pub closed_holidays: Vec<String>,
    pub wheelchair: String,
    pub directions: String,
    pub capacity_at_once: Option<i32>,
    pub capacity_per_day: Option<i32>,
    pub capacity_per_week: Option<i32>,
    /// Per weekday and dagdeel the facility is open.
    pub dagdeel_capacity: Vec<SlotCapacity>,
    pub visitors_last_year: Option<i32>,
    pub visits_last_year: Option<i32>,
    pub own_contribution: String,
    pub own_contribution_cents: Option<i64>,
    pub access: String,
    pub access_decided_by: String,
    pub client_routes: Vec<String>,
    pub funding_sources: Vec<String>,
    pub contracted: bool,
    pub subsidised: bool,
    pub pgb: bool,
    pub approach: String,
    pub professionals: String,
    pub volunteers: Option<i32>,
    pub experts_by_experience: String,
    pub welcome: String,
    pub welcome_conditions: String,
    pub used: String,
}
