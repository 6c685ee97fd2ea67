//! Checking a facility as typed ([`RawFacility`]) into a [`FacilityInput`] against the
//! tenant's lists ([`Lookups`]): every field, all errors collected in the order of the form.
//! The form and the CSV import both check this way.

use uuid::Uuid;

use super::capacity;
use super::choices::{self, Choices};
use super::closures;
use super::hours;
use super::record::{find_named, FacilityInput, Lookups, RawFacility};
use crate::fields::{self, Email, Postcode};
use crate::form_errors::FormErrors;
use crate::register::lists::NamedCode;

fn choice(
    raw: &RawFacility,
    errors: &mut FormErrors,
    field: &'static str,
    list: Choices,
    default: &'static str,
) -> String {
    let input = raw.one(field).trim();
    if input.is_empty() {
        return default.to_string();
    }
    match choices::find(list, input) {
        Some(code) => code.to_string(),
        None => {
            let options: Vec<&str> = list.iter().map(|(c, _)| *c).collect();
            errors.add(field, format!("Kies een van: {}.", options.join(", ")));
            default.to_string()
        }
    }
}

fn multi_choice(
    raw: &RawFacility,
    errors: &mut FormErrors,
    field: &'static str,
    list: Choices,
) -> Vec<String> {
    let mut out = Vec::new();
    for value in raw.all(field) {
        match choices::find(list, value) {
            Some(code) if !out.iter().any(|c| c == code) => out.push(code.to_string()),
            Some(_) => {}
            None => errors.add(field, format!("‘{value}’ staat niet in de lijst.")),
        }
    }
    out
}

fn named_list(
    raw: &RawFacility,
    errors: &mut FormErrors,
    field: &'static str,
    list: &[NamedCode],
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for value in raw.all(field) {
        match find_named(list, value) {
            Some(n) if !out.contains(&n.code) => out.push(n.code.clone()),
            Some(_) => {}
            None => errors.add(field, format!("‘{value}’ staat niet in de lijst.")),
        }
    }
    out
}

fn text(
    raw: &RawFacility,
    errors: &mut FormErrors,
    field: &'static str,
    max: usize,
    what: &str,
) -> String {
    fields::optional_text(raw.one(field), max, what).unwrap_or_else(|m| {
        errors.add(field, m);
        String::new()
    })
}

fn number(
    raw: &RawFacility,
    errors: &mut FormErrors,
    field: &'static str,
    what: &str,
) -> Option<i32> {
    fields::count(raw.one(field), what).unwrap_or_else(|m| {
        errors.add(field, m);
        None
    })
}

