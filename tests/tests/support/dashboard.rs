//! A demo-like organisation for the dashboard tests, built through the real APIs: two teams with
//! a manager each, six developers who started using an assistant at different times (one never
//! did), ten weeks of usage uploaded with their own tokens, and five months of pull requests
//! delivered as signed GitHub webhooks (some AI-assisted, some unreviewed, some on critical paths).

use agentmeter_server::admin::{self, AddUser};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use secrecy::SecretString;
use serde_json::{json, Value};

use super::app::PASSWORD;
use super::{Backend, TestApp};
use crate::reviews::{deliver, fixture_json, spawn_with_secrets};

/// Someone who can sign in to the demo organisation.
#[derive(Debug, Clone)]
pub struct Person {
    pub name: &'static str,
    pub email: String,
    pub team: &'static str,
}

/// The dashboard pages every team view has.
pub const TEAM_PAGES: [&str; 6] = [
    "/",
    "/spend",
    "/plans",
    "/adoption",
    "/productivity",
    "/reviews",
];
/// The admin area.
pub const ADMIN_PAGES: [&str; 7] = [
    "/admin/users",
    "/admin/teams",
    "/admin/tokens",
    "/admin/repositories",
    "/admin/plans",
    "/admin/webhooks",
    "/admin/identities",
];

/// The organisation and who is in it.
pub struct DemoOrg {
    pub app: TestApp,
    /// Manager of Platform, then manager of Payments.
    pub managers: [Person; 2],
    pub developers: Vec<Person>,
}

/// (name, github login, team, days since first assistant use; None = never started)
const DEVELOPERS: [(&str, &str, &str, Option<i64>); 6] = [
    ("Ada Lovelace", "ada-l", "Platform", Some(70)),
    ("Grace Hopper", "grace-h", "Platform", Some(55)),
    ("Linus Torvalds", "linus-t", "Platform", Some(40)),
    ("Ken Thompson", "ken-t", "Payments", Some(65)),
    ("Barbara Liskov", "barbara-l", "Payments", Some(30)),
    ("Dennis Ritchie", "dennis-r", "Payments", None),
];

const CLAUDE_BODY: &str =
    "Implements it.\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)";
const REPOSITORY: &str = "github.com/codertocat/hello-world";

async fn person(
    app: &TestApp,
    name: &'static str,
    login: Option<&str>,
    role: &str,
    team: &'static str,
) -> Person {
    let email = format!("{}@demo.test", name.to_lowercase().replace(' ', "."));
    let request = AddUser {
        email: email.clone(),
        name: name.into(),
        role: role.into(),
        teams: vec![team.into()],
        github: login.map(str::to_owned),
        password: Some(SecretString::from(PASSWORD.to_owned())),
        ..AddUser::default()
    };
    admin::add_user(&app.db, request).await.expect("user");
    Person { name, email, team }
}

