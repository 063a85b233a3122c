//! The crate's one error type, and its mapping to HTTP responses.
//!
//! API routes answer JSON `{"error": "..."}`; page routes turn the same errors into an HTML page
//! (see `routes::pages::render_errors`). A 500 never shows its cause: it is logged once, here.
//! Load is not a fault: a database that is busy or a pool with no connection free answers 503
//! with a `Retry-After`, and so does anything else that asks the client to come back shortly.

use axum::extract::rejection;
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
    Database(sqlx::Error),
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
    #[error("the server is busy; retry in {retry_after_secs} s")]
    Busy { retry_after_secs: u64 },
    /// A request refused before its handler ran (malformed JSON, a bad query string, a wrong
    /// content type…), with the status and reason axum's extractors gave.
    #[error("{message}")]
    Rejected { status: StatusCode, message: String },
    /// A fault of ours, with its cause chain (`anyhow`'s `.context()`), logged once when answered.
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

/// How long a client should wait after the database was too busy to answer.
pub const BUSY_RETRY_AFTER_SECS: u64 = 2;

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
            Error::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Error::Rejected { status, .. } => *status,
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
        if self.is_fault() {
            "internal server error".to_owned()
        } else {
            self.to_string()
        }
    }

    /// A server fault, as opposed to a refusal or to load: its cause is logged, never shown.
    fn is_fault(&self) -> bool {
        self.status().is_server_error() && !matches!(self, Error::Busy { .. })
    }

    /// Seconds the client should wait before trying again, for the errors that say so.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Error::TooManyRequests { retry_after_secs } | Error::Busy { retry_after_secs } => {
                Some(*retry_after_secs)
            }
            _ => None,
        }
    }

    /// A refusal by one of axum's extractors, router or layers, with the status and reason it
    /// gave; an over-long body says so in our words.
    pub fn rejected(status: StatusCode, reason: String) -> Error {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            Error::PayloadTooLarge
        } else {
            Error::Rejected {
                status,
                message: reason,
            }
        }
    }

    /// The same answer for another request that waited on the one which met this error (one
    /// report computed for several readers): load and refusals keep their status, message and
    /// `Retry-After`; a fault keeps its description for the log.
    pub fn replicate(&self) -> Error {
        match self {
            Error::Busy { retry_after_secs } => Error::Busy {
                retry_after_secs: *retry_after_secs,
            },
            Error::TooManyRequests { retry_after_secs } => Error::TooManyRequests {
                retry_after_secs: *retry_after_secs,
            },
            e if e.is_fault() => Error::Internal(anyhow::anyhow!("{e}")),
            e => Error::Rejected {
                status: e.status(),
                message: e.public_message(),
            },
        }
    }

    /// A uniqueness violation becomes a 409 naming what already exists.
    pub fn conflict_if_unique(err: sqlx::Error, what: &str) -> Error {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                Error::Conflict(format!("{what} already exists"))
            }
            _ => Error::from(err),
        }
    }
}

/// An over-long or unreadable body, for a handler that answers it in a format of its own (OTLP)
/// and so takes `Result<Bytes, BytesRejection>` instead of `Bytes`.
impl From<rejection::BytesRejection> for Error {
    fn from(rejection: rejection::BytesRejection) -> Error {
        Error::rejected(rejection.status(), rejection.body_text())
    }
}

impl From<agentmeter_metrics::MetricsError> for Error {
    /// The engine's refusal of the request's parameters, or of a date it cannot place on a
    /// calendar, is the caller's (400): stored times were validated when they arrived, so only a
    /// requested date can be out of range. Anything else the engine meets is ours (500).
    fn from(err: agentmeter_metrics::MetricsError) -> Error {
        use agentmeter_metrics::MetricsError;
        match err {
            MetricsError::InvalidParams(message) => Error::BadRequest(message),
            MetricsError::TimeOutOfRange(_) => Error::BadRequest(err.to_string()),
            MetricsError::Polars(_) | MetricsError::Catalog { .. } => {
                Error::Internal(anyhow::Error::new(err).context("metrics engine"))
            }
        }
    }
}

impl From<sqlx::Error> for Error {
    /// A database error, or [`Error::Busy`] when it only says the database is under load.
    fn from(err: sqlx::Error) -> Error {
        if is_overload(&err) {
            tracing::warn!(error = %err, "database busy; answering 503");
            Error::Busy {
                retry_after_secs: BUSY_RETRY_AFTER_SECS,
            }
        } else {
            Error::Database(err)
        }
    }
}

