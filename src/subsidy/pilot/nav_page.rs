//! The paths the pilot pages take: a pilot year (`{regeling}/{jaar}`) and a monitoring report
//! (`{regeling}`, `{aanbieder}`, `{periode}`).

use crate::error::AppError;
use crate::subsidy::pilot::figures::Period;
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

/// `{regeling}`, optionally `{aanbieder}`, and `{periode}` of a monitoring path.
pub struct ReportPath {
    pub scheme_id: Uuid,
    pub provider_id: Option<Uuid>,
    pub period: Period,
}

impl<S: Send + Sync> FromRequestParts<S> for ReportPath {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(params) = Path::<BTreeMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        let uuid = |k: &str| params.get(k).and_then(|s| Uuid::parse_str(s).ok());
        Ok(ReportPath {
            scheme_id: uuid("regeling").ok_or(AppError::NotFound)?,
            provider_id: match params.get("aanbieder") {
                Some(_) => Some(uuid("aanbieder").ok_or(AppError::NotFound)?),
                None => None,
            },
            period: params
                .get("periode")
                .and_then(|p| Period::parse(p))
                .ok_or(AppError::NotFound)?,
        })
    }
}
