//! One service fully nested: organization, location with address and accessibility, phones,
//! opening hours as weekly schedules, service areas, funding, cost options, and attributes for
//! the classifications and the register's own properties.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::Json;
use time::Time;
use uuid::Uuid;

use super::api::{ApiError, ApiResult};
use super::model::{
    Accessibility, Address, Attribute, CostOption, Funding, Location, Phone, Schedule, Service,
    ServiceArea, ServiceAtLocation, ServiceDetail,
};
use super::services::{self, FacilityRow};
use super::tenant::{published_projection, vocabulary};
use super::values::euros;
use super::vocabulary::{Kind, Vocabulary};
use super::{ids, organizations};
use crate::cache::FacilitySlot;
use crate::register::facilities::choices::{self, label};
use crate::register::facilities::hours::WEEKDAYS;
use crate::state::AppState;
use crate::tenancy::published::{Published, PublishedProjection};

const BYDAY: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

/// GET /api/hsds/{tenant}/services/{id}
/// Built once per generation of the register.
pub async fn show(
    State(state): State<AppState>,
    Path((tenant, id)): Path<(String, String)>,
) -> ApiResult<Json<Arc<Service>>> {
    let id = Uuid::try_parse(&id).map_err(|_| ApiError::NotFound)?;
    let PublishedProjection {
        tenant: published,
        cache,
        index,
        ..
    } = published_projection(&state, &tenant, "").await?;
    if index.entry(id).is_none() {
        return Err(ApiError::NotFound);
    }
    if let Some(service) = cache.facility(FacilitySlot::HSDS_SERVICE, id) {
        return Ok(Json(service));
    }
    let vocabulary = vocabulary(&state, &published, &cache).await?;
    let tenant_id = published.tenant_id;
    let mut tx = state.db.tenant_tx(tenant_id).await?;
    let row = services::one(&mut tx, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let provider = organizations::by_ids(&mut tx, &[row.provider_id]).await?;
    let types: Vec<(String, bool)> = sqlx::query_as(
        "select type_code, is_main from facility_type_links where tenant_id = $1 and facility_id = $2 \
         order by is_main desc, type_code",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    let areas: Vec<(String, String, String)> = sqlx::query_as(
        "select a.level, a.cbs_code, a.name from facility_service_areas s \
         join areas a on a.tenant_id = s.tenant_id and a.area_id = s.area_id \
         where s.tenant_id = $1 and s.facility_id = $2 order by substr(a.cbs_code, 3), a.cbs_code",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    let hours: Vec<(i16, Time, Time)> = sqlx::query_as(
        "select weekday, opens, closes from facility_hours where tenant_id = $1 and facility_id = $2 order by weekday, opens",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    // Funding: the subsidies granted for this facility (public by law), never the register's
    // internal funding sources.
    let grants = crate::subsidy::open_data::grants_page::funding_of(&mut tx, id).await?;
    tx.commit().await?;

    let mut service = services::brief(&row);
    service.organization = provider.first().map(organizations::full);
    let mut attributes = classification(&vocabulary, &row, &types);
    attributes.extend(properties(&vocabulary, &row));
    service.detail = Some(ServiceDetail {
        phones: phones(&row),
        schedules: schedules(&row, &hours),
        service_areas: service_areas(&vocabulary, &published, &row, &areas),
        service_at_locations: location(&vocabulary, &row).into_iter().collect(),
        funding: grants
            .iter()
            .map(|(scheme, year, cents)| Funding {
                id: ids::part(row.facility_id, &format!("funding/{scheme}/{year}")),
                service_id: row.facility_id,
                source: format!(
                    "{}: subsidie {scheme} {year}, {}",
                    published.name,
                    crate::subsidy::common::money::euro(*cents)
                ),
            })
            .collect(),
        cost_options: cost_options(&row),
        attributes,
    });
    Ok(Json(cache.keep_facility(
        FacilitySlot::HSDS_SERVICE,
        id,
        service,
    )))
}

fn phones(row: &FacilityRow) -> Vec<Phone> {
    let number = row.phone.trim();
    if number.is_empty() {
        return Vec::new();
    }
    vec![Phone {
        id: ids::part(row.facility_id, "phone"),
        service_id: Some(row.facility_id),
        organization_id: None,
        number: number.to_string(),
        kind: "voice",
    }]
}

/// Periods with the same hours on several days become one weekly schedule.
fn schedules(row: &FacilityRow, hours: &[(i16, Time, Time)]) -> Vec<Schedule> {
    let mut groups: Vec<((Time, Time), Vec<i16>)> = Vec::new();
    for &(weekday, opens, closes) in hours {
        match groups.iter_mut().find(|(h, _)| *h == (opens, closes)) {
            Some((_, days)) => days.push(weekday),
            None => groups.push(((opens, closes), vec![weekday])),
        }
    }
    groups.sort_by_key(|((opens, _), days)| (days[0], *opens));
    let notes = Some(row.opening_exceptions.trim().to_string()).filter(|n| !n.is_empty());
    groups
        .into_iter()
        .map(|((opens, closes), days)| {
            let byday: Vec<&str> = days.iter().map(|d| BYDAY[(*d - 1) as usize]).collect();
            let names: Vec<&str> = days.iter().map(|d| WEEKDAYS[(*d - 1) as usize].1).collect();
            let (opens, closes) = (clock(opens), clock(closes));
            Schedule {
                id: ids::part(row.facility_id, &format!("schedule/{opens}-{closes}")),
                service_id: row.facility_id,
                freq: "WEEKLY",
                wkst: "MO",
                byday: byday.join(","),
                description: format!(
                    "Open op {} van {opens} tot {closes} (Nederlandse tijd).",
                    enumerate(&names)
                ),
                opens_at: opens,
                closes_at: closes,
                notes: notes.clone(),
            }
        })
        .collect()
}

fn clock(t: Time) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// "a", "a en b", "a, b en c".
fn enumerate(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} en {last}", rest.join(", ")),
    }
}

fn service_areas(
    vocabulary: &Vocabulary,
    published: &Published,
    row: &FacilityRow,
    areas: &[(String, String, String)],
) -> Vec<ServiceArea> {
    let mut out = Vec::new();
    if row.serves_whole_region {
        out.push(ServiceArea {
            id: ids::part(row.facility_id, "service_area/regio"),
            service_id: row.facility_id,
            name: published.name.clone(),
            description: format!("Het hele werkgebied van {}.", published.name),
            attributes: Vec::new(),
        });
    }
    for (level, cbs_code, name) in areas {
        let id = ids::part(row.facility_id, &format!("service_area/{cbs_code}"));
        let level = match level.as_str() {
            "gemeente" => "Gemeente",
            "wijk" => "Wijk",
            _ => "Buurt",
        };
        out.push(ServiceArea {
            id,
            service_id: row.facility_id,
            name: name.clone(),
            description: format!("{level} {name} (CBS-code {cbs_code})."),
            attributes: vocabulary
                .attribute(
                    Kind::Kenmerk,
                    "cbs_code",
                    id,
                    "service_area",
                    Some(cbs_code.clone()),
                )
                .into_iter()
                .collect(),
        });
    }
    out
}

/// The facility's address as the one place the service is offered, if it has one.
fn location(vocabulary: &Vocabulary, row: &FacilityRow) -> Option<ServiceAtLocation> {
    let address_1 = format!("{} {}", row.street.trim(), row.house_number.trim())
        .trim()
        .to_string();
    let postal_code = row.postcode.clone().unwrap_or_default();
    if address_1.is_empty() && postal_code.is_empty() && row.city.trim().is_empty() {
        return None;
    }
    let location_id = ids::part(row.facility_id, "location");
    let accessibility = match row.wheelchair.as_str() {
        "ja" => Some("Toegankelijk voor rolstoelen."),
        "nee" => Some("Niet toegankelijk voor rolstoelen."),
        _ => None,
    };
    Some(ServiceAtLocation {
        id: ids::part(row.facility_id, "service_at_location"),
        service_id: row.facility_id,
        location_id,
        location: Location {
            id: location_id,
            location_type: "physical",
            organization_id: row.provider_id,
            name: row.name.clone(),
            transportation: Some(row.directions.trim().to_string()).filter(|d| !d.is_empty()),
            latitude: row.latitude,
            longitude: row.longitude,
            addresses: vec![Address {
                id: ids::part(row.facility_id, "address"),
                location_id,
                address_1,
                city: row.city.trim().to_string(),
                state_province: String::new(),
                postal_code,
                country: "NL",
                address_type: "physical",
            }],
            accessibility: accessibility
                .map(|description| Accessibility {
                    id: ids::part(row.facility_id, "accessibility/wheelchair"),
                    location_id,
                    description: description.into(),
                })
                .into_iter()
                .collect(),
            attributes: row
                .buurt_code
                .as_ref()
                .and_then(|code| {
                    vocabulary.attribute(
                        Kind::Kenmerk,
                        "cbs_code",
                        location_id,
                        "location",
                        Some(code.clone()),
                    )
                })
                .into_iter()
                .collect(),
        },
    })
}

fn cost_options(row: &FacilityRow) -> Vec<CostOption> {
    let id = ids::part(
        row.facility_id,
        &format!("cost_option/{}", row.own_contribution),
    );
    let option = label(choices::OWN_CONTRIBUTION, &row.own_contribution).to_string();
    let cost = |amount: Option<f64>, description: Option<String>| CostOption {
        id,
        service_id: row.facility_id,
        option: option.clone(),
        currency: amount.map(|_| "EUR"),
        amount,
        amount_description: description,
    };
    let per = |what: &str| match row.own_contribution_cents {
        Some(cents) => cost(
            Some(cents as f64 / 100.0),
            Some(format!("{} {what}", euros(cents))),
        ),
        None => cost(None, Some(what.to_string())),
    };
    vec![match row.own_contribution.as_str() {
        "geen" => cost(Some(0.0), None),
        // Taking part is free (the Maastricht beleidsnotitie Algemene voorzieningen 2020: consumptions and materials are no eigen bijdrage).
        "consumpties" => cost(
            Some(0.0),
            Some("Deelname is gratis; consumpties en materialen kunnen geld kosten.".into()),
        ),
        "per_bezoek" => per("per bezoek"),
        "per_maand" => per("per maand"),
        _ => cost(None, Some(option.clone())),
    }]
}

/// Types (the main one valued "hoofdtype"), their levensgebieden, functions and bouwstenen.
fn classification(
    vocabulary: &Vocabulary,
    row: &FacilityRow,
    types: &[(String, bool)],
) -> Vec<Attribute> {
    let id = row.facility_id;
    let mut out = Vec::new();
    let mut levensgebieden: Vec<String> = Vec::new();
    for (code, is_main) in types {
        out.extend(vocabulary.attribute(
            Kind::Type,
            code,
            id,
            "service",
            is_main.then(|| "hoofdtype".into()),
        ));
        if let Some(parent) = vocabulary
            .get(Kind::Type, code)
            .and_then(|t| t.parent.clone())
        {
            if !levensgebieden.contains(&parent) {
                levensgebieden.push(parent);
            }
        }
    }
    for code in &levensgebieden {
        out.extend(vocabulary.attribute(Kind::Levensgebied, code, id, "service", None));
    }
    for code in &row.functions {
        out.extend(vocabulary.attribute(Kind::Functie, code, id, "service", None));
    }
    for code in &row.bouwstenen {
        out.extend(vocabulary.attribute(Kind::Bouwsteen, code, id, "service", None));
    }
    out
}

/// The register's own public properties as `kenmerken` attributes with their values: the form
/// of the place. Capacity, who decides on access and the municipality's own assessments stay
/// internal ([`crate::register::public_fields`]).
fn properties(vocabulary: &Vocabulary, row: &FacilityRow) -> Vec<Attribute> {
    row.form_name
        .iter()
        .filter_map(|form| {
            vocabulary.attribute(
                Kind::Kenmerk,
                "vorm",
                row.facility_id,
                "service",
                Some(form.clone()),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_enumerated_in_dutch() {
        assert_eq!(enumerate(&["ma"]), "ma");
        assert_eq!(enumerate(&["ma", "di", "wo"]), "ma, di en wo");
    }
}
