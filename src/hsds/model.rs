//! The HSDS 3.0 objects this API returns. Absent values are left out, never `null`: the
//! official schemas type every field as a plain string, number or array.

use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Serialize)]
pub struct Root {
    pub version: &'static str,
    pub profile: &'static str,
    pub openapi_url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Taxonomy {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TaxonomyTerm {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<Uuid>,
    /// The name of the taxonomy.
    pub taxonomy: String,
    pub taxonomy_id: Uuid,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub taxonomy_detail: Option<Taxonomy>,
    pub language: &'static str,
}

/// A taxonomy term, or one of our own properties with its value, attached to an object.
#[derive(Debug, Clone, Serialize)]
pub struct Attribute {
    pub id: Uuid,
    pub link_id: Uuid,
    pub link_type: &'static str,
    pub link_entity: &'static str,
    pub taxonomy_term_id: Uuid,
    pub taxonomy_term: TaxonomyTerm,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Phone {
    pub id: Uuid,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<Uuid>,
    pub number: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

#[derive(Debug, Serialize)]
pub struct OrganizationIdentifier {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub identifier_scheme: &'static str,
    pub identifier_type: &'static str,
    pub identifier: String,
}

#[derive(Debug, Serialize)]
pub struct Address {
    pub id: Uuid,
    pub location_id: Uuid,
    pub address_1: String,
    pub city: String,
    /// Dutch addresses name no province: always empty.
    pub state_province: String,
    pub postal_code: String,
    pub country: &'static str,
    pub address_type: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Accessibility {
    pub id: Uuid,
    pub location_id: Uuid,
    pub description: String,
}

#[derive(Debug, Serialize)]
pub struct Location {
    pub id: Uuid,
    pub location_type: &'static str,
    pub organization_id: Uuid,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transportation: Option<String>,
    /// WGS84, as the register has it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    pub addresses: Vec<Address>,
    pub accessibility: Vec<Accessibility>,
    pub attributes: Vec<Attribute>,
}

#[derive(Debug, Serialize)]
pub struct ServiceAtLocation {
    pub id: Uuid,
    pub service_id: Uuid,
    pub location_id: Uuid,
    pub location: Location,
}

#[derive(Debug, Serialize)]
pub struct Schedule {
    pub id: Uuid,
    pub service_id: Uuid,
    pub freq: &'static str,
    pub wkst: &'static str,
    pub byday: String,
    /// Local time in the Netherlands (Europe/Amsterdam), `HH:MM`.
    pub opens_at: String,
    pub closes_at: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ServiceArea {
    pub id: Uuid,
    pub service_id: Uuid,
    pub name: String,
    pub description: String,
    pub attributes: Vec<Attribute>,
}

#[derive(Debug, Serialize)]
pub struct Funding {
    pub id: Uuid,
    pub service_id: Uuid,
    pub source: String,
}

#[derive(Debug, Serialize)]
pub struct CostOption {
    pub id: Uuid,
    pub service_id: Uuid,
    pub option: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_description: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Organization {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub detail: Option<OrganizationDetail>,
}

/// What a single organization (not a list item) carries besides its own fields.
#[derive(Debug, Serialize)]
pub struct OrganizationDetail {
    pub phones: Vec<Phone>,
    pub organization_identifiers: Vec<OrganizationIdentifier>,
    pub locations: Vec<Location>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub services: Option<Vec<Service>>,
}

#[derive(Debug, Serialize)]
pub struct Service {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub name: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub status: &'static str,
    pub application_process: String,
    pub fees_description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eligibility_description: Option<String>,
    pub last_modified: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<Organization>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub detail: Option<ServiceDetail>,
}

/// The nested parts of a fully shown service.
#[derive(Debug, Serialize)]
pub struct ServiceDetail {
    pub phones: Vec<Phone>,
    pub schedules: Vec<Schedule>,
    pub service_areas: Vec<ServiceArea>,
    pub service_at_locations: Vec<ServiceAtLocation>,
    pub funding: Vec<Funding>,
    pub cost_options: Vec<CostOption>,
    pub attributes: Vec<Attribute>,
}
