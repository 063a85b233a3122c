//! One real call of every operation of the JSON API on the demo organisation, with valid
//! parameters and the status it must answer. What a call needs (a plan, a library item and its
//! versions, an alert webhook) is made first through the API itself.

use std::io::Write;

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{TestApp, TestUser};

/// An id nothing has: operations on a failed delivery or send answer 404 with the error body.
const NO_SUCH_ID: i64 = 999_999;

pub(super) enum Body {
    Empty,
    Json(Value),
    Bytes(Vec<u8>),
}

pub(super) struct Call {
    pub method: Method,
    /// The document's path, under /api/v1.
    pub template: &'static str,
    /// The path called, with its parameters.
    pub path: String,
    pub body: Body,
    pub expect: u16,
    /// Sent without the admin's token (public operations).
    pub anonymous: bool,
}

fn call(method: Method, template: &'static str, path: impl Into<String>, expect: u16) -> Call {
    Call {
        method,
        template,
        path: path.into(),
        body: Body::Empty,
        expect,
        anonymous: false,
    }
}

impl Call {
    fn json(mut self, body: Value) -> Call {
        self.body = Body::Json(body);
        self
    }

    fn anonymous(mut self) -> Call {
        self.anonymous = true;
        self
    }

    /// Sends the call as the demo admin; the status and body text.
    pub async fn send(&self, app: &TestApp, admin: &TestUser) -> (u16, String) {
        let mut request = reqwest::Client::new().request(
            self.method.clone(),
            app.url(&format!("/api/v1{}", self.path)),
        );
        if !self.anonymous {
            request = request.bearer_auth(&admin.token);
        }
        request = match &self.body {
            Body::Empty => request,
            Body::Json(value) => request.json(value),
            Body::Bytes(bytes) => request.body(bytes.clone()),
        };
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }
}

/// A skill folder as a .zip.
fn skill_zip(name: &str, body: &str) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    writer
        .start_file("SKILL.md", zip::write::SimpleFileOptions::default())
        .expect("zip entry");
    let skill =
        format!("---\nname: {name}\ndescription: A skill of the OpenAPI test.\n---\n{body}\n");
    writer.write_all(skill.as_bytes()).expect("zip write");
    writer.finish().expect("zip").into_inner()
}

/// Sends `call` and returns its JSON answer; panics unless it answers `call.expect`.
async fn setup(app: &TestApp, admin: &TestUser, call: Call) -> Value {
    let (status, body) = call.send(app, admin).await;
    assert_eq!(
        status, call.expect,
        "setup {} {}: {body}",
        call.method, call.path
    );
    serde_json::from_str(&body).unwrap_or(Value::Null)
}

fn id_at(value: &Value, pointer: &str) -> i64 {
    value
        .pointer(pointer)
        .and_then(Value::as_i64)
        .unwrap_or_else(|| panic!("no id at {pointer} in {value}"))
}

/// A library item published by the admin, its version 1 pending review, and a second version
/// published on top of it.
async fn library_item(app: &TestApp, admin: &TestUser) -> i64 {
    let publish = |body: &str| Call {
        body: Body::Bytes(skill_zip("openapi-check", body)),
        ..call(Method::POST, "/library/items", "/library/items", 201)
    };
    let first = setup(app, admin, publish("First")).await;
    setup(app, admin, publish("Second")).await;
    id_at(&first, "/item_id")
}

