//! Whose usage is whose: a request's key belongs to the user who sent it, a deleted user's usage
//! goes with them, and a record the database cannot hold is refused by name, not with a 500.

use reqwest::StatusCode;

use crate::support::{for_each_backend, TestApp, TestUser};

fn event(key: &str, output_tokens: u64, branch: &str) -> serde_json::Value {
    serde_json::json!({
        "tool": "claude-code", "dedupe_key": key, "session_id": "s1",
        "timestamp": "2026-08-03T10:15:00Z", "model": "claude-sonnet-4-5",
        "input_tokens": 1000, "output_tokens": output_tokens, "git_branch": branch
    })
}

async fn upload(app: &TestApp, user: &TestUser, events: &[serde_json::Value]) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url("/api/v1/ingest/usage"))
        .bearer_auth(&user.token)
        .json(&serde_json::json!({ "events": events }))
        .send()
        .await
        .expect("upload")
}

#[tokio::test]
async fn a_colleague_sending_the_same_request_key_gets_a_copy_and_takes_nothing_over() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let victim = app.add_user("vic@example.com", "developer", &[]).await;
        let attacker = app.add_user("eve@example.com", "developer", &[]).await;
        let sent = upload(&app, &victim, &[event("msg_1:req_1", 100, "main")]).await;
        assert_eq!(sent.status(), StatusCode::OK);

        let stolen = upload(&app, &attacker, &[event("msg_1:req_1", 9_000, "main")]).await;
        assert_eq!(stolen.status(), StatusCode::OK);
        let receipt: serde_json::Value = stolen.json().await.expect("receipt");
        assert_eq!(receipt["inserted"], 1, "the attacker's own copy: {receipt}");

        let victims = app.get_json(&victim, "/api/v1/ingest/status").await;
        assert_eq!(victims["events"], 1);
        assert_eq!(
            victims["total_tokens"], 1100,
            "the victim's event is untouched"
        );
        let attackers = app.get_json(&attacker, "/api/v1/ingest/status").await;
        assert_eq!(attackers["total_tokens"], 10_000);

        let rollup: i64 = sqlx::query_scalar::<_, i64>(
            "SELECT CAST(SUM(input_tokens + output_tokens) AS BIGINT) FROM usage_hourly",
        )
        .fetch_one(&app.sql)
        .await
        .expect("rollup");
        assert_eq!(rollup, 11_100, "each copy counted once, for its own user");
    })
    .await;
}

#[tokio::test]
async fn a_nul_byte_in_a_text_field_is_refused_by_name_and_nothing_is_stored() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let ada = app.add_user("ada@example.com", "developer", &[]).await;
        let response = upload(
            &app,
            &ada,
            &[
                event("msg_1:req_1", 10, "main"),
                event("msg_2:req_2", 10, "feat\u{0}x"),
            ],
        )
        .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: serde_json::Value = response.json().await.expect("json");
        let records = body["records"].as_array().cloned().unwrap_or_default();
        assert_eq!(records.len(), 1, "{body}");
        assert_eq!(records[0]["index"], 1, "{body}");
        assert!(
            records[0]["reason"]
                .as_str()
                .unwrap_or_default()
                .contains("git_branch"),
            "{body}"
        );
        let status = app.get_json(&ada, "/api/v1/ingest/status").await;
        assert_eq!(status["events"], 0);
        // The next, clean upload goes through: nothing is stuck.
        let clean = upload(&app, &ada, &[event("msg_1:req_1", 10, "main")]).await;
        assert_eq!(clean.status(), StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn text_with_tabs_backslashes_newlines_and_quotes_is_stored_exactly_as_sent() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let ada = app.add_user("ada@example.com", "developer", &[]).await;
        // What PostgreSQL's COPY text format and CSV would each take for a separator, an escape,
        // NULL or the end of the data, in every text column a collector fills.
        let odd = [
            "tab\there",
            "back\\slash \\N \\.",
            "new\nline\r\n",
            "quote \"', ünïcødé ✓",
        ];
        let events: Vec<serde_json::Value> = odd
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let mut e = event(&format!("k{i}\t{text}"), 10, text);
                e["session_id"] = (*text).into();
                e["project"] = (*text).into();
                e["repository"] = (*text).into();
                e["permission_mode"] = (*text).into();
                e["tool_calls"] = serde_json::json!({ *text: 2, "Edit": 1 });
                e
            })
            .collect();
        assert_eq!(upload(&app, &ada, &events).await.status(), StatusCode::OK);
        let stored: Vec<(String, String, String, String, String, String, String)> = sqlx::query_as(
            "SELECT dedupe_key, session_id, project, repository, git_branch, permission_mode,
                    CAST(tool_calls AS TEXT) FROM usage_events ORDER BY dedupe_key",
        )
        .fetch_all(&app.sql)
        .await
        .expect("stored");
        assert_eq!(stored.len(), odd.len());
        for (i, text) in odd.iter().enumerate() {
            let row = stored
                .iter()
                .find(|r| r.0 == format!("k{i}\t{text}"))
                .expect("the key as sent");
            assert_eq!(
                (&row.1, &row.2, &row.3, &row.4, &row.5),
                (
                    &text.to_string(),
                    &text.to_string(),
                    &text.to_string(),
                    &text.to_string(),
                    &text.to_string()
                )
            );
            let calls: serde_json::Value = serde_json::from_str(&row.6).expect("json");
            assert_eq!(calls[text], 2, "{}", row.6);
        }
    })
    .await;
}

