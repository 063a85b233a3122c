//! Review-skip figures through `/api/v1/reviews/summary` on a hand-built set of pull requests,
//! each chosen for one rule: self-approval, post-merge approval, dismissed review, rubber stamp,
//! proper approval; AI-assisted by body, commit trailer or assistant session; critical or not.

use agentmeter_server::admin::{self, AddUser};
use serde_json::{json, Value};

use super::{deliver, fixture_json, spawn_with_secrets};
use crate::support::{for_each_backend, TestApp, TestUser};

const CLAUDE_BODY: &str =
    "Adds it.\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)";

/// A user with a GitHub login and an API token.
async fn developer(app: &TestApp, login: &str, teams: &[&str]) -> TestUser {
    let email = format!("{login}@example.com");
    let request = AddUser {
        email: email.clone(),
        name: login.into(),
        role: "developer".into(),
        teams: teams.iter().map(|t| t.to_string()).collect(),
        github: Some(login.into()),
        ..AddUser::default()
    };
    admin::add_user(&app.db, request).await.expect("user");
    TestUser {
        token: admin::create_token(&app.db, &email, Some("test"))
            .await
            .expect("token"),
        email,
    }
}

fn account(login: &str) -> Value {
    let id = login.bytes().map(u64::from).sum::<u64>() * 1000;
    json!({"login": login, "id": id, "type": "User"})
}

/// A pull request as GitHub sends it; `merged_at` Some makes it a merged `closed` delivery.
struct Pr {
    number: u64,
    author: &'static str,
    created: &'static str,
    merged: Option<&'static str>,
    additions: u64,
    body: &'static str,
}

impl Pr {
    fn fill(&self, pr: &mut Value) {
        pr["number"] = json!(self.number);
        pr["html_url"] = json!(format!(
            "https://github.com/Codertocat/Hello-World/pull/{}",
            self.number
        ));
        pr["user"] = account(self.author);
        pr["head"]["ref"] = json!(format!("pr{}", self.number));
        pr["base"]["ref"] = json!("master");
        pr["created_at"] = json!(self.created);
        pr["body"] = json!(self.body);
        pr["title"] = json!(format!("Change {}", self.number));
    }

    fn payload(&self, action: &str) -> Value {
        let mut d = fixture_json("github", "pull_request.opened.json");
        d["action"] = json!(action);
        self.fill(&mut d["pull_request"]);
        let merged = action == "closed";
        let pr = &mut d["pull_request"];
        pr["merged"] = json!(merged);
        pr["state"] = json!(if merged { "closed" } else { "open" });
        pr["merged_at"] = json!(if merged { self.merged } else { None });
        pr["closed_at"] = json!(if merged { self.merged } else { None });
        pr["additions"] = json!(self.additions);
        pr["deletions"] = json!(0);
        d["sender"] = account(self.author);
        d
    }

    fn review(&self, action: &str, id: u64, reviewer: &str, state: &str, at: &str) -> Value {
        let mut d = fixture_json("github", "pull_request_review.submitted.json");
        d["action"] = json!(action);
        self.fill(&mut d["pull_request"]);
        d["review"]["id"] = json!(id);
        d["review"]["user"] = account(reviewer);
        d["review"]["state"] = json!(state);
        d["review"]["submitted_at"] = json!(at);
        d["sender"] = account(reviewer);
        d
    }

    fn push(&self, epoch_secs: i64, file: &str, message: &str) -> Value {
        let mut d = fixture_json("github", "push.json");
        let sha = format!("{:040x}", self.number * 1_000_003 + epoch_secs as u64);
        d["ref"] = json!(format!("refs/heads/pr{}", self.number));
        d["after"] = json!(sha);
        d["repository"]["pushed_at"] = json!(epoch_secs);
        let commit = json!({"id": sha, "tree_id": sha, "distinct": true, "message": message,
            "timestamp": "2026-03-01T00:00:00Z", "url": "https://github.com/Codertocat/Hello-World/commit/x",
            "author": {"name": "dev", "email": "dev@example.com", "username": self.author},
            "committer": {"name": "dev", "email": "dev@example.com", "username": self.author},
            "added": [file], "removed": [], "modified": []});
        d["commits"] = json!([commit.clone()]);
        d["head_commit"] = commit;
        d
    }
}

fn epoch(rfc3339: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .expect("time")
        .timestamp()
}