fn at(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Builds the organisation on a fresh server.
pub async fn demo_org(backend: Backend) -> DemoOrg {
    let app = spawn_with_secrets(backend).await;
    for team in ["Platform", "Payments"] {
        app.add_team(team).await;
    }
    let admin = app.add_user("admin@demo.test", "admin", &[]).await;
    let managers = [
        person(&app, "Maria Lopez", None, "manager", "Platform").await,
        person(&app, "James Okafor", None, "manager", "Payments").await,
    ];
    let now = Utc::now();
    let mut developers = Vec::new();
    for (i, (name, login, team, started)) in DEVELOPERS.iter().enumerate() {
        let dev = person(&app, name, Some(login), "developer", team).await;
        if let Some(days) = started {
            let token = admin::create_token(&app.db, &dev.email, Some("uploader"))
                .await
                .expect("token");
            upload_usage(&app, &token, i, *days, now).await;
        }
        developers.push(dev);
    }
    let put = reqwest::Client::new()
        .put(app.url(&format!(
            "/api/v1/repositories/{}/critical-paths",
            REPOSITORY.replace('/', "%2F")
        )))
        .bearer_auth(&admin.token)
        .json(&json!({"globs": ["**/auth/**", "migrations/**"]}))
        .send()
        .await
        .expect("critical paths");
    assert_eq!(put.status().as_u16(), 200, "critical paths accepted");
    for (i, (_, login, _, started)) in DEVELOPERS.iter().enumerate() {
        pull_requests(&app, i, login, *started, now).await;
    }
    DemoOrg {
        app,
        managers,
        developers,
    }
}

/// A few requests on most days since first use, heavier for some people than others.
async fn upload_usage(
    app: &TestApp,
    token: &str,
    who: usize,
    started_days_ago: i64,
    now: DateTime<Utc>,
) {
    let models = [
        "claude-sonnet-4-5-20250929",
        "claude-opus-4-1-20250805",
        "claude-haiku-4-5-20251001",
    ];
    let mut events = Vec::new();
    for day in 0..=started_days_ago {
        if (day + who as i64) % 3 == 0 {
            continue;
        }
        for n in 0..(2 + who % 3) {
            let t = now - Duration::days(day) - Duration::hours(2 + n as i64);
            let model = models[(day as usize + n + who) % models.len()];
            events.push(json!({
                "tool": if (day + n as i64) % 5 == 0 { "codex" } else { "claude-code" },
                "dedupe_key": format!("u{who}-d{day}-n{n}"),
                "session_id": format!("s{who}-{day}"),
                "project": format!("/home/dev/{}", ["api", "web", "billing"][n % 3]),
                "timestamp": at(t),
                "model": model,
                "input_tokens": 3000 + 500 * who as u64,
                "output_tokens": 1200 + 300 * n as u64,
                "cache_read_tokens": 40_000 + 10_000 * who as u64,
                "tool_calls": {"Edit": 2 + n},
                "permission_mode": if n % 2 == 0 { "default" } else { "acceptEdits" },
            }));
        }
    }
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/ingest/usage"))
        .bearer_auth(token)
        .json(&json!({"events": events}))
        .send()
        .await
        .expect("upload");
    assert!(
        response.status().is_success(),
        "usage upload: {}",
        response.text().await.unwrap_or_default()
    );
}

fn account(login: &str) -> Value {
    let id = login.bytes().map(u64::from).sum::<u64>() * 1000;
    json!({"login": login, "id": id, "type": "User"})
}

/// A pull request every few days for 150 days: more often after first use, AI-assisted then,
/// every fourth one merged without review, every third one touching `src/auth/`.
async fn pull_requests(
    app: &TestApp,
    who: usize,
    login: &str,
    started: Option<i64>,
    now: DateTime<Utc>,
) {
    let mut day = 150;
    let mut k = 0u64;
    while day > 1 {
        let after = started.is_some_and(|s| day < s);
        let number = 1000 * (who as u64 + 1) + k;
        let created = now - Duration::days(day) - Duration::hours(6);
        let merged = created + Duration::hours(5);
        let mut pr = fixture_json("github", "pull_request.opened.json");
        let fill = |p: &mut Value| {
            p["number"] = json!(number);
            p["html_url"] = json!(format!(
                "https://github.com/Codertocat/Hello-World/pull/{number}"
            ));
            p["user"] = account(login);
            p["head"]["ref"] = json!(format!("pr{number}"));
            p["base"]["ref"] = json!("master");
            p["created_at"] = json!(at(created));
            p["body"] = json!(if after { CLAUDE_BODY } else { "Change." });
            p["title"] = json!(format!(
                "{} change {k}",
                if after { "Assisted" } else { "Manual" }
            ));
            p["additions"] = json!(25);
            p["deletions"] = json!(3);
        };
        fill(&mut pr["pull_request"]);
        pr["sender"] = account(login);
        deliver(app, "pull_request", &format!("open-{number}"), &pr).await;
        let file = if k.is_multiple_of(3) {
            "src/auth/session.rs"
        } else {
            "src/app.rs"
        };
        push(app, number, login, created + Duration::minutes(20), file).await;
        let unreviewed = after && k.is_multiple_of(4);
        if !unreviewed {
            let mut review = fixture_json("github", "pull_request_review.submitted.json");
            fill(&mut review["pull_request"]);
            review["action"] = json!("submitted");
            review["review"]["id"] = json!(number * 10);
            review["review"]["user"] = account(if login == "ada-l" { "grace-h" } else { "ada-l" });
            review["review"]["state"] = json!("approved");
            review["review"]["submitted_at"] = json!(at(created + Duration::hours(3)));
            review["sender"] = review["review"]["user"].clone();
            deliver(
                app,
                "pull_request_review",
                &format!("review-{number}"),
                &review,
            )
            .await;
        }
        pr["action"] = json!("closed");
        let p = &mut pr["pull_request"];
        p["merged"] = json!(true);
        p["state"] = json!("closed");
        p["merged_at"] = json!(at(merged));
        p["closed_at"] = json!(at(merged));
        deliver(app, "pull_request", &format!("merge-{number}"), &pr).await;
        day -= if after { 3 } else { 5 } + (who as i64 % 2);
        k += 1;
    }
}

async fn push(app: &TestApp, number: u64, login: &str, when: DateTime<Utc>, file: &str) {
    let mut d = fixture_json("github", "push.json");
    let sha = format!("{:040x}", number * 1_000_003 + when.timestamp() as u64);
    d["ref"] = json!(format!("refs/heads/pr{number}"));
    d["after"] = json!(sha);
    d["repository"]["pushed_at"] = json!(when.timestamp());
    let commit = json!({"id": sha, "tree_id": sha, "distinct": true, "message": "Change",
        "timestamp": at(when), "url": "https://github.com/Codertocat/Hello-World/commit/x",
        "author": {"name": login, "email": format!("{login}@users.noreply.github.com"), "username": login},
        "committer": {"name": login, "email": format!("{login}@users.noreply.github.com"), "username": login},
        "added": [], "removed": [], "modified": [file]});
    d["commits"] = json!([commit.clone()]);
    d["head_commit"] = commit;
    deliver(app, "push", &format!("push-{number}"), &d).await;
}
