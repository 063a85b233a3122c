//! Metrics end to end: usage and commits uploaded through the real ingest endpoints, figures
//! read back from `/api/v1/metrics/*` and checked against values computed by hand.
//!
//! Prices (ingest/data/model-prices): claude-sonnet-4-5 $3 / $15 per million input / output
//! tokens, claude-opus-4-8 $25 per million output, gpt-5 $1.25 / $10.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::app::PASSWORD;
use crate::support::{for_each_backend, BrowserSession, TestApp, TestUser};

async fn send(
    app: &TestApp,
    user: &TestUser,
    method: reqwest::Method,
    path: &str,
    body: &Value,
) -> (StatusCode, Value) {
    let response = reqwest::Client::new()
        .request(method, app.url(path))
        .bearer_auth(&user.token)
        .json(body)
        .send()
        .await
        .expect("request");
    let status = response.status();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// One usage event; `key` makes it unique, `at` is RFC 3339.
fn event(key: &str, at: &str, model: &str, input: u64, output: u64) -> Value {
    let tool = if model.starts_with("gpt") {
        "codex"
    } else {
        "claude-code"
    };
    json!({"tool": tool, "dedupe_key": key, "session_id": format!("s-{}", &at[..10]), "timestamp": at, "model": model,
           "input_tokens": input, "output_tokens": output, "project": "shop", "repository": "github.com/acme/shop"})
}

async fn upload(app: &TestApp, user: &TestUser, events: Vec<Value>) {
    let (status, body) = send(
        app,
        user,
        reqwest::Method::POST,
        "/api/v1/ingest/usage",
        &json!({"events": events}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "upload: {body}");
}

fn group<'a>(report: &'a Value, key: &str) -> &'a Value {
    report["groups"]
        .as_array()
        .and_then(|g| g.iter().find(|g| g["key"] == key))
        .unwrap_or_else(|| panic!("no group {key} in {report}"))
}

/// Dollars as whole tenths of a cent (exact for every figure here).
fn mills(value: &Value) -> i64 {
    (value.as_f64().unwrap_or(f64::NAN) * 1000.0).round() as i64
}

struct Org {
    admin: TestUser,
    manager: TestUser,
    ada: TestUser,
    bob: TestUser,
    _cyd: TestUser,
}

/// Alpha: ada (and its manager); Beta: bob; cyd (Alpha) never uses an assistant.
async fn org(app: &TestApp) -> Org {
    app.add_team("Alpha").await;
    app.add_team("Beta").await;
    Org {
        admin: app.add_user("admin@example.com", "admin", &[]).await,
        manager: app
            .add_user("manager@example.com", "manager", &["Alpha"])
            .await,
        ada: app
            .add_user("ada@example.com", "developer", &["Alpha"])
            .await,
        bob: app
            .add_user("bob@example.com", "developer", &["Beta"])
            .await,
        _cyd: app
            .add_user("cyd@example.com", "developer", &["Alpha"])
            .await,
    }
}

/// Berlin org. ada: $0.60 on 10 Sep; 22:30 UTC on 30 Sep (1 Oct in Berlin) $0.60; two events on
/// 5 Oct, one later re-uploaded larger ($0.60 -> $0.90). bob: gpt-5 $0.225 and an unpriced model.
async fn spend_org(app: &TestApp) -> Org {
    let org = org(app).await;
    let sonnet = |key: &str, at: &str| event(key, at, "claude-sonnet-4-5", 100_000, 20_000); // $0.30 + $0.30
    upload(
        app,
        &org.ada,
        vec![
            sonnet("a1", "2026-09-10T10:00:00Z"),
            sonnet("a2", "2026-09-30T22:30:00Z"),
            sonnet("a3", "2026-10-05T10:00:00Z"),
            sonnet("a4", "2026-10-05T10:20:00Z"),
        ],
    )
    .await;
    // A larger copy of a4 (an interrupted log re-read): 40k output tokens, $0.30 + $0.60.
    upload(
        app,
        &org.ada,
        vec![event(
            "a4",
            "2026-10-05T10:20:00Z",
            "claude-sonnet-4-5",
            100_000,
            40_000,
        )],
    )
    .await;
    upload(
        app,
        &org.bob,
        vec![
            event("b1", "2026-10-07T09:00:00Z", "gpt-5", 100_000, 10_000), // $0.125 + $0.10
            event("b2", "2026-10-08T09:00:00Z", "mystery-model-1", 1_000, 0),
        ],
    )
    .await;
    org
}

#[tokio::test]
async fn spend_is_summed_per_developer_team_and_model_to_the_cent_in_the_org_time_zone() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn_with(backend, |s| s.org_timezone = "Europe/Berlin".into()).await;
        let org = spend_org(&app).await;
        let october = "from=2026-10-01&to=2026-10-31";

        let by_dev = app
            .get_json(
                &org.admin,
                &format!("/api/v1/metrics/spend?{october}&group_by=developer"),
            )
            .await;
        assert_eq!(
            (
                mills(&group(&by_dev, "ada")["cost_usd"]),
                group(&by_dev, "ada")["events"].as_i64()
            ),
            (2100, Some(3))
        );
        assert_eq!(mills(&group(&by_dev, "bob")["cost_usd"]), 225);
        assert_eq!(group(&by_dev, "bob")["unknown_cost_events"], 1);
        assert_eq!(group(&by_dev, "bob")["unknown_cost_tokens"], 1_000);
        assert_eq!(mills(&by_dev["total"]["cost_usd"]), 2325);

        let by_team = app
            .get_json(
                &org.admin,
                &format!("/api/v1/metrics/spend?{october}&group_by=team"),
            )
            .await;
        assert_eq!(
            (
                mills(&group(&by_team, "Alpha")["cost_usd"]),
                mills(&group(&by_team, "Beta")["cost_usd"])
            ),
            (2100, 225)
        );

        let by_model = app
            .get_json(
                &org.admin,
                &format!("/api/v1/metrics/spend?{october}&group_by=model"),
            )
            .await;
        assert_eq!(
            mills(&group(&by_model, "claude-sonnet-4-5")["cost_usd"]),
            2100
        );
        assert_eq!(
            group(&by_model, "mystery-model-1")["unknown_cost_events"],
            1
        );

        let codex_only = app
            .get_json(
                &org.admin,
                &format!("/api/v1/metrics/spend?{october}&group_by=tool&tool=codex"),
            )
            .await;
        assert_eq!(codex_only["groups"].as_array().map(Vec::len), Some(1));
        assert_eq!(mills(&codex_only["total"]["cost_usd"]), 225);
    })
    .await;
}

