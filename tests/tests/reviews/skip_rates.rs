//! Review-skip figures through `/api/v1/reviews/summary` on a hand-built set of pull requests,
//! each chosen for one rule: self-approval, post-merge approval, dismissed review, rubber stamp,
//! proper approval; AI-assisted by body, commit trailer or assistant session; critical or not.

use serde_json::{json, Value};

use super::skip_history::{build_history, developer, upload_usage};
use super::spawn_with_secrets;
use crate::support::app::PASSWORD;
use crate::support::{for_each_backend, BrowserSession};

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
        // The alert names the files that matched, not the globs, and why it is AI-assisted.
        let files = alerts[0]["critical_paths"].as_array().expect("critical paths");
        assert!(!files.is_empty(), "{}", alerts[0]);
        for file in files.iter().filter_map(Value::as_str) {
            assert!(!file.contains('*'), "a file, not a glob: {file}");
            assert!(["migrations/", "auth/", "billing/"].iter().any(|d| file.contains(d)), "{file}");
        }
        assert_eq!(alerts[0]["ai_evidence"], json!(["description marked by claude-code"]));
        let all_split = &report["time_to_first_review_by_split"][0];
        assert_eq!((&all_split["split"], &all_split["reviewed_prs"]), (&json!("all"), &json!(6)));
        close(all_split["median_hours"].as_f64().expect("split median"), median, "the 'all' split");
        assert!(report["weeks"].as_array().is_some_and(|w| w.len() == 6), "every week of March: {}", report["weeks"]);

        // Carol's page lists the pull requests she reviewed, with her last verdict on each.
        let session = BrowserSession::sign_in(&app, "admin@example.com", PASSWORD).await;
        let carol_page = session
            .client
            .get(app.url("/developers/carol@example.com?from=2026-03-01&to=2026-03-31"))
            .send()
            .await
            .expect("carol's page");
        assert_eq!(carol_page.status().as_u16(), 200);
        let html = carol_page.text().await.expect("body");
        let given = html.split("Reviews given").nth(1).expect("a Reviews given section");
        assert!(!given.contains("None in this period."), "{given}");
        let verdict = |number: u32| {
            let row = given
                .split("<tr>")
                .find(|row| row.contains(&format!(">#{number} ")))
                .unwrap_or_else(|| panic!("no row for #{number}: {given}"));
            ["Approved", "Dismissed", "Changes requested", "Commented"]
                .into_iter()
                .find(|v| row.contains(&format!(">{v}</span>")))
                .unwrap_or("none")
        };
        // Her reviews (build_history): #2 approved, #3 approved then dismissed, #7 changes
        // requested then approved: the last verdict stands.
        assert_eq!((verdict(2), verdict(3), verdict(7)), ("Approved", "Dismissed", "Approved"));
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
