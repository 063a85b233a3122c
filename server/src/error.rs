//! The crate's one error type, and its mapping to HTTP responses.
//!
//! API routes answer JSON `{"error": "..."}`; page routes turn the same errors into an HTML page
//! (see `routes::pages::render_errors`). A 500 never shows its cause: it is logged once, here.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use agentmeter_ingest::wire::RecordError;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("configuration: {0}")]
    Config(String),
    #[error("cannot read {path}: {source}")]
    ConfigRead {
        path: String,
        source: std::io::Error,
    },
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    BadRequest(String),
    #[error("authentication required")]
    Unauthorized,
    #[error("invalid email or password")]
    InvalidCredentials,
    #[error("the form expired or did not come from this site; reload the page and try again")]
    Csrf,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{message}")]
    Unprocessable {
        message: String,
        records: Vec<RecordError>,
    },
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("too many attempts; retry in {retry_after_secs} s")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("internal error: {0}")]
    Internal(String),
}

/// Shorthand used at startup, where the error is printed, never sent.
pub type StartupError = Error;

impl Error {
    pub fn status(&self) -> StatusCode {
        match self {
            Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::Unauthorized | Error::InvalidCredentials => StatusCode::UNAUTHORIZED,
            Error::Csrf | Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::Conflict(_) => StatusCode::CONFLICT,
            Error::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Error::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Error::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::Config(_)
            | Error::ConfigRead { .. }
            | Error::Database(_)
            | Error::Migrate(_)
            | Error::Io(_)
            | Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What the client may see: the message, except for server faults.
    pub fn public_message(&self) -> String {
        if self.status().is_server_error() {
            "internal server error".to_owned()
        } else {
            self.to_string()
        }
    }

    /// A uniqueness violation becomes a 409 naming what already exists.
    pub fn conflict_if_unique(err: sqlx::Error, what: &str) -> Error {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                Error::Conflict(format!("{what} already exists"))
            }
            _ => Error::Database(err),
        }
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: String,
    #[serde(skip_serializing_if = "<[RecordError]>::is_empty")]
    records: &'a [RecordError],
}

/// Marks a response as an error so page routes can re-render it as HTML.
#[derive(Clone, Debug)]
pub struct ErrorForPage {
    pub status: StatusCode,
    pub message: String,
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let message = self.public_message();
        let records: &[RecordError] = match &self {
            Error::Unprocessable { records, .. } => records,
            _ => &[],
        };
        let mut response = (
            status,
            Json(ErrorBody {
                error: message.clone(),
                records,
            }),
        )
            .into_response();
        if let Error::TooManyRequests { retry_after_secs } = self {
            if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response
            .extensions_mut()
            .insert(ErrorForPage { status, message });
        response
    }
}