#[tokio::test]
async fn deleting_a_user_deletes_their_events_buckets_and_decisions_and_no_one_elses() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let ada = app.add_user("ada@example.com", "developer", &[]).await;
        let bob = app.add_user("bob@example.com", "developer", &[]).await;
        for user in [&ada, &bob] {
            let mut events = [event("msg_1:req_1", 10, "main"), event("msg_2:req_2", 20, "main")];
            events[0]["edit_decisions"] = serde_json::json!({"Edit": {"accepted": 1, "rejected": 0}});
            assert_eq!(upload(&app, user, &events).await.status(), StatusCode::OK);
        }
        // Migrations 0008, 0019 and 0020 replaced PostgreSQL's per-row foreign keys with a
        // trigger on `users`; deleting a user by hand must still take their usage with them.
        let rows = |query: &'static str| {
            let sql = app.sql.clone();
            async move {
                sqlx::query_as::<_, (String, i64)>(query)
                    .fetch_all(&sql)
                    .await
                    .expect("rows")
            }
        };
        let (events, buckets, decisions) = (
            "SELECT u.email, COUNT(*) FROM usage_events t JOIN users u ON u.id = t.user_id
             GROUP BY u.email ORDER BY u.email",
            "SELECT u.email, COUNT(*) FROM usage_hourly t JOIN users u ON u.id = t.user_id
             GROUP BY u.email ORDER BY u.email",
            "SELECT u.email, COUNT(*) FROM uploaded_edit_decisions t JOIN users u ON u.id = t.user_id
             GROUP BY u.email ORDER BY u.email",
        );
        for table in [events, buckets, decisions] {
            assert_eq!(rows(table).await.len(), 2);
        }
        sqlx::query("DELETE FROM users WHERE email = 'ada@example.com'")
            .execute(&app.sql)
            .await
            .expect("delete the user");
        let orphans: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM usage_events WHERE user_id NOT IN (SELECT id FROM users))
                  + (SELECT COUNT(*) FROM usage_hourly WHERE user_id NOT IN (SELECT id FROM users))
                  + (SELECT COUNT(*) FROM uploaded_edit_decisions
                     WHERE user_id NOT IN (SELECT id FROM users))",
        )
        .fetch_one(&app.sql)
        .await
        .expect("orphans");
        assert_eq!(orphans, 0, "the deleted user's usage is gone");
        assert_eq!(rows(events).await, vec![("bob@example.com".to_owned(), 2)]);
        assert_eq!(rows(buckets).await, vec![("bob@example.com".to_owned(), 1)]);
        assert_eq!(rows(decisions).await, vec![("bob@example.com".to_owned(), 1)]);
    })
    .await;
}
