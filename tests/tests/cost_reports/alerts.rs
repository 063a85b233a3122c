//! Alerts reach a local webhook receiver once, signed: a team over its budget and a critical
//! AI-assisted PR merged unreviewed today, checked twice (as two scheduler rounds would).
//!
//! liwei (Platform) used claude-sonnet-4-5 two minutes ago: 300k output at $15 a million = $4.50, against
//! Platform's $4.00 API-equivalent budget: 112.5 %.

use chrono::{Duration, Utc};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

use agentmeter_server::admin::{self, AddUser};
use agentmeter_server::alerts;

use super::webhook_receiver::{Received, WebhookReceiver};
use crate::reviews::{deliver, fixture_json, spawn_with_secrets};
use crate::support::{for_each_backend, TestApp, TestUser};

const CLAUDE_BODY: &str =
    "Adds it.\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)";

pub(super) async fn send(
    app: &TestApp,
    user: &TestUser,
    method: reqwest::Method,
    path: &str,
    body: Value,
) -> (u16, Value) {
    let response = reqwest::Client::new()
        .request(method, app.url(path))
        .bearer_auth(&user.token)
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// A pull request on the reviews fixtures' repository, opened and merged `minutes_ago`, with
/// a commit pushed to its branch that touches `file`; nobody reviews it.
async fn merge_unreviewed(app: &TestApp, number: u64, author: &str, file: &str) {
    let merged = (Utc::now() - Duration::minutes(10)).to_rfc3339();
    let created = (Utc::now() - Duration::minutes(60)).to_rfc3339();
    let account = json!({"login": author, "id": 4242, "type": "User"});
    let pull = |action: &str| {
        let mut d = fixture_json("github", "pull_request.opened.json");
        d["action"] = json!(action);
        let pr = &mut d["pull_request"];
        pr["number"] = json!(number);
        pr["html_url"] = json!(format!(
            "https://github.com/Codertocat/Hello-World/pull/{number}"
        ));
        pr["user"] = account.clone();
        pr["head"]["ref"] = json!(format!("pr{number}"));
        pr["base"]["ref"] = json!("master");
        pr["created_at"] = json!(created);
        pr["body"] = json!(CLAUDE_BODY);
        pr["title"] = json!("Add the ledger table");
        let closing = action == "closed";
        pr["merged"] = json!(closing);
        pr["state"] = json!(if closing { "closed" } else { "open" });
        pr["merged_at"] = json!(closing.then(|| merged.clone()));
        pr["closed_at"] = json!(closing.then(|| merged.clone()));
        pr["additions"] = json!(12);
        pr["deletions"] = json!(0);
        d["sender"] = account.clone();
        d
    };
    deliver(
        app,
        "pull_request",
        &format!("open-{number}"),
        &pull("opened"),
    )
    .await;
    let mut push = fixture_json("github", "push.json");
    let sha = format!("{:040x}", number * 7919);
    push["ref"] = json!(format!("refs/heads/pr{number}"));
    push["after"] = json!(sha);
    push["repository"]["pushed_at"] = json!((Utc::now() - Duration::minutes(30)).timestamp());
    let commit = json!({"id": sha, "tree_id": sha, "distinct": true, "message": "Ledger",
        "timestamp": created, "url": "https://github.com/Codertocat/Hello-World/commit/x",
        "author": {"name": author, "email": format!("{author}@example.com"), "username": author},
        "committer": {"name": author, "email": format!("{author}@example.com"), "username": author},
        "added": [file], "removed": [], "modified": []});
    push["commits"] = json!([commit.clone()]);
    push["head_commit"] = commit;
    deliver(app, "push", &format!("push-{number}"), &push).await;
    deliver(
        app,
        "pull_request",
        &format!("merge-{number}"),
        &pull("closed"),
    )
    .await;
}

fn valid_signature(secret: &str, received: &Received) -> bool {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("hmac key");
    mac.update(&received.body);
    let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    received.header("x-agentmeter-signature-256") == expected
}

#[tokio::test]
async fn alerts_reach_the_webhook_once_each_with_a_valid_signature() {
    for_each_backend(|backend| async move {
        let app = spawn_with_secrets(backend).await;
        let receiver = WebhookReceiver::start().await;
        let slack = WebhookReceiver::start().await;
        app.add_team("Platform").await;
        let root = app.add_user("root@example.com", "admin", &[]).await;
        app.add_user("ana@example.com", "manager", &["Platform"]).await;
        let liwei_request = AddUser {
            email: "liwei@example.com".into(),
            name: "Li Wei".into(),
            role: "developer".into(),
            teams: vec!["Platform".into()],
            github: Some("liwei".into()),
            ..AddUser::default()
        };
        admin::add_user(&app.db, liwei_request).await.expect("liwei");
        let liwei = TestUser {
            token: admin::create_token(&app.db, "liwei@example.com", None).await.expect("token"),
            email: "liwei@example.com".into(),
        };
        let just_now = (Utc::now() - Duration::minutes(2)).to_rfc3339();
        let usage = json!({"events": [{"tool": "claude-code", "dedupe_key": "l1", "session_id": "s1",
            "timestamp": just_now, "model": "claude-sonnet-4-5", "input_tokens": 0, "output_tokens": 300_000}]});
        let (status, body) = send(&app, &liwei, reqwest::Method::POST, "/api/v1/ingest/usage", usage).await;
        assert_eq!(status, 200, "{body}");
        let budget = json!({"team": "Platform", "basis": "api_equivalent", "monthly_usd": 4.0});
        assert_eq!(send(&app, &root, reqwest::Method::PUT, "/api/v1/budgets", budget).await.0, 204);
        // Only the kinds this test expects: the forecast depends on the day of the month.
        for kind in ["budget_forecast_over", "budget_actual_80"] {
            let off = json!({"kind": kind, "enabled": false});
            assert_eq!(send(&app, &root, reqwest::Method::PUT, "/api/v1/alerts/rules", off).await.0, 204);
        }
        let globs = json!({"globs": ["migrations/**"]});
        let path = "/api/v1/repositories/github.com%2Fcodertocat%2Fhello-world/critical-paths";
        let (status, body) = send(&app, &root, reqwest::Method::PUT, path, globs).await;
        assert_eq!(status, 200, "{body}");
        merge_unreviewed(&app, 77, "liwei", "migrations/0007_ledger.sql").await;

        let (status, created) = send(&app, &root, reqwest::Method::POST, "/api/v1/alerts/webhooks",
            json!({"url": receiver.url, "format": "json"})).await;
        assert_eq!(status, 201, "{created}");
        let secret = created["secret"].as_str().expect("the secret, once").to_owned();
        let (status, _) = send(&app, &root, reqwest::Method::POST, "/api/v1/alerts/webhooks",
            json!({"url": slack.url, "format": "slack"})).await;
        assert_eq!(status, 201);

        // Two rounds, as two scheduler ticks (or two servers) would run them.
        for _ in 0..2 {
            alerts::run_checks(&app.state, Utc::now(), false).await.expect("checks");
            alerts::deliver_due(&app.state, None, "test").await.expect("deliveries");
        }

        let got = receiver.received();
        let mut kinds: Vec<String> = got.iter().map(|r| r.json()["kind"].as_str().unwrap_or("").to_owned()).collect();
        kinds.sort();
        assert_eq!(kinds, ["budget_actual_100", "critical_pr_unreviewed"], "{}", app.backend);
        for request in &got {
            assert!(valid_signature(&secret, request), "{}: bad signature", app.backend);
            let body = request.json();
            assert_eq!(request.header("x-agentmeter-event"), body["kind"].as_str().unwrap_or(""));
            assert_eq!(request.header("content-type"), "application/json");
        }
        let budget_alert = got.iter().map(Received::json).find(|b| b["kind"] == "budget_actual_100").expect("budget");
        assert_eq!(budget_alert["subject"], "team:1");
        assert!(budget_alert["detail"].as_str().unwrap_or("").contains("$4.50 of $4.00 (112.5%)"), "{budget_alert}");
        let pr_alert = got.iter().map(Received::json).find(|b| b["kind"] == "critical_pr_unreviewed").expect("pr");
        assert_eq!(pr_alert["subject"], "pr:github.com/codertocat/hello-world#77");
        let slack_texts: Vec<String> = slack.received().iter().map(|r| r.json()["text"].as_str().unwrap_or("").to_owned()).collect();
        assert_eq!(slack_texts.len(), 2, "{slack_texts:?}");
        assert!(slack_texts.iter().any(|t| t.starts_with("*Platform is over its")), "{slack_texts:?}");

        let history = app.get_json(&root, "/api/v1/alerts").await;
        assert_eq!(history.as_array().map(Vec::len), Some(2), "{history}");
        let deliveries = app.get_json(&root, "/api/v1/alerts/deliveries").await;
        let statuses: Vec<&str> = deliveries.as_array().expect("rows").iter().map(|d| d["status"].as_str().unwrap_or("")).collect();
        assert_eq!(statuses, ["sent"; 4]);
    })
    .await;
}
