//! The API's edges: JSON errors, the open CORS policy, and the one layer that puts both on
//! every response of `/api/hsds/…` (rejections and 405s of axum included).

use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::error::AppError;

pub type ApiResult<T> = Result<T, ApiError>;

/// What went wrong, as the client may see it. Internal causes are logged where they happen.
#[derive(Debug)]
pub enum ApiError {
    BadRequest(String),
    NotFound,
    Unavailable,
    Internal,
}

impl ApiError {
    pub fn bad(message: impl Into<String>) -> Self {
        Self::BadRequest(message.into())
    }

    fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// The message for a status without a message of its own.
fn default_message(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "Niet gevonden.",
        StatusCode::METHOD_NOT_ALLOWED => "Deze API kent alleen GET (en OPTIONS).",
        StatusCode::SERVICE_UNAVAILABLE => {
            "De database is even niet bereikbaar. Probeer het over een minuut opnieuw."
        }
        s if s.is_server_error() => "Er ging iets mis aan onze kant.",
        _ => "Ongeldig verzoek.",
    }
}

pub fn error_body(status: StatusCode, message: &str) -> Response {
    let mut response = (
        status,
        Json(json!({ "error": message, "status": status.as_u16() })),
    )
        .into_response();
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("10"));
    }
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        match self {
            Self::BadRequest(message) => error_body(status, &message),
            _ => error_body(status, default_message(status)),
        }
    }
}

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        match err {
            AppError::NotFound => Self::NotFound,
            AppError::BadRequest(message) => Self::BadRequest(message),
            AppError::Unavailable(cause) => {
                tracing::warn!(error = %cause, "hsds: database unavailable");
                Self::Unavailable
            }
            other => {
                tracing::error!(error = %other, "hsds: internal error");
                Self::Internal
            }
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(err: sqlx::Error) -> Self {
        AppError::from(err).into()
    }
}

/// Every route of the API: preflight answered here, errors without a JSON body given one
/// (axum's own rejections and 405s), and `Access-Control-Allow-Origin: *` on everything.
pub async fn edges(req: Request, next: Next) -> Response {
    let mut response = if req.method() == Method::OPTIONS {
        let mut preflight = StatusCode::NO_CONTENT.into_response();
        let headers = preflight.headers_mut();
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, HEAD, OPTIONS"),
        );
        let asked = req
            .headers()
            .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
            .cloned();
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            asked.unwrap_or(HeaderValue::from_static("*")),
        );
        headers.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("86400"),
        );
        headers.insert(
            header::ALLOW,
            HeaderValue::from_static("GET, HEAD, OPTIONS"),
        );
        preflight
    } else {
        next.run(req).await
    };
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if (status.is_client_error() || status.is_server_error()) && !is_json {
        let allow = response.headers().get(header::ALLOW).cloned();
        response = error_body(status, default_message(status));
        if let Some(allow) = allow {
            response.headers_mut().insert(header::ALLOW, allow);
        }
    }
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

/// Any other path under `/api/hsds`.
pub async fn not_found() -> ApiError {
    ApiError::NotFound
}
