//! The hand-built review history of the skip-rate tests: users with GitHub logins, pull
//! requests each chosen for one rule, and the assistant sessions that mark some AI-assisted.

use agentmeter_server::admin::{self, AddUser};
use serde_json::{json, Value};

use super::{deliver, fixture_json};
use crate::support::{TestApp, TestUser};

const CLAUDE_BODY: &str =
    "Adds it.\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)";

/// A user with a GitHub login and an API token.
pub(super) async fn developer(app: &TestApp, login: &str, teams: &[&str]) -> TestUser {
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

pub(super) async fn build_history(app: &TestApp, bob: &TestUser) {
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

pub(super) async fn upload_usage(app: &TestApp, user: &TestUser, body: &Value) {
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
