//! One error type for handlers. Internal causes are logged, never shown: the response carries
//! only an [`ErrorPage`] marker that the page renderer turns into a Dutch page in the layout.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use time::OffsetDateTime;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("csrf token missing or wrong")]
    Csrf,
    #[error("too many attempts")]
    TooManyRequests { retry_at: OffsetDateTime },
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("payload too large")]
    PayloadTooLarge,
    /// The request was not answered within the time limit.
    #[error("request timed out")]
    Timeout,
    /// Too many password checks at once: the excess is refused quickly rather than queued.
    #[error("too busy")]
    Busy,
    /// A write that collided with another (a unique or foreign key violation) where the form
    /// did not expect it: a double submit, or a record someone else just changed.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

/// Marker on an error response; the page renderer builds the visible page from it.
#[derive(Debug, Clone)]
pub struct ErrorPage {
    pub detail: Option<String>,
    pub retry_at: Option<OffsetDateTime>,
}

impl AppError {
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Forbidden | Self::Csrf => StatusCode::FORBIDDEN,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Timeout => StatusCode::REQUEST_TIMEOUT,
            Self::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut page = ErrorPage {
            detail: None,
            retry_at: None,
        };
        match &self {
            Self::Internal(cause) => tracing::error!(error = %cause, "internal error"),
            Self::Unavailable(cause) => tracing::warn!(error = %cause, "database unavailable"),
            Self::Conflict(cause) => tracing::warn!(error = %cause, "write conflict"),
            Self::BadRequest(message) => page.detail = Some(message.clone()),
            Self::Csrf => {
                page.detail = Some(
                    "Het formulier is verlopen of niet door deze site verstuurd. \
                     Ga terug, laad de pagina opnieuw en probeer het nog eens."
                        .into(),
                )
            }
            Self::TooManyRequests { retry_at } => page.retry_at = Some(*retry_at),
            Self::Busy => {
                page.detail = Some(
                    "Er wordt nu erg vaak tegelijk ingelogd. Probeer het over een paar seconden opnieuw."
                        .into(),
                )
            }
            _ => {}
        }
        let mut response = (status, status.canonical_reason().unwrap_or("")).into_response();
        if let Self::TooManyRequests { retry_at } = &self {
            let seconds = (*retry_at - OffsetDateTime::now_utc())
                .whole_seconds()
                .max(1);
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            let seconds = if matches!(self, Self::Busy) {
                "2"
            } else {
                "10"
            };
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static(seconds));
        }
        response.extensions_mut().insert(page);
        response
    }
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        if is_unavailable(&err) {
            Self::Unavailable(err.to_string())
        } else if is_conflict(&err) {
            Self::Conflict(err.to_string())
        } else {
            Self::Internal(err.to_string())
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(err: askama::Error) -> Self {
        Self::Internal(format!("template: {err}"))
    }
}

/// True when the error means "no database right now" rather than a bug.
pub fn is_unavailable(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => true,
        sqlx::Error::Database(db) => matches!(
            db.code().as_deref(),
            // admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections
            Some("57P01") | Some("57P02") | Some("57P03") | Some("53300")
        ),
        _ => false,
    }
}

/// True for a unique or foreign key violation: two writes collided (a double submit, a record
/// removed or added meanwhile). Forms that expect one handle it themselves; elsewhere it is
/// a 409 page, not a 500.
pub fn is_conflict(err: &sqlx::Error) -> bool {
    match err {
        // unique_violation, foreign_key_violation
        sqlx::Error::Database(db) => matches!(db.code().as_deref(), Some("23505") | Some("23503")),
        _ => false,
    }
}

/// The name of the unique or foreign-key constraint a database error violated, if any.
pub fn violated_constraint(err: &sqlx::Error) -> Option<String> {
    match err {
        sqlx::Error::Database(db) => db.constraint().map(str::to_owned),
        _ => None,
    }
}

pub type AppResult<T> = Result<T, AppError>;
