//! Whose commits are whose: a developer cannot raise a colleague's commit counts (and lift) by
//! uploading commits in their name.

use reqwest::StatusCode;

use crate::support::{for_each_backend, TestApp, TestUser};

fn commit(repository: &str, sha: &str, author: &str, lines: u64) -> serde_json::Value {
    serde_json::json!({
        "repository": repository, "sha": sha, "author_email": author, "author_name": author,
        "authored_at": "2026-08-03T10:00:00Z", "committed_at": "2026-08-03T10:00:00Z",
        "lines": {"added": lines, "removed": 0, "test_added": 0, "test_removed": 0},
        "branches": ["main"]
    })
}

async fn send(app: &TestApp, user: &TestUser, commits: &[serde_json::Value]) -> serde_json::Value {
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/ingest/commits"))
        .bearer_auth(&user.token)
        .json(&serde_json::json!({ "commits": commits }))
        .send()
        .await
        .expect("commits");
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("receipt")
}

/// The author each stored commit counts for, by sha (none while unconfirmed).
async fn counted_authors(app: &TestApp) -> Vec<(String, Option<i64>)> {
    let from = chrono::DateTime::parse_from_rfc3339("2026-08-01T00:00:00Z")
        .expect("date")
        .timestamp_millis();
    let rows = agentmeter_server::reviews::load::commit_rows(&app.db, from, from + 30 * 86_400_000)
        .await
        .expect("rows");
    rows.into_iter()
        .map(|r| (r.sha, r.author_user_id))
        .collect()
}

async fn user_id(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar::<_, i64>("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&app.sql)
        .await
        .expect("user id")
}

#[tokio::test]
async fn commits_in_someone_elses_name_count_for_them_only_once_they_report_them() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let eve = app.add_user("eve@example.com", "developer", &[]).await;
        let bob = app.add_user("bob@example.com", "developer", &[]).await;
        let bob_id = user_id(&app, "bob@example.com").await;

        // Eve has never worked in acme/secret: Bob's "commits" there are refused.
        let refused = send(
            &app,
            &eve,
            &[commit(
                "github.com/acme/secret",
                "aaaaaaa",
                "bob@example.com",
                900,
            )],
        )
        .await;
        assert_eq!(refused["refused"], 1, "{refused}");
        assert_eq!(refused["accepted"], 0, "{refused}");

        // In acme/api, where Eve commits too, Bob's commit is kept but not counted for him...
        let shared = send(
            &app,
            &eve,
            &[
                commit("github.com/acme/api", "bbbbbbb", "eve@example.com", 5),
                commit("github.com/acme/api", "ccccccc", "bob@example.com", 900),
            ],
        )
        .await;
        assert_eq!(shared["accepted"], 2, "{shared}");
        let counted = counted_authors(&app).await;
        assert!(counted.contains(&("ccccccc".into(), None)), "{counted:?}");

        // ...until Bob's own collector reports it, whose record then wins.
        let own = send(
            &app,
            &bob,
            &[commit(
                "github.com/acme/api",
                "ccccccc",
                "bob@example.com",
                7,
            )],
        )
        .await;
        assert_eq!(own["duplicates"], 1, "{own}");
        let counted = counted_authors(&app).await;
        assert!(
            counted.contains(&("ccccccc".into(), Some(bob_id))),
            "{counted:?}"
        );
        let lines: i64 =
            sqlx::query_scalar::<_, i64>("SELECT lines_added FROM commits WHERE sha = 'ccccccc'")
                .fetch_one(&app.sql)
                .await
                .expect("lines");
        assert_eq!(lines, 7, "the author's own record replaced the colleague's");
    })
    .await;
}
