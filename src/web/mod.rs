//! Shared web plumbing: layout, error pages, headers, request log, assets, probes.

pub mod assets;
pub mod body_read;
pub mod client;
pub mod csv_out;
pub mod headers;
pub mod health;
pub mod layout;
pub mod limits;
pub mod map;
pub mod observe;
pub mod request_info;
pub mod spool;
pub mod time_fmt;
pub mod upload;

use axum::extract::FromRequestParts;
use axum::extract::Path;
use axum::http::request::Parts;
use uuid::Uuid;

use crate::error::AppError;
pub use client::ClientAddr;

/// The `?melding=` a page is sent to after a change (303 See Other): which message it shows.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Notice {
    pub melding: Option<String>,
}

/// The `{id}` of a tenant route; anything that is not a UUID is simply not found.
pub struct PathId(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(params) = Path::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        params
            .iter()
            .find(|(k, _)| k == "id")
            .and_then(|(_, v)| Uuid::parse_str(v).ok())
            .map(PathId)
            .ok_or(AppError::NotFound)
    }
}
