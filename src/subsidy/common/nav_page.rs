//! What the subsidy pages share to find their way: the ids of a route's path, the sections'
//! addresses, the confirmation shown after a redirect, and the 422 of a form sent back.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::response::Response;
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::{AppError, AppResult};
use crate::subsidy::common::store::Round;

/// `/{tenant}/regelingen`
pub fn schemes_base(user: &CurrentUser) -> String {
    user.href(Section::Schemes.path())
}

pub fn round_href(user: &CurrentUser, round: &Round) -> String {
    format!(
        "{}/{}/rondes/{}",
        schemes_base(user),
        round.scheme_id,
        round.round_id
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct NoticeQuery {
    #[serde(default)]
    pub melding: Option<String>,
}

/// A confirmation after a redirect (`?melding=...`), from a fixed list.
pub fn notice(query: &NoticeQuery) -> Option<&'static str> {
    match query.melding.as_deref()? {
        "besloten" => Some("Het onderdeel is besloten. De rangschikking is vastgelegd."),
        "aanvulling" => Some("Om aanvulling gevraagd. De aanvrager kan de aanvraag nu aanvullen."),
        "opgeslagen" => Some("Opgeslagen."),
        "rapportage" => Some("Uw rapportage is ingediend."),
        "beoordeeld" => Some("De rapportage is beoordeeld."),
        "verdeling" => Some("De verdeling is als nieuwe versie vastgelegd."),
        "ingediend" => Some("Uw aanvraag is ingediend."),
        "ingetrokken" => Some("De aanvraag is ingetrokken."),
        "verklaring" => Some("Uw verklaring is vastgelegd."),
        "scores" => Some("Uw scores zijn opgeslagen."),
        "document" => Some("Het document is toegevoegd."),
        "verwijderd" => Some("Het document is verwijderd."),
        "verdaagd" => {
            Some("De beslissing is verdaagd. De aanvragers vinden het bericht bij hun aanvraag.")
        }
        _ => None,
    }
}

pub fn with_422(mut response: Response) -> Response {
    *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    response
}

/// `/{tenant}/regelingen/{regeling}/pilot`
pub fn pilot_href(user: &CurrentUser, scheme_id: Uuid) -> String {
    format!("{}/{scheme_id}/pilot", schemes_base(user))
}

/// `/{tenant}/aanvragen`
pub fn portal_base(user: &CurrentUser) -> String {
    user.href(Section::Applications.path())
}

/// `/{tenant}/beoordelen`
pub fn assessment_base(user: &CurrentUser) -> String {
    user.href(Section::Assessment.path())
}

/// The organisation whose applications this user makes; every aanbieder user has one.
pub fn own_provider(user: &CurrentUser) -> AppResult<Uuid> {
    user.provider_id.ok_or(AppError::Forbidden)
}

/// The UUIDs of a subsidy route's path (`{regeling}`, `{ronde}`, `{onderdeel}`, `{id}`,
/// `{document}`): anything that is not a UUID is simply not found.
pub struct Ids(Vec<(String, Uuid)>);

impl Ids {
    /// The UUID of path parameter `name`; the router guarantees it exists.
    pub fn get(&self, name: &str) -> Uuid {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| *v)
            .unwrap_or_else(Uuid::nil)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ids {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(params) = Path::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        params
            .into_iter()
            .filter(|(k, _)| k != "tenant")
            .map(|(k, v)| Uuid::parse_str(&v).map(|id| (k, id)))
            .collect::<Result<Vec<_>, _>>()
            .map(Ids)
            .map_err(|_| AppError::NotFound)
    }
}
