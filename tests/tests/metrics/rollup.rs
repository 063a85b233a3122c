//! The hourly rollup stays equal to the raw events through batches and larger copies.

use serde_json::{json, Value};

use super::{event, org, send};
use crate::support::{for_each_backend, TestApp};
use reqwest::StatusCode;
/// Per UTC hour: events, input tokens, output tokens, micro-dollars of known cost, unpriced events.
type HourSums = Vec<(i64, i64, i64, i64, i64, i64)>;

async fn hour_sums(app: &TestApp, sql: &str) -> HourSums {
    let rows: Vec<(i64, i64, i64, i64, f64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_all(&app.sql)
        .await
        .expect("sums");
    rows.into_iter()
        .map(|(h, n, i, o, c, u)| (h, n, i, o, (c * 1e6).round() as i64, u))
        .collect()
}

#[tokio::test]
async fn batches_spanning_many_statements_and_their_larger_copies_keep_the_hourly_rollup_exact() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let org = org(&app).await;
        // 1,001 events over 40 hours, every 7th from an unpriced model: several INSERT statements.
        let model = |i: u64| match i % 7 {
            0 => "mystery-model-2",
            1 | 2 => "claude-opus-4-8",
            _ => "claude-sonnet-4-5",
        };
        let at = |seconds: u64| {
            (chrono::DateTime::parse_from_rfc3339("2026-10-01T00:00:00Z").expect("time")
                + chrono::Duration::seconds(seconds as i64))
            .to_rfc3339()
        };
        let first: Vec<Value> = (0..1001)
            .map(|i| event(&format!("k{i}"), &at(i * 144), model(i), 1000 + i, 100 + i % 50))
            .collect();
        let (status, receipt) = send(&app, &org.ada, reqwest::Method::POST, "/api/v1/ingest/usage", &json!({"events": first})).await;
        assert_eq!((status, receipt["inserted"].as_u64()), (StatusCode::OK, Some(1001)), "{receipt}");

        // Larger copies of 0..300 (the first 50 logged 90 minutes later, so their old hours
        // must lose them), unchanged copies of 300..400, and 200 new events.
        let second: Vec<Value> = (0..300)
            .map(|i| {
                let shift = if i < 50 { 5400 } else { 0 };
                event(&format!("k{i}"), &at(i * 144 + shift), model(i), 1000 + i, 1100 + i % 50)
            })
            .chain((300..400).map(|i| event(&format!("k{i}"), &at(i * 144), model(i), 1000 + i, 100 + i % 50)))
            .chain((1001..1201).map(|i| event(&format!("k{i}"), &at(i * 144), model(i), 1000 + i, 100 + i % 50)))
            .collect();
        let (status, receipt) = send(&app, &org.ada, reqwest::Method::POST, "/api/v1/ingest/usage", &json!({"events": second})).await;
        assert_eq!(status, StatusCode::OK, "{receipt}");
        assert_eq!(
            (receipt["inserted"].as_u64(), receipt["updated"].as_u64(), receipt["unchanged"].as_u64()),
            (Some(200), Some(300), Some(100))
        );

        let rolled = hour_sums(
            &app,
            "SELECT hour, CAST(SUM(events) AS BIGINT), CAST(SUM(input_tokens) AS BIGINT), CAST(SUM(output_tokens) AS BIGINT),
                    CAST(COALESCE(SUM(cost_usd), 0) AS DOUBLE PRECISION),
                    CAST(SUM(CASE WHEN priced THEN 0 ELSE events END) AS BIGINT)
             FROM usage_hourly GROUP BY hour ORDER BY hour",
        )
        .await;
        let raw = hour_sums(
            &app,
            "SELECT (ts / 3600000) * 3600000 AS h, CAST(COUNT(*) AS BIGINT), CAST(SUM(input_tokens) AS BIGINT), CAST(SUM(output_tokens) AS BIGINT),
                    CAST(COALESCE(SUM(cost_usd), 0) AS DOUBLE PRECISION),
                    CAST(SUM(CASE WHEN cost_usd IS NULL THEN 1 ELSE 0 END) AS BIGINT)
             FROM usage_events GROUP BY (ts / 3600000) * 3600000 ORDER BY h",
        )
        .await;
        assert_eq!(rolled, raw);
        // By hand: 1,201 events; outputs 100 + i % 50, plus 1,000 for each of the 300 larger copies.
        let outputs: i64 = (0..1201).map(|i| 100 + i % 50).sum::<i64>() + 300 * 1000;
        let unpriced = (0..1201).filter(|i| i % 7 == 0).count() as i64;
        let totals = rolled.iter().fold((0, 0, 0), |t, r| (t.0 + r.1, t.1 + r.3, t.2 + r.5));
        assert_eq!(totals, (1201, outputs, unpriced));
        // Hour 00:00 held events 0..25 only; their larger copies moved to 01:30-02:30, so the
        // refresh of the replaced copies' hour must have emptied it.
        let one_am = chrono::DateTime::parse_from_rfc3339("2026-10-01T01:00:00Z").expect("time");
        assert_eq!(rolled[0].0, one_am.timestamp_millis());
    })
    .await;
}

