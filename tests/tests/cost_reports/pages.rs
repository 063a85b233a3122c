//! This month's outlook on the pages, for a team view: the overview's first row gives a percent
//! change of what is paid only on a base the engine finds meaningful ($10 or more last month, its
//! month-end forecast against it), and the spend page charts the month so far, its forecast and
//! the budget, with the budgets API's forecast share.
//!
//! claude-sonnet-4-5 at $15 per million output tokens, nobody on a plan (paid = API-equivalent):
//! Platform (liwei) $3.00 last month and $4.50 this month, against a $4.00 budget; Payments
//! (moreno) $12.00 last month and $1.50 this month.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use serde_json::json;

use crate::support::{for_each_backend, TestApp, TestUser};

async fn upload(app: &TestApp, user: &TestUser, key: &str, at: String, output: u64) {
    let body = json!({"events": [{"tool": "claude-code", "dedupe_key": key, "session_id": key,
        "timestamp": at, "model": "claude-sonnet-4-5", "input_tokens": 0, "output_tokens": output}]});
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/ingest/usage"))
        .bearer_auth(&user.token)
        .json(&body)
        .send()
        .await
        .expect("upload");
    assert!(response.status().is_success(), "{}", response.status());
}

/// The first KPI card of a page whose label starts with `label`, as HTML.
fn card<'a>(page: &'a str, label: &str) -> &'a str {
    let start = page
        .find(&format!("<span class=\"kpi-label\">{label}"))
        .unwrap_or_else(|| panic!("no {label:?} card: {page}"));
    let rest = &page[start..];
    &rest[..rest.find("</a>").unwrap_or(rest.len())]
}

#[tokio::test]
async fn the_first_row_and_the_spend_page_show_the_forecast_against_the_budget_and_no_percent_on_a_tiny_base(
) {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        app.add_team("Platform").await;
        app.add_team("Payments").await;
        let root = app.add_user("root@example.com", "admin", &[]).await;
        let liwei = app
            .add_user("liwei@example.com", "developer", &["Platform"])
            .await;
        let moreno = app
            .add_user("moreno@example.com", "developer", &["Payments"])
            .await;
        let now = Utc::now();
        let this_month = now.date_naive().with_day(1).expect("first");
        let last_month = (this_month - Duration::days(1)).with_day(10).expect("10th");
        let at = |day: NaiveDate| format!("{day}T12:00:00Z");
        let just_now = (now - Duration::seconds(30)).to_rfc3339();
        upload(&app, &liwei, "l-before", at(last_month), 200_000).await;
        upload(&app, &liwei, "l-now", just_now.clone(), 300_000).await;
        upload(&app, &moreno, "m-before", at(last_month), 800_000).await;
        upload(&app, &moreno, "m-now", just_now, 100_000).await;
        let budget = json!({"team": "Platform", "basis": "api_equivalent", "monthly_usd": 4.0});
        let set = reqwest::Client::new()
            .put(app.url("/api/v1/budgets"))
            .bearer_auth(&root.token)
            .json(&budget)
            .send()
            .await
            .expect("budget");
        assert_eq!(set.status().as_u16(), 204);
        let month_name = this_month.format("%B %Y").to_string();
        let before = last_month.format("%B %Y").to_string();
        let statuses = app
            .get_json(
                &root,
                &format!("/api/v1/budgets?month={}", this_month.format("%Y-%m")),
            )
            .await;
        let platform = statuses
            .as_array()
            .and_then(|b| b.iter().find(|b| b["budget"]["team"] == "Platform"))
            .cloned()
            .expect("Platform's budget");
        // No forecast before one full day of the month has passed (on the 1st, in the morning).
        let forecast_pct = platform["forecast_pct"].as_f64();

        let page = |path: &'static str| {
            let app = &app;
            let root = &root;
            async move { app.get(root, path).await.text().await.expect("html") }
        };
        let tiny = page("/?team=Platform").await;
        let paid = card(&tiny, "Paid for plans");
        assert!(
            paid.contains("$4.50") && paid.contains(&format!("{before}: $3</span>")),
            "{paid}"
        );
        assert!(
            !paid.contains('%'),
            "{}: a change on $3.00: {paid}",
            app.backend
        );
        let meaningful = page("/?team=Payments").await;
        let paid = card(&meaningful, "Paid for plans");
        assert!(paid.contains(&format!("{before}: $12</span>")), "{paid}");
        assert_eq!(
            paid.contains(&format!("forecast vs {before}")),
            forecast_pct.is_some(),
            "{}: {paid}",
            app.backend
        );

        let spend = page("/spend?team=Platform").await;
        assert!(
            spend.contains(&format!("This month, {month_name}")),
            "{spend}"
        );
        assert!(spend.contains("$4.50 spent so far"), "{spend}");
        assert!(spend.contains("Budget"), "the budget line: {spend}");
        if let Some(expected) = forecast_pct {
            assert!(spend.contains("Month-end forecast"), "{spend}");
            let note = spend
                .split("forecast for the whole month, ")
                .nth(1)
                .unwrap_or_else(|| panic!("no forecast note: {spend}"));
            let shown: f64 = note[..note.find('%').expect("a share")]
                .replace(',', "")
                .parse()
                .expect("a number");
            assert!(
                (shown - expected).abs() < 0.2,
                "{}: {shown} % on the page, {expected} % from the API",
                app.backend
            );
            assert!(note.contains("of the $4 budget"), "{note}");
        }
    })
    .await;
}
