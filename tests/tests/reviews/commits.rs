//! Commits from a real git repository, collected and uploaded to `/api/v1/ingest/commits`: the
//! stored commits and line counts equal what `git log --numstat` shows.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use agentmeter_ingest::gitlog::{collect_commits, TestPathPatterns};
use serde_json::{json, Value};

use super::count;
use crate::support::{for_each_backend, TestApp, TestUser};

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_DATE", "2026-03-02T10:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-03-02T10:00:00Z")
        .env("LC_ALL", "C")
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn write(dir: &Path, path: &str, lines: usize, seed: &str) {
    let file = dir.join(path);
    std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
    let text: String = (0..lines).map(|i| format!("{seed} line {i}\n")).collect();
    std::fs::write(file, text).expect("write");
}

fn commit(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
}

/// A repository with plain and AI-trailed commits, test files, a rename, a binary file and a merge.
fn build_repository(dir: &Path) {
    git(dir, &["init", "-q", "-b", "main"]);
    git(dir, &["config", "user.email", "dev@example.com"]);
    git(dir, &["config", "user.name", "Dev"]);
    git(
        dir,
        &[
            "remote",
            "add",
            "origin",
            "https://github.com/Acme/Widgets.git",
        ],
    );
    write(dir, "src/lib.rs", 10, "lib");
    write(dir, "tests/lib_test.rs", 5, "test");
    commit(dir, "Initial commit");
    write(dir, "src/lib.rs", 12, "lib2");
    write(dir, "src/auth.rs", 4, "auth");
    commit(
        dir,
        "Add auth\n\nCo-Authored-By: Claude <noreply@anthropic.com>",
    );
    git(dir, &["checkout", "-q", "-b", "feature"]);
    write(dir, "tests/auth_test.rs", 6, "authtest");
    std::fs::write(dir.join("logo.png"), [0u8, 159, 146, 150, 0, 1, 2]).expect("binary");
    commit(
        dir,
        "Test auth\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)",
    );
    git(dir, &["mv", "src/auth.rs", "src/authn.rs"]);
    commit(dir, "Rename auth");
    git(dir, &["checkout", "-q", "main"]);
    write(dir, "README.md", 3, "readme");
    commit(dir, "Readme");
    git(
        dir,
        &["merge", "-q", "--no-ff", "feature", "-m", "Merge feature"],
    );
}

/// Per sha: (lines added, lines removed) as `git log --all --numstat` prints them.
fn numstat(dir: &Path) -> BTreeMap<String, (u64, u64)> {
    let mut out: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut current = String::new();
    for line in git(dir, &["log", "--all", "--numstat", "--format=commit %H"]).lines() {
        if let Some(sha) = line.strip_prefix("commit ") {
            current = sha.to_owned();
            out.entry(current.clone()).or_default();
        } else if let [added, removed, _path] = line.splitn(3, '\t').collect::<Vec<_>>()[..] {
            let entry = out.entry(current.clone()).or_default();
            entry.0 += added.parse::<u64>().unwrap_or(0);
            entry.1 += removed.parse::<u64>().unwrap_or(0);
        }
    }
    out
}

async fn post_commits(app: &TestApp, user: &TestUser, body: &Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/ingest/commits"))
        .bearer_auth(&user.token)
        .json(body)
        .send()
        .await
        .expect("post");
    let status = response.status().as_u16();
    (status, response.json().await.expect("json"))
}

