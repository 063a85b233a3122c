//! The agentmeter HTTP API as the CLI uses it: bearer token, gzip JSON batches, bounded retries
//! with exponential backoff on 5xx, timeouts and connection errors, none on 4xx.

use std::io::Write;
use std::time::Duration;

use flate2::write::GzEncoder;
use flate2::Compression;
use reqwest::blocking::{Client, RequestBuilder, Response};
use reqwest::StatusCode;
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::wire::{IngestStatus, Me, RecordError, UsageBatch, UsageBatchReceipt};
use crate::wire_git::{CommitBatch, CommitReceipt};

/// Attempts per request, the first included.
const ATTEMPTS: u32 = 5;

/// A client for one server and token.
pub struct ApiClient {
    base: String,
    token: String,
    http: Client,
    backoff: Duration,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    error: String,
    #[serde(default)]
    records: Vec<RecordError>,
}

impl ApiClient {
    /// `base` without a trailing slash. The first retry waits `AGENTMETER_RETRY_BASE_MS`
    /// (default 500 ms), each next one twice as long.
    pub fn new(base: &str, token: &str) -> Result<Self> {
        let http = Client::builder()
            .timeout(Duration::from_secs(60))
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("agentmeter/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Network(e.to_string()))?;
        let backoff_ms = std::env::var("AGENTMETER_RETRY_BASE_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(500);
        Ok(ApiClient {
            base: base.to_string(),
            token: token.to_string(),
            http,
            backoff: Duration::from_millis(backoff_ms),
        })
    }

    /// `GET /api/v1/me`: checks the token.
    pub fn me(&self) -> Result<Me> {
        let response = self.send(|| self.http.get(format!("{}/api/v1/me", self.base)))?;
        decode(response)
    }

    /// `GET /api/v1/ingest/status`.
    pub fn status(&self) -> Result<IngestStatus> {
        let response =
            self.send(|| self.http.get(format!("{}/api/v1/ingest/status", self.base)))?;
        decode(response)
    }

    /// `POST /api/v1/ingest/usage` with a gzip-compressed JSON batch.
    pub fn post_batch(&self, batch: &UsageBatch) -> Result<UsageBatchReceipt> {
        self.post_gzip_json("/api/v1/ingest/usage", batch)
    }

    /// `POST /api/v1/ingest/commits` with a gzip-compressed JSON batch.
    pub fn post_commits(&self, batch: &CommitBatch) -> Result<CommitReceipt> {
        self.post_gzip_json("/api/v1/ingest/commits", batch)
    }

    /// POSTs `body` as gzip-compressed JSON to `path`, with the retries of every request.
    fn post_gzip_json<B, T>(&self, path: &str, body: &B) -> Result<T>
    where
        B: serde::Serialize,
        T: serde::de::DeserializeOwned,
    {
        let json = serde_json::to_vec(body)
            .map_err(|e| Error::InvalidArgument(format!("cannot encode batch: {e}")))?;
        let mut gz = GzEncoder::new(Vec::with_capacity(json.len() / 8), Compression::default());
        gz.write_all(&json)
            .map_err(|e| Error::Network(e.to_string()))?;
        let body = gz.finish().map_err(|e| Error::Network(e.to_string()))?;
        let response = self.send(|| {
            self.http
                .post(format!("{}{path}", self.base))
                .header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip")
                .body(body.clone())
        })?;
        decode(response)
    }

    fn send(&self, build: impl Fn() -> RequestBuilder) -> Result<Response> {
        let mut wait = self.backoff;
        let mut attempt = 1;
        loop {
            let outcome = build().bearer_auth(&self.token).send();
            let retryable = match &outcome {
                Ok(r) => r.status().is_server_error(),
                Err(e) => e.is_timeout() || e.is_connect() || e.is_request(),
            };
            if !retryable || attempt >= ATTEMPTS {
                return outcome.map_err(|e| Error::Network(with_causes(&e)));
            }
            std::thread::sleep(wait);
            wait *= 2;
            attempt += 1;
        }
    }
}

fn decode<T: serde::de::DeserializeOwned>(response: Response) -> Result<T> {
    let status = response.status();
    if status.is_success() {
        return response.json().map_err(|e| Error::Server {
            status: status.as_u16(),
            message: format!("unexpected answer: {e}"),
        });
    }
    let text = response.text().unwrap_or_default();
    let body: Option<ErrorBody> = serde_json::from_str(&text).ok();
    Err(match status {
        StatusCode::UNAUTHORIZED => Error::Unauthorized,
        StatusCode::PAYLOAD_TOO_LARGE => Error::TooLarge,
        StatusCode::UNPROCESSABLE_ENTITY
            if body.as_ref().is_some_and(|b| !b.records.is_empty()) =>
        {
            Error::Rejected(body.map(|b| b.records).unwrap_or_default())
        }
        _ => Error::Server {
            status: status.as_u16(),
            message: body
                .map(|b| b.error)
                .filter(|m| !m.is_empty())
                .unwrap_or(text),
        },
    })
}

/// An error with the chain of its causes (`error sending request: … : Connection refused`):
/// reqwest's own message leaves out why.
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(e) = cause {
        let more = e.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        cause = e.source();
    }
    text
}