async fn build_history(app: &TestApp, bob: &TestUser) {
    let prs = [
        Pr {
            number: 1,
            author: "alice",
            created: "2026-03-02T09:00:00Z",
            merged: Some("2026-03-02T11:00:00Z"),
            additions: 30,
            body: CLAUDE_BODY,
        },
        Pr {
            number: 2,
            author: "alice",
            created: "2026-03-03T09:00:00Z",
            merged: Some("2026-03-03T12:00:00Z"),
            additions: 5,
            body: "Fix a typo.",
        },
        Pr {
            number: 3,
            author: "bob",
            created: "2026-03-04T09:00:00Z",
            merged: Some("2026-03-04T13:00:00Z"),
            additions: 40,
            body: "Refactor.",
        },
        Pr {
            number: 4,
            author: "bob",
            created: "2026-03-05T09:00:00Z",
            merged: Some("2026-03-05T11:00:00Z"),
            additions: 420,
            body: "Schema.",
        },
        Pr {
            number: 5,
            author: "alice",
            created: "2026-03-06T09:00:00Z",
            merged: Some("2026-03-06T12:00:00Z"),
            additions: 10,
            body: CLAUDE_BODY,
        },
        Pr {
            number: 6,
            author: "bob",
            created: "2026-03-07T09:00:00Z",
            merged: Some("2026-03-07T13:00:00Z"),
            additions: 20,
            body: "Docs.",
        },
        Pr {
            number: 7,
            author: "bob",
            created: "2026-03-08T09:00:00Z",
            merged: Some("2026-03-08T12:00:00Z"),
            additions: 50,
            body: "Billing.",
        },
        Pr {
            number: 8,
            author: "alice",
            created: "2026-03-09T09:00:00Z",
            merged: None,
            additions: 50,
            body: CLAUDE_BODY,
        },
    ];
    for pr in &prs {
        deliver(
            app,
            "pull_request",
            &format!("open-{}", pr.number),
            &pr.payload("opened"),
        )
        .await;
    }
    let pushes = [
        (
            0,
            "2026-03-02T09:10:00Z",
            "migrations/0003_ledger.sql",
            "Add ledger",
        ),
        (1, "2026-03-03T09:05:00Z", "README.md", "Typo"),
        (
            2,
            "2026-03-04T09:05:00Z",
            "src/app.rs",
            "Refactor\n\nCo-Authored-By: Claude <noreply@anthropic.com>",
        ),
        (
            3,
            "2026-03-05T10:00:00Z",
            "migrations/0004_schema.sql",
            "Schema",
        ),
        (4, "2026-03-06T09:10:00Z", "src/auth/login.rs", "Login"),
        (5, "2026-03-07T09:20:00Z", "docs/guide.md", "Docs"),
        (6, "2026-03-08T09:10:00Z", "billing/invoice.rs", "Invoice"),
    ];
    for (i, at, file, message) in pushes {
        deliver(
            app,
            "push",
            &format!("push-{i}"),
            &prs[i].push(epoch(at), file, message),
        )
        .await;
    }
    let reviews = [
        (
            0,
            "submitted",
            101,
            "alice",
            "approved",
            "2026-03-02T10:00:00Z",
        ),
        (
            1,
            "submitted",
            201,
            "carol",
            "approved",
            "2026-03-03T14:00:00Z",
        ),
        (
            2,
            "submitted",
            301,
            "carol",
            "approved",
            "2026-03-04T11:00:00Z",
        ),
        (
            2,
            "dismissed",
            301,
            "carol",
            "dismissed",
            "2026-03-04T11:00:00Z",
        ),
        (
            3,
            "submitted",
            401,
            "carol",
            "approved",
            "2026-03-05T10:02:00Z",
        ),
        (
            4,
            "submitted",
            501,
            "carol",
            "approved",
            "2026-03-06T10:00:00Z",
        ),
        (
            5,
            "submitted",
            601,
            "dave",
            "approved",
            "2026-03-07T12:00:00Z",
        ),
        (
            6,
            "submitted",
            701,
            "carol",
            "changes_requested",
            "2026-03-08T09:30:00Z",
        ),
        (
            6,
            "submitted",
            702,
            "carol",
            "approved",
            "2026-03-08T11:00:00Z",
        ),
    ];
    for (i, action, id, reviewer, state, at) in reviews {
        deliver(
            app,
            "pull_request_review",
            &format!("review-{id}-{action}"),
            &prs[i].review(action, id, reviewer, state, at),
        )
        .await;
    }
    // Bob's assistant worked on PR 6's branch while it was open: AI-assisted by session. His and
    // Alice's edits: Alice 3 of 4 with review off, Bob 2 of 2.
    let event =
        |key: &str, session: &str, branch: &str, at: &str, tool: &str, calls: u32, mode: &str| {
            json!({"tool": "claude-code", "dedupe_key": key, "session_id": session, "timestamp": at,
               "model": "claude-sonnet-4-5", "input_tokens": 10, "output_tokens": 5,
               "repository": "github.com/codertocat/hello-world", "git_branch": branch,
               "tool_calls": {tool: calls}, "permission_mode": mode})
        };
    let bob_events = json!({"events": [event("b1", "s-bob", "pr6", "2026-03-07T09:30:00Z", "Edit", 2, "bypassPermissions")]});
    upload_usage(app, bob, &bob_events).await;
    for pr in prs.iter().filter(|p| p.merged.is_some()) {
        deliver(
            app,
            "pull_request",
            &format!("merge-{}", pr.number),
            &pr.payload("closed"),
        )
        .await;
    }
}