/// Every bucket: its key (hour, tool, model, project, repository), its sums (events, input,
/// output, cache write, cache read, edits, unreviewed edits, priced) and its cost.
type Buckets = Vec<(String, [i64; 8], Option<f64>)>;

async fn buckets(app: &TestApp, sql: &str) -> Buckets {
    type Row = (
        i64,
        String,
        String,
        String,
        String,
        i64,
        i64,
        i64,
        i64,
        i64,
        Option<f64>,
        i64,
        i64,
        i64,
    );
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_all(&app.sql)
        .await
        .expect("buckets");
    rows.into_iter()
        .map(|(h, t, m, p, r, e, i, o, w, c, cost, ed, un, x)| {
            (
                format!("{h} {t} {m} {p} {r}"),
                [e, i, o, w, c, ed, un, x],
                cost,
            )
        })
        .collect()
}

#[tokio::test]
async fn new_events_added_to_buckets_already_holding_events_keep_every_column_exact() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let org = org(&app).await;
        // Three all-new batches whose events interleave in the same six hours and sessions, with
        // and without project, repository, price, cache tokens, edits and review-off modes: each
        // later batch adds to buckets the earlier ones created.
        let modes = [Value::Null, json!("default"), json!("acceptEdits"), json!("bypassPermissions")];
        let event = |i: u64| {
            let at = chrono::DateTime::parse_from_rfc3339("2026-10-01T00:00:00Z").expect("time")
                + chrono::Duration::seconds((i * 97 % 21_600) as i64);
            json!({"tool": "claude-code", "dedupe_key": format!("n{i}"), "session_id": format!("s{}", i % 3),
                   "timestamp": at.to_rfc3339(),
                   "model": if i.is_multiple_of(5) { "mystery-model-2" } else { "claude-sonnet-4-5" },
                   "input_tokens": 10 + i, "output_tokens": 3 * i + 1, "cache_read_tokens": i % 11 * 100,
                   "cache_write_5m_tokens": i % 3 * 7, "cache_write_1h_tokens": i % 4 * 5,
                   "project": if i.is_multiple_of(4) { Value::Null } else { json!("shop") },
                   "repository": if i.is_multiple_of(6) { Value::Null } else { json!("github.com/acme/shop") },
                   "tool_calls": {"Edit": i % 3, "Write": i % 2, "Bash": 1},
                   "permission_mode": modes[(i % 4) as usize]})
        };
        for batch in 0..3u64 {
            let events: Vec<Value> = (0..300).map(|i| event(i * 3 + batch)).collect();
            let (status, receipt) = send(&app, &org.ada, reqwest::Method::POST, "/api/v1/ingest/usage", &json!({"events": events})).await;
            assert_eq!((status, receipt["inserted"].as_u64()), (StatusCode::OK, Some(300)), "{receipt}");
        }
        let rolled = buckets(
            &app,
            "SELECT hour, tool, model, COALESCE(project, '-'), COALESCE(repository, '-'), events, input_tokens,
                    output_tokens, cache_write_tokens, cache_read_tokens, cost_usd, edits, edits_unreviewed,
                    CASE WHEN priced THEN 1 ELSE 0 END
             FROM usage_hourly ORDER BY 1, 2, 3, 4, 5, session_id, 14",
        )
        .await;
        let raw = buckets(
            &app,
            "SELECT (ts / 3600000) * 3600000, tool, model, COALESCE(project, '-'), COALESCE(repository, '-'),
                    CAST(COUNT(*) AS BIGINT), CAST(SUM(input_tokens) AS BIGINT), CAST(SUM(output_tokens) AS BIGINT),
                    CAST(SUM(cache_write_5m_tokens + cache_write_1h_tokens) AS BIGINT),
                    CAST(SUM(cache_read_tokens) AS BIGINT), CAST(SUM(cost_usd) AS DOUBLE PRECISION),
                    CAST(SUM(edit_calls) AS BIGINT),
                    CAST(SUM(CASE WHEN permission_mode IN ('acceptEdits', 'bypassPermissions') THEN edit_calls ELSE 0 END) AS BIGINT),
                    CASE WHEN cost_usd IS NULL THEN 0 ELSE 1 END
             FROM usage_events
             GROUP BY (ts / 3600000) * 3600000, tool, model, project, repository, session_id,
                      CASE WHEN cost_usd IS NULL THEN 0 ELSE 1 END
             ORDER BY 1, 2, 3, 4, 5, session_id, 14",
        )
        .await;
        assert_eq!(rolled.len(), raw.len());
        for (bucket, recomputed) in rolled.iter().zip(&raw) {
            assert_eq!((&bucket.0, bucket.1), (&recomputed.0, recomputed.1));
            // Sums of the same costs in another order: equal but for the last bits.
            match (bucket.2, recomputed.2) {
                (Some(a), Some(b)) => assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{a} vs {b}"),
                (a, b) => assert_eq!(a, b, "{}", bucket.0),
            }
        }
        // By hand: 900 events; edits = sum of i % 3 + i % 2 over 0..900.
        let edits: i64 = (0..900).map(|i| i % 3 + i % 2).sum();
        let totals = rolled.iter().fold((0, 0), |t, (_, sums, _)| (t.0 + sums[0], t.1 + sums[5]));
        assert_eq!(totals, (900, edits));
    })
    .await;
}

