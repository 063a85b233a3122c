//! `POST /api/v1/webhooks/github` and `POST /api/v1/webhooks/gitlab`: the headers and body of a
//! delivery go to `reviews::webhooks`, which authenticates and stores it. An event kind the
//! server does not use is answered 202, everything else that was accepted 200.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;

use crate::error::Result;
use crate::reviews::webhooks::{
    self, DeliveryReceipt, DeliveryStatus, GithubDelivery, GitlabDelivery,
};
use crate::state::AppState;

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

fn answer(receipt: DeliveryReceipt) -> (StatusCode, Json<DeliveryReceipt>) {
    let status = match receipt.status {
        DeliveryStatus::Ignored => StatusCode::ACCEPTED,
        DeliveryStatus::Processed | DeliveryStatus::Pong | DeliveryStatus::Duplicate => {
            StatusCode::OK
        }
    };
    (status, Json(receipt))
}

/// Counts a delivery for `/metrics`: by what was done with it, or refused (4xx: a bad
/// signature, a malformed body) or failed (5xx).
fn count_delivery(state: &AppState, forge: &str, receipt: &Result<DeliveryReceipt>) {
    let outcome = match receipt {
        Ok(receipt) => match receipt.status {
            DeliveryStatus::Processed => "processed",
            DeliveryStatus::Ignored => "ignored",
            DeliveryStatus::Pong => "pong",
            DeliveryStatus::Duplicate => "duplicate",
        },
        Err(e) if e.status().is_client_error() => "refused",
        Err(_) => "failed",
    };
    state.observability.webhook_delivery(forge, outcome);
}

/// `POST /api/v1/webhooks/github`
#[utoipa::path(
    post,
    path = "/api/v1/webhooks/github",
    tag = "webhooks",
    request_body(content = serde_json::Value, description = "The forge's event, signed with `X-Hub-Signature-256`"),
    responses((status = 200, description = "Stored, or a duplicate or ping", body = DeliveryReceipt), (status = 202, description = "An event kind the server does not use", body = DeliveryReceipt)),
    security(()),
)]
pub(crate) async fn github(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<DeliveryReceipt>)> {
    let delivery = GithubDelivery {
        signature: header(&headers, "x-hub-signature-256"),
        event: header(&headers, "x-github-event"),
        delivery: header(&headers, "x-github-delivery"),
        body: &body,
    };
    let receipt = webhooks::github(&state, delivery).await;
    count_delivery(&state, "github", &receipt);
    Ok(answer(receipt?))
}

/// `POST /api/v1/webhooks/gitlab`
#[utoipa::path(
    post,
    path = "/api/v1/webhooks/gitlab",
    tag = "webhooks",
    request_body(content = serde_json::Value, description = "The forge's event, with `X-Gitlab-Token`"),
    responses((status = 200, description = "Stored, or a duplicate", body = DeliveryReceipt), (status = 202, description = "An event kind the server does not use", body = DeliveryReceipt)),
    security(()),
)]
pub(crate) async fn gitlab(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<DeliveryReceipt>)> {
    let delivery = GitlabDelivery {
        token: header(&headers, "x-gitlab-token"),
        event: header(&headers, "x-gitlab-event"),
        delivery: header(&headers, "x-gitlab-event-uuid"),
        body: &body,
    };
    let receipt = webhooks::gitlab(&state, delivery).await;
    count_delivery(&state, "gitlab", &receipt);
    Ok(answer(receipt?))
}
