//! `agentmeter-server user list|deactivate|reactivate|set-role` and `team list`, run as the real
//! binary on the server's own database: a deactivated user is locked out (tokens, sessions,
//! password login) while their history stays and is labelled.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::app::PASSWORD;
use crate::support::{for_each_backend, BrowserSession, TestApp, TestUser};

/// Runs the server CLI, asserting success, and parses its standard output as JSON.
fn cli_json(app: &TestApp, args: &[&str]) -> Value {
    let output = app.server_cli(args, None);
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

/// Runs the server CLI expecting a refusal; returns its standard error.
fn cli_refused(app: &TestApp, args: &[&str]) -> String {
    let output = app.server_cli(args, None);
    assert!(!output.status.success(), "{args:?} should be refused");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn user<'a>(listing: &'a Value, email: &str) -> &'a Value {
    listing
        .as_array()
        .and_then(|users| users.iter().find(|u| u["email"] == email))
        .unwrap_or_else(|| panic!("no user {email} in {listing}"))
}

async fn status_with_token(app: &TestApp, user: &TestUser) -> StatusCode {
    app.get(user, "/api/v1/me").await.status()
}

async fn status_with_session(app: &TestApp, session: &BrowserSession) -> StatusCode {
    session
        .client
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .expect("GET /api/v1/me")
        .status()
}

/// ada's two uploaded events: 100k input + 20k output tokens of claude-sonnet-4-5 each,
/// $0.30 + $0.30 = $0.60 each, $1.20 in all.
async fn upload_ada_usage(app: &TestApp, ada: &TestUser) {
    let event = |key: &str, at: &str| {
        json!({"tool": "claude-code", "dedupe_key": key, "session_id": "s-ada", "timestamp": at,
               "model": "claude-sonnet-4-5", "input_tokens": 100_000, "output_tokens": 20_000,
               "project": "shop", "repository": "github.com/acme/shop"})
    };
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/ingest/usage"))
        .bearer_auth(&ada.token)
        .json(&json!({"events": [event("p1", "2026-10-05T10:00:00Z"), event("p2", "2026-10-06T10:00:00Z")]}))
        .send()
        .await
        .expect("upload");
    assert_eq!(response.status(), StatusCode::OK);
}

/// ada's October spend as the admin API reports it: (thousandths of a dollar, events).
async fn ada_october_spend(app: &TestApp, admin: &TestUser) -> (i64, i64) {
    let report = app
        .get_json(
            admin,
            "/api/v1/metrics/spend?from=2026-10-01&to=2026-10-31&group_by=developer",
        )
        .await;
    let ada = report["groups"]
        .as_array()
        .and_then(|groups| groups.iter().find(|g| g["key"] == "ada"))
        .unwrap_or_else(|| panic!("no group ada in {report}"));
    (
        (ada["cost_usd"].as_f64().unwrap_or(f64::NAN) * 1000.0).round() as i64,
        ada["events"].as_i64().unwrap_or(-1),
    )
}