async fn upload_usage(app: &TestApp, user: &TestUser, body: &Value) {
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/ingest/usage"))
        .bearer_auth(&user.token)
        .json(body)
        .send()
        .await
        .expect("upload");
    assert!(
        response.status().is_success(),
        "usage upload: {}",
        response.text().await.unwrap_or_default()
    );
}

fn rate(skip: &Value, split: &str) -> f64 {
    skip[split]["skip_rate_pct"]
        .as_f64()
        .unwrap_or_else(|| panic!("no {split} rate in {skip}"))
}

fn group<'a>(report: &'a Value, list: &str, key: &str) -> &'a Value {
    report[list]
        .as_array()
        .and_then(|a| a.iter().find(|g| g["key"] == key))
        .unwrap_or_else(|| panic!("no {key} in {list}: {}", report[list]))
}

fn close(actual: f64, expected: f64, what: &str) {
    assert!(
        (actual - expected).abs() < 1e-6,
        "{what}: {actual} != {expected}"
    );
}

#[tokio::test]
async fn review_skip_figures_equal_the_hand_computed_ones() {
    for_each_backend(|backend| async move {
        let app = spawn_with_secrets(backend).await;
        app.add_team("core").await;
        app.add_team("web").await;
        let admin = app.add_user("admin@example.com", "admin", &[]).await;
        let alice = developer(&app, "alice", &["core"]).await;
        let bob = developer(&app, "bob", &["web"]).await;
        developer(&app, "carol", &[]).await;
        build_history(&app, &bob).await;
        let alice_edits = json!({"events": [
            {"tool": "claude-code", "dedupe_key": "a1", "session_id": "s-a", "timestamp": "2026-03-10T09:00:00Z", "model": "claude-sonnet-4-5",
             "input_tokens": 1, "output_tokens": 1, "tool_calls": {"Edit": 3}, "permission_mode": "acceptEdits"},
            {"tool": "claude-code", "dedupe_key": "a2", "session_id": "s-a", "timestamp": "2026-03-10T09:05:00Z", "model": "claude-sonnet-4-5",
             "input_tokens": 1, "output_tokens": 1, "tool_calls": {"Write": 1}, "permission_mode": "default"}]});
        upload_usage(&app, &alice, &alice_edits).await;
        let query = "/api/v1/reviews/summary?from=2026-03-01&to=2026-03-31";

        // Before any critical path is set, nothing is critical and nothing alerts.
        let before = app.get_json(&admin, query).await;
        assert_eq!(before["overall"]["critical"]["merged"], 0, "{}", app.backend);
        assert_eq!(before["alerts"], json!([]));

        let put = reqwest::Client::new()
            .put(app.url("/api/v1/repositories/github.com%2Fcodertocat%2Fhello-world/critical-paths"))
            .bearer_auth(&admin.token)
            .json(&json!({"globs": ["migrations/**", "**/auth/**", "billing/**"]}))
            .send()
            .await
            .expect("put");
        assert_eq!(put.status().as_u16(), 200);
        let report = app.get_json(&admin, query).await;

        let overall = &report["overall"];
        assert_eq!((overall["all"]["merged"].as_i64(), overall["all"]["unreviewed"].as_i64(), overall["all"]["rubber_stamped"].as_i64()), (Some(7), Some(3), Some(1)), "{}: {overall}", app.backend);
        close(rate(overall, "all"), 400.0 / 7.0, "overall");
        close(rate(overall, "ai_assisted"), 50.0, "AI-assisted (PRs 1, 3, 5, 6)");
        close(rate(overall, "not_ai_assisted"), 200.0 / 3.0, "not AI-assisted (PRs 2, 4, 7)");
        close(rate(overall, "critical"), 50.0, "critical (PRs 1, 4, 5, 7)");
        close(rate(overall, "not_critical"), 200.0 / 3.0, "not critical (PRs 2, 3, 6)");
        close(rate(group(&report, "by_developer", "alice"), "all"), 200.0 / 3.0, "alice");
        close(rate(group(&report, "by_developer", "bob"), "all"), 50.0, "bob");
        close(rate(group(&report, "by_team", "core"), "all"), 200.0 / 3.0, "core");
        close(rate(group(&report, "by_team", "web"), "all"), 50.0, "web");
        close(rate(group(&report, "by_repository", "github.com/codertocat/hello-world"), "all"), 400.0 / 7.0, "repository");
        assert_eq!(group(&report, "by_developer", "bob")["all"]["rubber_stamped"], 1);
        assert_eq!(report["reviewed_prs"], 6);
        let median = report["time_to_first_review_median_hours"].as_f64().expect("median");
        close(median, (62.0 / 60.0 + 2.0) / 2.0, "median hours to first review");
        let alerts = report["alerts"].as_array().expect("alerts");
        assert_eq!(alerts.len(), 1, "{alerts:?}");
        assert_eq!(alerts[0]["number"], 1);
        assert_eq!(alerts[0]["url"], "https://github.com/Codertocat/Hello-World/pull/1");
        let edits = |key: &str| group(&report, "edits_by_developer", key)["unreviewed_share_pct"].as_f64().expect("share");
        close(edits("alice"), 75.0, "alice's edits with review off");
        close(edits("bob"), 100.0, "bob's edits with review off");

        let as_bob = app.get_json(&bob, query).await;
        assert_eq!(as_bob["overall"]["all"]["merged"], 4, "a developer sees only their own PRs");
        assert_eq!(app.get(&bob, &format!("{query}&user=alice@example.com")).await.status().as_u16(), 403);
        let alerts = app.get_json(&admin, "/api/v1/reviews/alerts?from=2026-03-01&to=2026-03-31").await;
        assert_eq!(alerts.as_array().map(Vec::len), Some(1));

        let prs = app.get_json(&admin, "/api/v1/reviews/pull-requests?from=2026-03-01&to=2026-03-31").await;
        let prs = prs.as_array().expect("pull requests");
        assert_eq!(prs.len(), 7, "{}", app.backend);
        let first = prs.iter().find(|p| p["number"] == 1).expect("PR 1");
        assert_eq!(
            (&first["author_login"], &first["author"], &first["outcome"], &first["critical"], &first["ai_assisted"]),
            (&json!("alice"), &json!("alice"), &json!("unreviewed"), &json!(true), &json!(true)),
            "{first}"
        );
        for field in ["created_at", "merged_at"] {
            let at = first[field].as_str().unwrap_or_default();
            assert!(at.ends_with('Z') && chrono::DateTime::parse_from_rfc3339(at).is_ok(), "{field}: {first}");
        }
    })
    .await;
}