#[tokio::test]
async fn edit_decisions_keep_the_copy_that_saw_the_most_within_a_batch_and_across_uploads() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let org = org(&app).await;
        let decided = |key: &str, accepted: u32, rejected: u32| {
            let mut e = event(key, "2026-10-01T10:00:00Z", "claude-sonnet-4-5", 1000, 100);
            e["edit_decisions"] = json!({
                "Edit": {"accepted": accepted, "rejected": rejected},
                "Write": {"accepted": 1, "rejected": 0},
            });
            e
        };
        // 1,200 requests (more than one SQLite statement), two of them sent twice in the batch:
        // k0's second copy saw more decisions, k1's fewer.
        let mut first: Vec<Value> = (0..1200).map(|i| decided(&format!("k{i}"), 1, 0)).collect();
        first.push(decided("k0", 2, 1));
        first.push(decided("k1", 0, 0));
        let upload = |events: Vec<Value>| {
            let (app, ada) = (&app, &org.ada);
            async move {
                let body = json!({ "events": events });
                let (status, receipt) = send(
                    app,
                    ada,
                    reqwest::Method::POST,
                    "/api/v1/ingest/usage",
                    &body,
                )
                .await;
                assert_eq!(status, StatusCode::OK, "{receipt}");
            }
        };
        upload(first).await;
        // Sent again: k2 with more decisions, k3 with as many (the stored copy stays).
        upload(vec![decided("k2", 3, 0), decided("k3", 0, 1)]).await;

        let edits: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT dedupe_key, accepted, rejected FROM uploaded_edit_decisions
             WHERE tool_name = 'Edit' AND dedupe_key IN ('k0', 'k1', 'k2', 'k3')
             ORDER BY dedupe_key",
        )
        .fetch_all(&app.sql)
        .await
        .expect("decisions");
        let expected = [("k0", 2, 1), ("k1", 1, 0), ("k2", 3, 0), ("k3", 1, 0)]
            .map(|(k, a, r)| (k.to_owned(), a, r));
        assert_eq!(edits, expected.to_vec());
        let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM uploaded_edit_decisions")
            .fetch_one(&app.sql)
            .await
            .expect("rows");
        assert_eq!(rows, 2400, "one row per request and tool");
    })
    .await;
}