#[tokio::test]
async fn a_deactivated_user_is_locked_out_but_keeps_their_labelled_history_until_reactivated() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        app.add_team("Alpha").await;
        let admin = app.add_user("admin@example.com", "admin", &[]).await;
        let ada = app
            .add_user("ada@example.com", "developer", &["Alpha"])
            .await;
        app.add_user("bob@example.com", "developer", &[]).await;
        upload_ada_usage(&app, &ada).await;
        let ada_session = BrowserSession::sign_in(&app, "ada@example.com", PASSWORD).await;
        assert_eq!(
            status_with_session(&app, &ada_session).await,
            StatusCode::OK
        );

        let listing = cli_json(&app, &["user", "list", "--json"]);
        assert_eq!(listing.as_array().map(Vec::len), Some(3));
        assert_eq!(
            user(&listing, "ada@example.com"),
            &json!({"email": "ada@example.com", "name": "ada", "role": "developer",
                    "teams": ["Alpha"], "active": true, "deactivated_at": null})
        );

        let deactivated = cli_json(&app, &["user", "deactivate", "ada@example.com", "--json"]);
        assert_eq!(deactivated["active"], false);
        assert!(deactivated["deactivated_at"].is_string(), "{deactivated}");
        assert_eq!(
            status_with_token(&app, &ada).await,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            status_with_session(&app, &ada_session).await,
            StatusCode::UNAUTHORIZED
        );
        // The right password is refused exactly as a wrong one is.
        let refused = BrowserSession::new()
            .submit_login(&app, "ada@example.com", PASSWORD)
            .await;
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
        assert!(refused
            .text()
            .await
            .expect("body")
            .contains("Invalid email or password."));

        assert_eq!(ada_october_spend(&app, &admin).await, (1200, 2));
        let admin_session = BrowserSession::sign_in(&app, "admin@example.com", PASSWORD).await;
        let users_page = admin_session
            .client
            .get(app.url("/admin/users"))
            .send()
            .await
            .expect("GET /admin/users")
            .text()
            .await
            .expect("body");
        assert!(users_page.contains("ada (deactivated)"), "{users_page}");
        let text = app.server_cli(&["user", "list"], None);
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(
            text.lines()
                .any(|l| l == "ada@example.com\tada\tdeveloper\tAlpha\tdeactivated"),
            "{text}"
        );

        let reactivated = cli_json(&app, &["user", "reactivate", "ada@example.com", "--json"]);
        assert_eq!(
            (
                reactivated["active"].clone(),
                reactivated["deactivated_at"].clone()
            ),
            (json!(true), Value::Null)
        );
        assert_eq!(status_with_token(&app, &ada).await, StatusCode::OK);
        BrowserSession::sign_in(&app, "ada@example.com", PASSWORD).await;
    })
    .await;
}

#[tokio::test]
async fn roles_change_from_the_cli_and_the_last_admin_can_neither_leave_nor_be_demoted() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        app.add_team("Alpha").await;
        app.add_team("Beta").await;
        app.add_user("admin@example.com", "admin", &[]).await;
        let ada = app
            .add_user("ada@example.com", "developer", &["Alpha"])
            .await;
        app.add_user("bob@example.com", "developer", &[]).await;

        assert!(
            cli_refused(&app, &["user", "deactivate", "admin@example.com"])
                .contains("last active admin")
        );
        assert!(cli_refused(
            &app,
            &["user", "set-role", "admin@example.com", "developer"]
        )
        .contains("last active admin"));
        assert!(
            cli_refused(&app, &["user", "set-role", "bob@example.com", "manager"])
                .contains("at least one team")
        );
        assert!(
            cli_refused(&app, &["user", "set-role", "bob@example.com", "owner"]).contains("owner")
        );
        assert!(
            cli_refused(&app, &["user", "deactivate", "nobody@example.com"])
                .contains("nobody@example.com")
        );

        let promoted = cli_json(
            &app,
            &["user", "set-role", "ada@example.com", "manager", "--json"],
        );
        assert_eq!(promoted["role"], "manager");
        let me = app.get_json(&ada, "/api/v1/me").await;
        assert_eq!(me["role"], "manager");
        assert_eq!(
            cli_json(&app, &["team", "list", "--json"]),
            json!([{"name": "Alpha", "members": 1, "managers": ["ada"]},
                   {"name": "Beta", "members": 0, "managers": []}])
        );

        // With a second admin, the first may step down.
        cli_json(
            &app,
            &["user", "set-role", "bob@example.com", "admin", "--json"],
        );
        let demoted = cli_json(
            &app,
            &[
                "user",
                "set-role",
                "admin@example.com",
                "developer",
                "--json",
            ],
        );
        assert_eq!(demoted["role"], "developer");
        let roles: Vec<(String, String)> = cli_json(&app, &["user", "list", "--json"])
            .as_array()
            .expect("array")
            .iter()
            .map(|u| {
                (
                    u["email"].as_str().unwrap_or("").to_owned(),
                    u["role"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect();
        assert_eq!(
            roles,
            [
                ("ada@example.com", "manager"),
                ("admin@example.com", "developer"),
                ("bob@example.com", "admin")
            ]
            .map(|(e, r)| (e.to_owned(), r.to_owned()))
        );
    })
    .await;
}