#[tokio::test]
async fn collected_commits_are_stored_with_the_line_counts_git_log_numstat_shows() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let dev = app.add_user("dev@example.com", "developer", &[]).await;
        let repo = tempfile::tempdir().expect("tempdir");
        build_repository(repo.path());
        let records = collect_commits(repo.path(), None, &TestPathPatterns::default()).expect("collect");
        let expected = numstat(repo.path());
        assert_eq!(records.len(), expected.len());

        let (status, receipt) = post_commits(&app, &dev, &json!({"commits": records})).await;
        assert_eq!(status, 200, "{}: {receipt}", app.backend);
        assert_eq!((receipt["accepted"].as_u64(), receipt["duplicates"].as_u64()), (Some(expected.len() as u64), Some(0)));

        type StoredCommit = (String, String, i64, i64, i64, String, Option<i64>);
        let rows: Vec<StoredCommit> = sqlx::query_as(
            "SELECT repository, sha, lines_added, lines_removed, test_lines_added, CAST(ai_markers AS TEXT), author_user_id FROM commits ORDER BY sha",
        )
        .fetch_all(&app.sql)
        .await
        .expect("commits");
        let stored: BTreeMap<String, (u64, u64)> = rows.iter().map(|r| (r.1.clone(), (r.2 as u64, r.3 as u64))).collect();
        assert_eq!(stored, expected, "{}", app.backend);
        assert!(rows.iter().all(|r| r.0 == "github.com/acme/widgets" && r.6.is_some()), "{rows:?}");
        let ai: Vec<&str> = rows.iter().filter(|r| r.5 != "[]").map(|r| r.1.as_str()).collect();
        let trailed = git(repo.path(), &["log", "--all", "--format=%H", "--grep=Claude"]);
        let mut trailed: Vec<&str> = trailed.lines().collect();
        trailed.sort_unstable();
        assert_eq!(ai, trailed, "the commits whose messages carry Claude markers");
        let test_lines: i64 = rows.iter().map(|r| r.4).sum();
        assert_eq!(test_lines, 5 + 6, "tests/lib_test.rs and tests/auth_test.rs");

        let (status, again) = post_commits(&app, &dev, &json!({"commits": records})).await;
        assert_eq!((status, again["accepted"].as_u64(), again["duplicates"].as_u64()), (200, Some(0), Some(expected.len() as u64)));
        assert_eq!(count(&app, "commits").await, expected.len() as i64);
    })
    .await;
}

#[tokio::test]
async fn a_batch_with_bad_commits_is_refused_with_422_naming_them_and_stores_nothing() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let dev = app.add_user("dev@example.com", "developer", &[]).await;
        let good = json!({"repository": "github.com/acme/widgets", "sha": "0123456789abcdef0123456789abcdef01234567",
            "author_email": "someone@else.org", "author_name": "Someone", "authored_at": "2026-03-01T10:00:00Z",
            "committed_at": "2026-03-01T10:00:00Z", "paths": ["a.rs"], "lines": {"added": 3, "removed": 1, "test_added": 0, "test_removed": 0}});
        let mut bad_sha = good.clone();
        bad_sha["sha"] = json!("not-a-sha");
        let mut bad_lines = good.clone();
        bad_lines["lines"]["test_added"] = json!(9);
        let (status, body) = post_commits(&app, &dev, &json!({"commits": [good.clone(), bad_sha, bad_lines]})).await;
        assert_eq!(status, 422, "{body}");
        let indexes: Vec<i64> = body["records"].as_array().expect("records").iter().filter_map(|r| r["index"].as_i64()).collect();
        assert_eq!(indexes, vec![1, 2]);
        assert_eq!(count(&app, "commits").await, 0);

        let (status, receipt) = post_commits(&app, &dev, &json!({"commits": [good.clone(), good.clone()]})).await;
        assert_eq!((status, &receipt), (200, &json!({"accepted": 1, "duplicates": 1, "refused": 0})), "{}: twice in one batch", app.backend);
        let (status, receipt) = post_commits(&app, &dev, &json!({"commits": [good.clone()]})).await;
        assert_eq!((status, &receipt), (200, &json!({"accepted": 0, "duplicates": 1, "refused": 0})), "{}: sent again", app.backend);
        let admin = app.add_user("admin@example.com", "admin", &[]).await;
        let unmatched = app.get_json(&admin, "/api/v1/identities").await;
        let someone = unmatched.as_array().and_then(|a| a.iter().find(|i| i["email"] == "someone@else.org")).cloned().expect("the unmatched author is kept");
        let id = someone["id"].as_i64().expect("id");
        assert_eq!(someone["events"], 1, "one commit, sent three times: {someone}");
        let last_seen = someone["last_seen"].as_str().unwrap_or_default();
        assert!(chrono::DateTime::parse_from_rfc3339(last_seen).is_ok(), "RFC 3339 time: {someone}");
        let matched = reqwest::Client::new()
            .post(app.url(&format!("/api/v1/identities/{id}/match")))
            .bearer_auth(&admin.token)
            .json(&json!({"user": "dev@example.com"}))
            .send()
            .await
            .expect("match");
        assert_eq!(matched.status().as_u16(), 200);
        let author: (Option<i64>,) = sqlx::query_as("SELECT author_user_id FROM commits").fetch_one(&app.sql).await.expect("commit");
        assert!(author.0.is_some(), "the commit now belongs to dev");
        assert!(app.get_json(&admin, "/api/v1/identities").await.as_array().is_some_and(|a| a.iter().all(|i| i["id"] != id)));
    })
    .await;
}