#[tokio::test]
async fn an_invalid_glob_is_refused_with_422_and_changes_nothing() {
    for_each_backend(|backend| async move {
        let app = spawn_with_secrets(backend).await;
        let admin = app.add_user("admin@example.com", "admin", &[]).await;
        let path = "/api/v1/repositories/github.com%2Facme%2Fapi/critical-paths";
        let put = |globs: Value| {
            reqwest::Client::new()
                .put(app.url(path))
                .bearer_auth(&admin.token)
                .json(&json!({"globs": globs}))
                .send()
        };
        assert_eq!(
            put(json!(["billing/**"]))
                .await
                .expect("put")
                .status()
                .as_u16(),
            200
        );
        let refused = put(json!(["src/**", "src/[a", "/etc/**"]))
            .await
            .expect("put");
        assert_eq!(refused.status().as_u16(), 422);
        let body: Value = refused.json().await.expect("json");
        let indexes: Vec<i64> = body["records"]
            .as_array()
            .expect("records")
            .iter()
            .filter_map(|r| r["index"].as_i64())
            .collect();
        assert_eq!(indexes, vec![1, 2]);
        assert_eq!(
            app.get_json(&admin, path).await["globs"],
            json!(["billing/**"])
        );
        let developer = app.add_user("dev@example.com", "developer", &[]).await;
        assert_eq!(app.get(&developer, path).await.status().as_u16(), 403);
    })
    .await;
}