/// Every operation of the document, in an order where each finds what it needs.
pub(super) async fn every_operation(app: &TestApp, admin: &TestUser) -> Vec<Call> {
    use Method as M;
    // A demo developer: their seat, their commit, an unmatched identity mapped to them.
    let developer = agentmeter_seeds::org::DEVELOPERS[0].email();
    let plan = json!({"vendor": "Anthropic", "name": "OpenAPI check", "kind": "flat",
        "usd_per_seat_month": 20.0, "limit_5h_usd": null, "limit_week_usd": null,
        "valid_from": null, "valid_to": null});
    let plan_id = id_at(
        &setup(
            app,
            admin,
            call(M::POST, "/plans", "/plans", 201).json(plan.clone()),
        )
        .await,
        "/id",
    );
    let item = library_item(app, admin).await;
    let webhook = setup(
        app,
        admin,
        call(M::POST, "/alerts/webhooks", "/alerts/webhooks", 201)
            .json(json!({"url": "https://hooks.example.com/agentmeter"})),
    )
    .await;
    let webhook = id_at(&webhook, "/id");
    let identities = setup(app, admin, call(M::GET, "/identities", "/identities", 200)).await;
    let identity_match = match identities.pointer("/0/id").and_then(Value::as_i64) {
        Some(id) => call(
            M::POST,
            "/identities/{id}/match",
            format!("/identities/{id}/match"),
            200,
        ),
        None => call(
            M::POST,
            "/identities/{id}/match",
            format!("/identities/{NO_SUCH_ID}/match"),
            404,
        ),
    };
    let repository = "github.com%2Fopenapi-check%2Fapi";
    let usage = json!({"events": [{"tool": "claude-code", "dedupe_key": "openapi:1",
        "session_id": "s1", "timestamp": "2026-11-02T10:00:00Z", "model": "claude-sonnet-4-5",
        "input_tokens": 10, "output_tokens": 5}]});
    let commits = json!({"commits": [{"repository": "github.com/openapi-check/api",
        "sha": "abcdef0", "author_email": developer, "author_name": "Admin",
        "authored_at": "2026-11-02T10:00:00Z", "committed_at": "2026-11-02T10:00:00Z",
        "lines": {"added": 2, "removed": 1, "test_added": 1, "test_removed": 0}}]});
    let versions = format!("/library/items/{item}/versions");

    vec![
        call(M::GET, "/openapi.json", "/openapi.json", 200).anonymous(),
        call(M::GET, "/me", "/me", 200),
        call(M::GET, "/teams", "/teams", 200),
        call(M::GET, "/me/notifications", "/me/notifications", 200),
        call(M::PUT, "/me/notifications", "/me/notifications", 200)
            .json(json!({"monthly_cost_report": true})),
        call(M::POST, "/ingest/usage", "/ingest/usage", 200).json(usage),
        call(M::GET, "/ingest/status", "/ingest/status", 200),
        call(M::POST, "/ingest/commits", "/ingest/commits", 200).json(commits),
        call(
            M::GET,
            "/metrics/spend",
            "/metrics/spend?group_by=team",
            200,
        ),
        call(
            M::GET,
            "/metrics/spend",
            "/metrics/spend?group_by=model&compare=previous-period",
            200,
        ),
        call(M::GET, "/metrics/plans", "/metrics/plans", 200),
        call(M::GET, "/metrics/adoption", "/metrics/adoption", 200),
        call(
            M::GET,
            "/metrics/productivity",
            "/metrics/productivity",
            200,
        ),
        call(M::GET, "/metrics/activity", "/metrics/activity", 200),
        call(M::GET, "/plans", "/plans", 200),
        call(M::POST, "/plans", "/plans", 201).json(plan.clone()),
        call(M::PUT, "/plans/{id}", format!("/plans/{plan_id}"), 200).json(plan),
        call(M::GET, "/plans/policy", "/plans/policy", 200),
        call(M::PUT, "/plans/policy", "/plans/policy", 200).json(json!({"vendors": [
            {"vendor": "Anthropic", "allow_pay_as_you_go": true,
             "plans": [{"name": "Claude Pro", "min_seats": 1}]}]})),
        call(
            M::PUT,
            "/users/{email}/plan",
            format!("/users/{developer}/plan"),
            200,
        )
        .json(json!({"vendor": "Anthropic", "plan_id": plan_id})),
        call(M::GET, "/reviews/summary", "/reviews/summary", 200),
        call(M::GET, "/reviews/alerts", "/reviews/alerts", 200),
        call(
            M::POST,
            "/reviews/alerts/{repository}/{number}/acknowledge",
            format!("/reviews/alerts/{repository}/{NO_SUCH_ID}/acknowledge"),
            404,
        )
        .json(json!({"reviewer": developer})),
        call(
            M::GET,
            "/reviews/pull-requests",
            "/reviews/pull-requests",
            200,
        ),
        call(M::GET, "/repositories", "/repositories", 200),
        call(
            M::PUT,
            "/repositories/{repository}/critical-paths",
            format!("/repositories/{repository}/critical-paths"),
            200,
        )
        .json(json!({"globs": ["src/auth/**"]})),
        call(
            M::GET,
            "/repositories/{repository}/critical-paths",
            format!("/repositories/{repository}/critical-paths"),
            200,
        ),
        call(
            M::PUT,
            "/repositories/{repository}/webhook-secret",
            format!("/repositories/{repository}/webhook-secret"),
            200,
        )
        .json(json!({"secret": "openapi-check-secret"})),
        call(M::GET, "/audit", "/audit?page=1", 200),
        call(M::GET, "/identities", "/identities", 200),
        identity_match.json(json!({"user": developer})),
        // Unsigned deliveries: refused with the error body.
        call(M::POST, "/webhooks/github", "/webhooks/github", 401)
            .json(json!({}))
            .anonymous(),
        call(M::POST, "/webhooks/gitlab", "/webhooks/gitlab", 401)
            .json(json!({}))
            .anonymous(),
        Call {
            body: Body::Bytes(skill_zip("openapi-other", "Other")),
            ..call(M::POST, "/library/items", "/library/items", 201)
        },
        call(M::GET, "/library/items", "/library/items", 200),
        call(
            M::GET,
            "/library/items/{id}",
            format!("/library/items/{item}"),
            200,
        ),
        call(
            M::GET,
            "/library/items/{id}/versions/{version}",
            format!("{versions}/2"),
            200,
        ),
        call(M::GET, "/library/pending", "/library/pending", 200),
        call(
            M::POST,
            "/library/items/{id}/versions/{version}/approve",
            format!("{versions}/1/approve"),
            200,
        )
        .json(json!({"note": "fine"})),
        call(
            M::POST,
            "/library/items/{id}/versions/{version}/reject",
            format!("{versions}/2/reject"),
            200,
        )
        .json(json!({"note": "not yet"})),
        call(M::GET, "/library/marketplace", "/library/marketplace", 200),
        call(M::POST, "/library/installs", "/library/installs", 200)
            .json(json!({"version_ids": []})),
        call(
            M::POST,
            "/library/items/{id}/withdraw",
            format!("/library/items/{item}/withdraw"),
            204,
        ),
        call(M::PUT, "/budgets", "/budgets", 204)
            .json(json!({"basis": "api_equivalent", "monthly_usd": 5000.0})),
        call(M::GET, "/budgets", "/budgets", 200),
        call(M::DELETE, "/budgets", "/budgets", 204),
        call(M::GET, "/alerts", "/alerts", 200),
        call(M::GET, "/alerts/rules", "/alerts/rules", 200),
        call(M::PUT, "/alerts/rules", "/alerts/rules", 204)
            .json(json!({"kind": "budget_actual_80", "enabled": true})),
        call(M::GET, "/alerts/webhooks", "/alerts/webhooks", 200),
        call(M::POST, "/alerts/webhooks", "/alerts/webhooks", 201)
            .json(json!({"url": "https://hooks.example.com/other", "format": "json"})),
        call(
            M::DELETE,
            "/alerts/webhooks/{id}",
            format!("/alerts/webhooks/{webhook}"),
            204,
        ),
        call(M::GET, "/alerts/deliveries", "/alerts/deliveries", 200),
        call(
            M::PUT,
            "/alerts/deliveries/{id}/resend",
            format!("/alerts/deliveries/{NO_SUCH_ID}/resend"),
            404,
        ),
        call(
            M::GET,
            "/cost-reports/preview",
            "/cost-reports/preview",
            200,
        ),
        call(
            M::GET,
            "/cost-reports/recipients",
            "/cost-reports/recipients",
            200,
        ),
        call(M::GET, "/cost-reports/sends", "/cost-reports/sends", 200),
        call(
            M::PUT,
            "/cost-reports/sends/{id}/resend",
            format!("/cost-reports/sends/{NO_SUCH_ID}/resend"),
            404,
        ),
    ]
}