/// Checks every field; all errors are collected, in the order of the form.
pub fn validate(raw: &RawFacility, lookups: &Lookups) -> Result<FacilityInput, FormErrors> {
    let mut e = FormErrors::default();
    let mut input = FacilityInput {
        name: fields::required_text(raw.one("naam"), 200, "de naam van de voorziening")
            .unwrap_or_else(|m| {
                e.add("naam", m);
                String::new()
            }),
        ..Default::default()
    };
    let provider = raw.one("aanbieder").trim();
    if provider.is_empty() {
        e.add("aanbieder", "Kies de aanbieder.");
    } else {
        input.provider_id = lookups.provider(provider);
        if input.provider_id.is_none() {
            if Uuid::parse_str(provider).is_ok() {
                e.add("aanbieder", "Kies een aanbieder uit de lijst.");
            } else {
                // A new provider by name (the import creates it).
                input.provider_name =
                    fields::required_text(provider, 200, "de naam van de aanbieder")
                        .unwrap_or_else(|m| {
                            e.add("aanbieder", m);
                            String::new()
                        });
            }
        }
    }
    for value in raw.all("typen") {
        match lookups
            .types
            .iter()
            .find(|n| n.code == value || n.name.eq_ignore_ascii_case(value))
        {
            Some(n) if !input.types.contains(&n.code) => input.types.push(n.code.clone()),
            Some(_) => {}
            None => e.add(
                "typen",
                format!("Voorzieningentype ‘{value}’ bestaat niet."),
            ),
        }
    }
    if input.types.is_empty() && e.get("typen").is_none() {
        e.add("typen", "Kies minstens één voorzieningentype.");
    }
    let vorm = raw.one("vorm").trim();
    if !vorm.is_empty() {
        match find_named(&lookups.vormen, vorm) {
            Some(n) => input.form = Some(n.code.clone()),
            None => e.add("vorm", format!("Vorm ‘{vorm}’ staat niet in de lijst.")),
        }
    }
    input.functions = named_list(raw, &mut e, "functies", &lookups.functies);
    input.bouwstenen = named_list(raw, &mut e, "bouwstenen", &lookups.bouwstenen);
    input.target_groups = named_list(raw, &mut e, "doelgroepen", &lookups.doelgroepen);
    input.description = text(raw, &mut e, "omschrijving", 4000, "de omschrijving");
    input.street = text(raw, &mut e, "straat", 200, "de straat");
    input.house_number = text(raw, &mut e, "huisnummer", 20, "het huisnummer");
    let postcode = raw.one("postcode").trim();
    if !postcode.is_empty() {
        match Postcode::parse(postcode) {
            Ok(p) => input.postcode = Some(p.as_str().to_string()),
            Err(m) => e.add("postcode", m),
        }
    }
    input.city = text(raw, &mut e, "plaats", 100, "de plaats");
    let buurt = raw.one("buurt").trim();
    if !buurt.is_empty() {
        match lookups.area(buurt) {
            Some(a) if a.level == "buurt" => input.buurt_id = Some(a.area_id),
            Some(_) => e.add("buurt", "Kies een buurt (een CBS-code die begint met BU)."),
            None => e.add("buurt", format!("Buurt ‘{buurt}’ is niet bekend; voeg het gebied eerst toe of kies een bestaande buurt.")),
        }
    }
    input.position = position(raw, &mut e);
    for value in raw.all("werkgebied") {
        if value.eq_ignore_ascii_case("regio") || value.eq_ignore_ascii_case("hele regio") {
            input.serves_whole_region = true;
        } else {
            match lookups.area(value) {
                Some(a) if !input.service_areas.contains(&a.area_id) => {
                    input.service_areas.push(a.area_id)
                }
                Some(_) => {}
                None => e.add(
                    "werkgebied",
                    format!("Gebied ‘{value}’ is niet bekend (gebruik CBS-codes, of ‘regio’)."),
                ),
            }
        }
    }
    for (field, check) in [
        (
            "telefoon",
            fields::phone as fn(&str) -> Result<String, String>,
        ),
        ("website", fields::website),
    ] {
        let value = raw.one(field).trim();
        if !value.is_empty() {
            match check(value) {
                Ok(v) if field == "telefoon" => input.phone = v,
                Ok(v) => input.website = v,
                Err(m) => e.add(field, m),
            }
        }
    }
    let email = raw.one("email").trim();
    if !email.is_empty() {
        match Email::parse(email) {
            Ok(v) => input.email = v.as_str().to_string(),
            Err(m) => e.add("email", m),
        }
    }
    let hours_read = match hours::parse_week(raw.all("openingstijden")) {
        Ok(h) => {
            input.hours = h;
            true
        }
        Err(m) => {
            e.add("openingstijden", m);
            false
        }
    };
    input.opening_exceptions = text(raw, &mut e, "uitzonderingen", 1000, "de uitzonderingen");
    input.closures = closures::parse(raw.all(closures::FIELD), &mut e);
    input.closed_holidays = closures::parse_holidays(raw.all(closures::HOLIDAYS_FIELD), &mut e);
    input.wheelchair = choice(
        raw,
        &mut e,
        "rolstoeltoegankelijk",
        choices::WHEELCHAIR,
        "onbekend",
    );
    input.directions = text(raw, &mut e, "bereikbaarheid", 1000, "de bereikbaarheid");
    input.capacity_at_once = number(raw, &mut e, "capaciteit_tegelijk", "De capaciteit tegelijk");
    input.capacity_per_day = number(raw, &mut e, "capaciteit_per_dag", "De capaciteit per dag");
    input.capacity_per_week = number(raw, &mut e, "capaciteit_per_week", "De capaciteit per week");
    input.dagdeel_capacity = capacity::parse(
        raw.all(capacity::FIELD),
        hours_read.then_some(input.hours.as_slice()),
        &mut e,
    );
    input.visitors_last_year = number(raw, &mut e, "bezoekers_vorig_jaar", "Het aantal bezoekers");
    input.visits_last_year = number(raw, &mut e, "bezoeken_vorig_jaar", "Het aantal bezoeken");
    input.own_contribution = choice(
        raw,
        &mut e,
        "eigen_bijdrage",
        choices::OWN_CONTRIBUTION,
        "geen",
    );
    match fields::euro_cents(raw.one("eigen_bijdrage_bedrag")) {
        Ok(amount) => input.own_contribution_cents = amount,
        Err(m) => e.add("eigen_bijdrage_bedrag", m),
    }
    if matches!(input.own_contribution.as_str(), "per_bezoek" | "per_maand")
        && input.own_contribution_cents.is_none()
        && e.get("eigen_bijdrage_bedrag").is_none()
    {
        e.add(
            "eigen_bijdrage_bedrag",
            "Vul het bedrag van de eigen bijdrage in.",
        );
    }
    input.access = choice(raw, &mut e, "toegang", choices::ACCESS, "vrij");
    input.access_decided_by = text(
        raw,
        &mut e,
        "toegang_bepaald_door",
        300,
        "wie over de toegang beslist",
    );
    input.client_routes = multi_choice(raw, &mut e, "clientroutes", choices::ROUTES);
    input.funding_sources = multi_choice(raw, &mut e, "financiering", choices::FUNDING);
    input.contracted = raw.flag("gecontracteerd");
    input.subsidised = raw.flag("gesubsidieerd");
    input.pgb = raw.flag("pgb");
    input.approach = text(raw, &mut e, "aanpak", 2000, "de aanpak");
    input.professionals = choice(
        raw,
        &mut e,
        "professionals",
        choices::PROFESSIONALS,
        "onbekend",
    );
    input.volunteers = number(raw, &mut e, "vrijwilligers", "Het aantal vrijwilligers");
    input.experts_by_experience = choice(
        raw,
        &mut e,
        "ervaringsdeskundigen",
        choices::EXPERTS,
        "onbekend",
    );
    input.welcome = choice(raw, &mut e, "welkom", choices::WELCOME, "onbekend");
    input.welcome_conditions = text(raw, &mut e, "welkom_voorwaarden", 1000, "de voorwaarden");
    if input.welcome == "voorwaarden"
        && input.welcome_conditions.is_empty()
        && e.get("welkom_voorwaarden").is_none()
    {
        e.add(
            "welkom_voorwaarden",
            "Beschrijf onder welke voorwaarden de doelgroep welkom is.",
        );
    }
    input.used = choice(raw, &mut e, "gebruikt", choices::USED, "onbekend");
    if e.is_empty() {
        Ok(input)
    } else {
        Err(e)
    }
}