#[tokio::test]
async fn an_upload_shows_in_the_very_next_report_and_page_even_with_reports_cached() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn_with(backend, |s| {
            s.org_timezone = "Europe/Berlin".into();
            // Far longer than the test: only the upload itself can make the reports move.
            s.report_cache_ttl_secs = 3600;
        })
        .await;
        let org = spend_org(&app).await;
        let session = BrowserSession::sign_in(&app, &org.admin.email, PASSWORD).await;
        let report = "/api/v1/metrics/spend?from=2026-10-01&to=2026-10-31&group_by=developer";
        let bob_on_page = || async {
            let csv = session
                .client
                .get(app.url(
                    "/spend?from=2026-10-01&to=2026-10-31&format=csv&table=spend-by-developer",
                ))
                .send()
                .await
                .expect("GET /spend")
                .text()
                .await
                .expect("body");
            let spend = csv
                .lines()
                .find_map(|line| line.strip_prefix("bob,"))
                .and_then(|rest| rest.split(',').next())
                .and_then(|usd| usd.parse::<f64>().ok())
                .unwrap_or_else(|| panic!("no spend for bob in {csv}"));
            (spend * 1000.0).round() as i64
        };
        for _ in 0..2 {
            let before = app.get_json(&org.admin, report).await;
            assert_eq!(mills(&group(&before, "bob")["cost_usd"]), 225);
            assert_eq!(bob_on_page().await, 225);
        }

        upload(
            &app,
            &org.bob,
            vec![event(
                "b3",
                "2026-10-09T09:00:00Z",
                "gpt-5",
                100_000,
                10_000,
            )],
        )
        .await;

        let after = app.get_json(&org.admin, report).await;
        assert_eq!(mills(&group(&after, "bob")["cost_usd"]), 450, "{after}");
        assert_eq!(bob_on_page().await, 450);
    })
    .await;
}

#[tokio::test]
async fn month_over_month_compares_whole_local_months() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn_with(backend, |s| s.org_timezone = "Europe/Berlin".into()).await;
        let org = spend_org(&app).await;
        let report = app
            .get_json(
                &org.admin,
                "/api/v1/metrics/spend?from=2026-09-01&to=2026-10-31&group_by=month",
            )
            .await;
        assert_eq!(
            (
                mills(&group(&report, "2026-09")["cost_usd"]),
                mills(&group(&report, "2026-10")["cost_usd"])
            ),
            (600, 2325)
        );
        let october = &report["months"][1];
        assert_eq!(october["month"], "2026-10");
        // (2.325 / 0.60 - 1) * 100 would read +287.5 %: no change is given on a base under $10.
        assert_eq!(october["change_pct"], Value::Null, "September cost $0.60");
        assert_eq!(
            report["months"][0]["change_pct"],
            Value::Null,
            "August cost nothing"
        );
    })
    .await;
}

#[tokio::test]
async fn a_half_hour_time_zone_puts_an_event_after_local_midnight_on_the_next_day() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn_with(backend, |s| s.org_timezone = "Asia/Kolkata".into()).await;
        let org = org(&app).await;
        // 18:20 UTC is 23:50 in Kolkata; 18:40 UTC is 00:10 the next day: the same UTC hour.
        upload(
            &app,
            &org.ada,
            vec![
                event(
                    "k1",
                    "2026-10-05T18:20:00Z",
                    "claude-sonnet-4-5",
                    100_000,
                    20_000,
                ),
                event(
                    "k2",
                    "2026-10-05T18:40:00Z",
                    "claude-sonnet-4-5",
                    100_000,
                    0,
                ),
            ],
        )
        .await;
        let report = app
            .get_json(
                &org.admin,
                "/api/v1/metrics/spend?from=2026-10-05&to=2026-10-06&group_by=day",
            )
            .await;
        assert_eq!(
            (
                mills(&group(&report, "2026-10-05")["cost_usd"]),
                mills(&group(&report, "2026-10-06")["cost_usd"])
            ),
            (600, 300)
        );
    })
    .await;
}

#[tokio::test]
async fn spend_rejects_an_unknown_grouping_and_a_malformed_date_with_400() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let org = org(&app).await;
        for query in [
            "group_by=planet",
            "from=2026-13-01",
            "from=2026-10-02&to=2026-10-01",
            "tool=cursor",
        ] {
            let response = app
                .get(&org.admin, &format!("/api/v1/metrics/spend?{query}"))
                .await;
            assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        }
        let response = app
            .get(
                &org.admin,
                "/api/v1/metrics/productivity?baseline_weeks=zero",
            )
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    })
    .await;
}

mod plan_policy;
mod plans;
mod rollup;
mod spend_comparison;
