//! `POST /api/v1/webhooks/github` and `POST /api/v1/webhooks/gitlab`: authenticated by the
//! repository's secret (else the global one), idempotent on the delivery id, each event stored
//! and its pull request reclassified.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use secrecy::ExposeSecret;
use serde::Serialize;
use sha2::{Digest, Sha256};

use agentmeter_reviews::{
    normalize_remote_url, parse_github_event, parse_gitlab_event, verify_github_signature,
    verify_gitlab_token, ReviewPolicy, ReviewsError, WebhookEvent,
};

use super::apply;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store::{repositories, webhooks};

/// What the server did with a delivery.
#[derive(Debug, Serialize)]
pub struct DeliveryReceipt {
    /// `processed`, `ignored`, `pong` or `duplicate`.
    pub status: &'static str,
    pub event: String,
    pub delivery: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// The repository a payload names, read before authentication only to choose the secret.
fn repository_of(body: &[u8], object: &str, fields: &[&str]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let repo = value.get(object)?;
    fields
        .iter()
        .filter_map(|f| repo.get(*f)?.as_str())
        .find_map(normalize_remote_url)
}

fn unauthorized(e: ReviewsError) -> Error {
    tracing::warn!(error = %e, "webhook refused");
    Error::Unauthorized
}

/// The secret for `repository`: its own, else the one set on the admin page, else the settings'.
async fn secret_for(
    db: &Db,
    provider: &str,
    repository: Option<&str>,
    configured: Option<&str>,
) -> Result<Option<String>> {
    if let Some(name) = repository {
        if let Some(secret) = repositories::secret_of(db, name).await? {
            return Ok(Some(secret));
        }
    }
    if let Some(global) = webhooks::global_secret(db, provider).await? {
        return Ok(Some(global.secret));
    }
    Ok(configured.filter(|s| !s.is_empty()).map(str::to_owned))
}

fn body_key(body: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(body)))
}

/// `POST /api/v1/webhooks/github`.
pub async fn github(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<DeliveryReceipt>)> {
    let repository = repository_of(&body, "repository", &["html_url", "clone_url", "url"]);
    let configured = state
        .settings
        .github_webhook_secret
        .as_ref()
        .map(|s| s.expose_secret().to_owned());
    let secret = secret_for(
        &state.db,
        "github",
        repository.as_deref(),
        configured.as_deref(),
    )
    .await?
    .ok_or_else(|| unauthorized(ReviewsError::SignatureMismatch))?;
    verify_github_signature(
        secret.as_bytes(),
        &body,
        header(&headers, "x-hub-signature-256"),
    )
    .map_err(unauthorized)?;
    let event_name = header(&headers, "x-github-event")
        .ok_or_else(|| Error::BadRequest("missing X-GitHub-Event header".into()))?
        .to_owned();
    let delivery =
        header(&headers, "x-github-delivery").map_or_else(|| body_key(&body), str::to_owned);
    let event =
        parse_github_event(&event_name, &body).map_err(|e| Error::BadRequest(e.to_string()))?;
    handle(&state, "github", event_name, delivery, repository, event).await
}

/// `POST /api/v1/webhooks/gitlab`.
pub async fn gitlab(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<DeliveryReceipt>)> {
    let repository = repository_of(
        &body,
        "project",
        &["web_url", "git_http_url", "git_ssh_url"],
    );
    let configured = state
        .settings
        .gitlab_webhook_token
        .as_ref()
        .map(|s| s.expose_secret().to_owned());
    let token = secret_for(
        &state.db,
        "gitlab",
        repository.as_deref(),
        configured.as_deref(),
    )
    .await?
    .ok_or_else(|| unauthorized(ReviewsError::SignatureMismatch))?;
    verify_gitlab_token(&token, header(&headers, "x-gitlab-token")).map_err(unauthorized)?;
    let delivery =
        header(&headers, "x-gitlab-event-uuid").map_or_else(|| body_key(&body), str::to_owned);
    let event_name = header(&headers, "x-gitlab-event")
        .unwrap_or("gitlab")
        .to_owned();
    let event = parse_gitlab_event(&body).map_err(|e| Error::BadRequest(e.to_string()))?;
    handle(&state, "gitlab", event_name, delivery, repository, event).await
}

/// The review policy (rubber-stamp thresholds N and M) in force.
pub fn policy(state: &AppState) -> ReviewPolicy {
    ReviewPolicy {
        rubber_stamp_minutes: state.settings.rubber_stamp_minutes,
        rubber_stamp_lines: state.settings.rubber_stamp_lines,
    }
}

async fn handle(
    state: &AppState,
    provider: &str,
    event_name: String,
    delivery: String,
    repository: Option<String>,
    event: WebhookEvent,
) -> Result<(StatusCode, Json<DeliveryReceipt>)> {
    let db = &state.db;
    let receipt = |status: &'static str| DeliveryReceipt {
        status,
        event: event_name.clone(),
        delivery: delivery.clone(),
        repository: repository.clone(),
    };
    if webhooks::delivery_seen(db, provider, &delivery).await? {
        return Ok((StatusCode::OK, Json(receipt("duplicate"))));
    }
    let policy = policy(state);
    let (code, status) = match &event {
        WebhookEvent::Ping(_) => (StatusCode::OK, "pong"),
        WebhookEvent::Ignored(_) => (StatusCode::ACCEPTED, "ignored"),
        WebhookEvent::PullRequest(pr) => {
            apply::pull_request(db, pr, &policy).await?;
            (StatusCode::OK, "processed")
        }
        WebhookEvent::Review(review) => {
            apply::review(db, review, &policy).await?;
            (StatusCode::OK, "processed")
        }
        WebhookEvent::Push(push) => {
            apply::push(db, push, &policy).await?;
            (StatusCode::OK, "processed")
        }
    };
    let repository_id = match (&event, repository.as_deref()) {
        (WebhookEvent::Ignored(_), _) | (_, None) => None,
        (_, Some(name)) => Some(repositories::ensure(db, name, provider).await?),
    };
    if !webhooks::record_delivery(db, provider, &delivery, &event_name, repository_id).await? {
        return Ok((StatusCode::OK, Json(receipt("duplicate"))));
    }
    tracing::info!(provider, event = %event_name, %delivery, status, "webhook delivery handled");
    Ok((code, Json(receipt(status))))
}