/// The coordinates from `lat` and `lon` (a decimal comma is read too): both or neither, and in
/// the Netherlands (which also catches the two swapped).
fn position(raw: &RawFacility, e: &mut FormErrors) -> Option<(f64, f64)> {
    let read = |field: &str, what: &str, e: &mut FormErrors| -> Option<f64> {
        let text = raw.one(field).trim().replace(',', ".");
        if text.is_empty() {
            return None;
        }
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Some(v),
            _ => {
                e.add(
                    field.to_string(),
                    format!("Schrijf de {what} als een getal, bijvoorbeeld 52.3567."),
                );
                None
            }
        }
    };
    let lat = read("lat", "breedtegraad", e);
    let lon = read("lon", "lengtegraad", e);
    match (lat, lon) {
        (Some(lat), Some(lon)) if crate::web::map::in_netherlands(lat, lon) => Some((lat, lon)),
        (Some(_), Some(_)) => {
            e.add(
                "lat",
                "Deze coördinaten liggen niet in Nederland. Staan breedtegraad (rond 52) en lengtegraad (rond 6) niet omgewisseld?",
            );
            None
        }
        (Some(_), None) if e.get("lon").is_none() => {
            e.add("lon", "Vul ook de lengtegraad in, of laat allebei leeg.");
            None
        }
        (None, Some(_)) if e.get("lat").is_none() => {
            e.add("lat", "Vul ook de breedtegraad in, of laat allebei leeg.");
            None
        }
        _ => None,
    }
}
