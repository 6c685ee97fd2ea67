//! The path of a pilot year (`{regeling}/{jaar}`) as the pilot pages take it.

use crate::error::AppError;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use std::collections::BTreeMap;
use uuid::Uuid;

/// `{regeling}` and `{jaar}` of a pilot year's path; anything else is not found.
pub struct PilotYear {
    pub scheme_id: Uuid,
    pub year: i32,
}

impl<S: Send + Sync> FromRequestParts<S> for PilotYear {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(params) = Path::<BTreeMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        let scheme_id = params
            .get("regeling")
            .and_then(|s| Uuid::parse_str(s).ok())
            .ok_or(AppError::NotFound)?;
        let year = params
            .get("jaar")
            .and_then(|s| s.parse::<i32>().ok())
            .ok_or(AppError::NotFound)?;
        Ok(PilotYear { scheme_id, year })
    }
}
