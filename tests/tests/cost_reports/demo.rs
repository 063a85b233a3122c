//! The demo shows the whole loop: budgets with one team over in the last full month, an alert
//! history, and that month's reports as sent, each readable as an `.eml` from the outbox.
//!
//! Loaded as of 2026-12-02: the last full month is November 2026, in which Payments spent exactly
//! $450.00 (a planted truth) against its $400.00 budget: 112.5 %.

use chrono::NaiveDate;
use serde_json::Value;

use crate::support::{Backend, TestApp};

fn rows(value: &Value) -> &Vec<Value> {
    value.as_array().expect("a list")
}

#[tokio::test]
async fn the_demo_has_budgets_one_team_over_an_alert_history_and_a_month_of_sent_reports() {
    let today = NaiveDate::from_ymd_opt(2026, 12, 2).expect("date");
    let (app, admin) = TestApp::spawn_demo(Backend::sqlite(), today).await;

    let budgets = app.get_json(&admin, "/api/v1/budgets?month=2026-11").await;
    let over: Vec<&Value> = rows(&budgets)
        .iter()
        .filter(|b| b["actual_pct"].as_f64() > Some(100.0))
        .collect();
    assert_eq!(over.len(), 1, "one budget over: {budgets}");
    assert_eq!(over[0]["budget"]["team"], "Payments");
    let actual = over[0]["actual_usd"].as_f64().expect("actual");
    let share = over[0]["actual_pct"].as_f64().expect("share");
    assert!(
        (actual - 450.0).abs() < 0.005 && (share - 112.5).abs() < 0.001,
        "{budgets}"
    );
    assert_eq!(rows(&budgets).len(), 5, "the organisation and four teams");

    let alerts = app.get_json(&admin, "/api/v1/alerts").await;
    assert!(
        rows(&alerts)
            .iter()
            .any(|a| a["kind"] == "budget_actual_100"
                && a["period"] == "2026-11"
                && a["title"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("Payments"))),
        "{alerts}"
    );
    let critical = app
        .get_json(
            &admin,
            "/api/v1/reviews/alerts?from=2026-09-01&to=2026-11-30",
        )
        .await;
    let raised = rows(&alerts)
        .iter()
        .filter(|a| a["kind"] == "critical_pr_unreviewed")
        .count();
    assert!(!rows(&critical).is_empty());
    // Every critical merge of the quarter alerted (checks on the first day may add the day before).
    assert!(
        raised >= rows(&critical).len(),
        "one alert per critical merge: {alerts}"
    );

    let sends = app
        .get_json(&admin, "/api/v1/cost-reports/sends?month=2026-11")
        .await;
    assert_eq!(
        rows(&sends).len(),
        5,
        "the admin and four managers: {sends}"
    );
    assert!(rows(&sends)
        .iter()
        .all(|s| s["status"] == "sent" && s["has_message"] == true));
    let id = rows(&sends)[0]["id"].as_i64().expect("id");
    let eml = app
        .get(&admin, &format!("/admin/outbox/{id}/message.eml"))
        .await;
    assert_eq!(
        eml.headers()["content-type"].to_str().ok(),
        Some("message/rfc822")
    );
    let bytes = eml.bytes().await.expect("eml");
    let mail = mailparse::parse_mail(&bytes).expect("MIME");
    assert_eq!(mail.ctype.mimetype, "multipart/alternative");
    let text = mail.subparts[0].get_body().expect("text");
    assert!(
        text.contains("AI coding assistants in November 2026"),
        "{text}"
    );
    let outbox = app
        .get(&admin, "/admin/outbox")
        .await
        .text()
        .await
        .expect("page");
    assert!(outbox.contains("message.eml") && outbox.contains("2026-11"));
}
