//! Two `agentmeter-server serve` processes on one PostgreSQL database, requests alternating
//! between them as a load balancer would send them: a write through one is in the next report
//! of the other (with a report cache time-to-live far longer than the test), the login throttle
//! counts failures made on both, and a session started on one is valid on the other.
//!
//! PostgreSQL only (several servers on one SQLite file is not a supported setup); skipped when
//! AGENTMETER_TEST_POSTGRES_URL is unset.

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use crate::support::app::{run, server_binary, PASSWORD};
use crate::support::browser::hidden_field;
use crate::support::serve::{start_serve_with, ServeProcess};
use crate::support::Backend;

/// Settings of both instances: reports kept for an hour, so only invalidation can refresh them,
/// and four failed logins per account.
const ENV: &[(&str, &str)] = &[
    ("AGENTMETER_REPORT_CACHE_TTL_SECS", "3600"),
    ("AGENTMETER_LOGIN_MAX_FAILURES_PER_ACCOUNT", "4"),
];

/// Runs the server CLI on `database_url`, asserting success; returns its standard output.
fn server_cli(database_url: &str, args: &[&str], stdin: Option<&str>) -> String {
    let mut all = vec!["--database-url", database_url];
    all.extend_from_slice(args);
    let output = run(server_binary(), &all, stdin, &[]);
    assert!(
        output.status.success(),
        "agentmeter-server {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8 output")
}

/// Creates a user with a password and returns an API token of theirs.
fn add_user(database_url: &str, email: &str, name: &str, role: &str) -> String {
    server_cli(
        database_url,
        &[
            "user",
            "add",
            "--email",
            email,
            "--name",
            name,
            "--role",
            role,
            "--password-stdin",
        ],
        Some(PASSWORD),
    );
    server_cli(database_url, &["token", "create", "--email", email], None)
        .trim()
        .to_owned()
}

/// One event of ada's: 100k input + 20k output tokens of claude-sonnet-4-5.
fn event(key: &str) -> Value {
    json!({"tool": "claude-code", "dedupe_key": key, "session_id": "s-ada",
           "timestamp": "2026-10-05T10:00:00Z", "model": "claude-sonnet-4-5",
           "input_tokens": 100_000, "output_tokens": 20_000})
}

async fn upload(server: &ServeProcess, token: &str, keys: &[&str]) {
    let events: Vec<Value> = keys.iter().map(|k| event(k)).collect();
    let response = Client::new()
        .post(server.url("/api/v1/ingest/usage"))
        .bearer_auth(token)
        .json(&json!({ "events": events }))
        .send()
        .await
        .expect("upload");
    assert_eq!(response.status(), StatusCode::OK);
}

/// ada's October events in the spend report `server` answers.
async fn ada_events(server: &ServeProcess, admin_token: &str) -> i64 {
    let report: Value = Client::new()
        .get(server.url("/api/v1/metrics/spend?from=2026-10-01&to=2026-10-31&group_by=developer"))
        .bearer_auth(admin_token)
        .send()
        .await
        .expect("spend report")
        .json()
        .await
        .expect("JSON report");
    report["groups"]
        .as_array()
        .and_then(|groups| groups.iter().find(|g| g["key"] == "ada"))
        .map_or(0, |ada| ada["events"].as_i64().unwrap_or(-1))
}

/// Posts the login form of `server` (its CSRF token fetched first); returns the status.
async fn login(client: &Client, server: &ServeProcess, email: &str, password: &str) -> StatusCode {
    let form = client
        .get(server.url("/login"))
        .send()
        .await
        .expect("GET /login")
        .text()
        .await
        .expect("login form");
    let csrf = hidden_field(&form, "csrf_token").expect("csrf_token field");
    client
        .post(server.url("/login"))
        .form(&[
            ("email", email),
            ("password", password),
            ("csrf_token", csrf.as_str()),
        ])
        .send()
        .await
        .expect("POST /login")
        .status()
}

async fn data_version(database_url: &str) -> i64 {
    let pool = sqlx::PgPool::connect(database_url).await.expect("connect");
    let version = sqlx::query_scalar("SELECT version FROM data_version WHERE id = 1")
        .fetch_one(&pool)
        .await
        .expect("data version");
    pool.close().await;
    version
}

#[tokio::test]
async fn two_servers_on_one_database_give_the_same_answers() {
    let Some(backend) = Backend::postgres().await else {
        eprintln!("note: AGENTMETER_TEST_POSTGRES_URL not set; skipped");
        return;
    };
    let url = backend.url.clone();
    server_cli(&url, &["migrate"], None);
    let admin = add_user(&url, "admin@example.com", "admin", "admin");
    let ada = add_user(&url, "ada@example.com", "ada", "developer");
    let a = start_serve_with(&url, false, ENV);
    let b = start_serve_with(&url, false, ENV);

    // Both cache the empty report, then each sees the other's uploads at once.
    assert_eq!(ada_events(&a, &admin).await, 0);
    assert_eq!(ada_events(&b, &admin).await, 0);
    upload(&a, &ada, &["e1", "e2"]).await;
    assert_eq!(ada_events(&b, &admin).await, 2, "B sees A's upload");
    assert_eq!(ada_events(&a, &admin).await, 2);
    upload(&b, &ada, &["e3"]).await;
    assert_eq!(ada_events(&a, &admin).await, 3, "A sees B's upload");
    assert_eq!(ada_events(&b, &admin).await, 3);

    // The server CLI moves the version too, for every server.
    let before = data_version(&url).await;
    server_cli(&url, &["team", "add", "Alpha"], None);
    assert_eq!(data_version(&url).await, before + 1);

    // Four failures allowed per account, made on either server; the fifth is refused on both,
    // the right password included.
    let client = Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    for server in [&a, &b, &a, &b] {
        assert_eq!(
            login(&client, server, "ada@example.com", "wrong").await,
            StatusCode::UNAUTHORIZED
        );
    }
    for server in [&a, &b] {
        assert_eq!(
            login(&client, server, "ada@example.com", PASSWORD).await,
            StatusCode::TOO_MANY_REQUESTS
        );
    }

    // A session started on A (the cookie store sends 127.0.0.1's cookies to either port).
    assert_eq!(
        login(&client, &a, "admin@example.com", PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    let me = client
        .get(b.url("/api/v1/me"))
        .send()
        .await
        .expect("GET /api/v1/me on B");
    assert_eq!(me.status(), StatusCode::OK);
    let me: Value = me.json().await.expect("JSON");
    assert_eq!(me["email"], "admin@example.com");
}
