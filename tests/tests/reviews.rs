//! Review outcomes end to end: signed GitHub and GitLab webhooks, review-skip figures on a
//! hand-built set of pull requests, and commits uploaded from a real git repository.

mod acknowledge_atomically;
mod admin_pages;
mod commits;
mod page_and_acknowledge;
mod self_view;
mod skip_history;
mod skip_rates;
mod webhooks;

use std::path::PathBuf;

use agentmeter_reviews::sign_github;

use crate::support::{Backend, TestApp};

pub const GITHUB_SECRET: &str = "agentmeter-test-secret";
pub const GITLAB_TOKEN: &str = "agentmeter-gitlab-token";

/// The app with global GitHub and GitLab webhook secrets configured.
pub async fn spawn_with_secrets(backend: Backend) -> TestApp {
    TestApp::spawn_with(backend, |settings| {
        settings.github_webhook_secret = Some(GITHUB_SECRET.to_owned().into());
        settings.gitlab_webhook_token = Some(GITLAB_TOKEN.to_owned().into());
    })
    .await
}

/// A fixture of the reviews crate, as bytes.
pub fn fixture(forge: &str, name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../server/reviews/tests/fixtures")
        .join(forge)
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// A fixture parsed, to be changed in memory.
pub fn fixture_json(forge: &str, name: &str) -> serde_json::Value {
    serde_json::from_slice(&fixture(forge, name)).expect("fixture is JSON")
}

/// Posts a GitHub delivery; `signature` None sends no signature header.
pub async fn post_github(
    app: &TestApp,
    event: &str,
    delivery: &str,
    body: &[u8],
    signature: Option<String>,
) -> (u16, serde_json::Value) {
    let mut request = reqwest::Client::new()
        .post(app.url("/api/v1/webhooks/github"))
        .header("content-type", "application/json")
        .header("x-github-event", event)
        .header("x-github-delivery", delivery)
        .body(body.to_vec());
    if let Some(signature) = signature {
        request = request.header("x-hub-signature-256", signature);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
    )
}

/// Posts a GitHub delivery signed with the global secret, asserting it is accepted.
pub async fn deliver(
    app: &TestApp,
    event: &str,
    delivery: &str,
    body: &serde_json::Value,
) -> serde_json::Value {
    let bytes = serde_json::to_vec(body).expect("json");
    let (status, reply) = post_github(
        app,
        event,
        delivery,
        &bytes,
        Some(sign_github(GITHUB_SECRET.as_bytes(), &bytes)),
    )
    .await;
    assert!(
        status == 200 || status == 202,
        "{event} {delivery}: {status} {reply}"
    );
    reply
}

/// Posts a GitLab delivery with an optional token and event UUID.
pub async fn post_gitlab(
    app: &TestApp,
    body: &[u8],
    token: Option<&str>,
    uuid: &str,
) -> (u16, serde_json::Value) {
    let mut request = reqwest::Client::new()
        .post(app.url("/api/v1/webhooks/gitlab"))
        .header("content-type", "application/json")
        .header("x-gitlab-event", "Merge Request Hook")
        .header("x-gitlab-event-uuid", uuid)
        .body(body.to_vec());
    if let Some(token) = token {
        request = request.header("x-gitlab-token", token);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
    )
}

/// Rows in a table, read straight from the database.
pub async fn count(app: &TestApp, table: &str) -> i64 {
    let row: (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(&app.sql)
        .await
        .expect("count");
    row.0
}