/// True for errors that load causes and that a retry a moment later would not meet: no pooled
/// connection free in time, SQLite's single writer still busy after `busy_timeout`, PostgreSQL
/// out of connection slots, or a connection lost under the request (PostgreSQL restarting or
/// failing over, a backend terminated, a network cut): the pool opens a fresh one next time.
fn is_overload(err: &sqlx::Error) -> bool {
    /// SQLITE_BUSY and SQLITE_LOCKED; extended codes keep the primary one in their low byte.
    const SQLITE_BUSY: i32 = 5;
    const SQLITE_LOCKED: i32 = 6;
    /// PostgreSQL's too_many_connections.
    const PG_TOO_MANY_CONNECTIONS: &str = "53300";
    /// admin_shutdown, crash_shutdown, cannot_connect_now.
    const PG_SHUTTING_DOWN: [&str; 3] = ["57P01", "57P02", "57P03"];
    /// Class 08, connection exceptions.
    const PG_CONNECTION_EXCEPTION: &str = "08";
    match err {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                let primary = code.parse::<i32>().map_or(0, |c| c & 0xff);
                primary == SQLITE_BUSY || primary == SQLITE_LOCKED
            } else {
                code == PG_TOO_MANY_CONNECTIONS
                    || PG_SHUTTING_DOWN.contains(&code.as_ref())
                    || code.starts_with(PG_CONNECTION_EXCEPTION)
            }
        }
        _ => false,
    }
}

/// The body of every error the JSON API answers.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ErrorBody<'a> {
    /// What went wrong, for a person to read.
    error: String,
    /// On a 422 of an upload: each bad record and why.
    #[serde(skip_serializing_if = "<[RecordError]>::is_empty")]
    #[schema(value_type = Option<Vec<RecordError>>)]
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
        if self.is_fault() {
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
        if let Some(secs) = self.retry_after_secs() {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
            .extensions_mut()
            .insert(ErrorForPage { status, message });
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use sqlx::{Connection, Executor};

    async fn body_of(response: Response) -> serde_json::Value {
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .expect("body");
        serde_json::from_slice(&bytes).expect("JSON body")
    }

    #[tokio::test]
    async fn a_pool_with_no_free_connection_answers_503_with_retry_after() {
        let error = Error::from(sqlx::Error::PoolTimedOut);
        let response = error.into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            response.headers().get(header::RETRY_AFTER),
            Some(&HeaderValue::from(BUSY_RETRY_AFTER_SECS))
        );
        let body = body_of(response).await;
        assert_eq!(body["error"], "the server is busy; retry in 2 s");
    }

    #[tokio::test]
    async fn a_sqlite_database_locked_by_another_writer_is_busy_not_a_fault() {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite:{}?mode=rwc", dir.path().join("locked.db").display());
        let mut writer = sqlx::SqliteConnection::connect(&url).await.expect("writer");
        let mut other = sqlx::SqliteConnection::connect(&url).await.expect("other");
        writer
            .execute("PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER)")
            .await
            .expect("schema");
        other
            .execute("PRAGMA busy_timeout = 0")
            .await
            .expect("pragma");
        writer.execute("BEGIN IMMEDIATE").await.expect("begin");

        let refused = other
            .execute("INSERT INTO t VALUES (1)")
            .await
            .expect_err("the other writer holds the lock");

        let error = Error::from(refused);
        assert_eq!(error.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(error.retry_after_secs(), Some(BUSY_RETRY_AFTER_SECS));
    }

    #[tokio::test]
    async fn a_postgres_connection_terminated_under_a_query_is_busy_not_a_fault() {
        let Ok(url) = std::env::var("AGENTMETER_TEST_POSTGRES_URL") else {
            eprintln!("note: AGENTMETER_TEST_POSTGRES_URL not set; PostgreSQL-only test skipped");
            return;
        };
        let mut victim = sqlx::PgConnection::connect(&url).await.expect("victim");
        let mut admin = sqlx::PgConnection::connect(&url).await.expect("admin");
        let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
            .fetch_one(&mut victim)
            .await
            .expect("pid");
        sqlx::query("SELECT pg_terminate_backend($1)")
            .bind(pid)
            .execute(&mut admin)
            .await
            .expect("terminate");

        let lost = victim
            .execute("SELECT 1")
            .await
            .expect_err("the connection was terminated");

        let error = Error::from(lost);
        assert_eq!(error.status(), StatusCode::SERVICE_UNAVAILABLE, "{error}");
    }

    #[tokio::test]
    async fn other_database_errors_stay_opaque_500s() {
        let error = Error::from(sqlx::Error::RowNotFound);
        assert_eq!(error.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = body_of(error.into_response()).await;
        assert_eq!(body["error"], "internal server error");
    }

    #[test]
    fn a_replicated_refusal_keeps_its_status_and_message() {
        let copy = Error::NotFound("team x".into()).replicate();
        assert_eq!(
            (copy.status(), copy.public_message()),
            (StatusCode::NOT_FOUND, "team x not found".to_owned())
        );
        let busy = Error::Busy {
            retry_after_secs: 3,
        }
        .replicate();
        assert_eq!(busy.retry_after_secs(), Some(3));
    }
}
