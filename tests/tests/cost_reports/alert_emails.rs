//! Alerts by e-mail through a real SMTP server, as each manager chose: Platform's two managers
//! and the admin may hear of the team going over its budget; one manager turned that kind off at
//! `/api/v1/me/notifications` and gets nothing, the others one e-mail each however often the
//! checks run. Admins see each person's choice.
//!
//! liwei (Platform) used claude-sonnet-4-5 two minutes ago: 300k output at $15 a million =
//! $4.50, against Platform's $4.00 API-equivalent budget.

use chrono::{Duration, Utc};
use serde_json::json;

use agentmeter_server::alerts;
use agentmeter_server::cost_reports::Mailer;
use secrecy::SecretString;

use super::alerts::send;
use super::smtp_server::{header, SmtpServer};
use crate::support::{for_each_backend, TestApp};

#[tokio::test]
async fn each_manager_gets_the_alert_kinds_they_chose_by_email_once() {
    for_each_backend(|backend| async move {
        let smtp = SmtpServer::start();
        let app = TestApp::spawn_with(backend, |s| {
            s.smtp_url = Some(SecretString::from(smtp.url()));
            s.mail_from = "agentmeter <alerts@example.com>".into();
        })
        .await;
        let mailer = Mailer::from_settings(&app.state.settings)
            .expect("mail settings")
            .expect("a mailer");
        app.add_team("Platform").await;
        let root = app.add_user("root@example.com", "admin", &[]).await;
        let ana = app.add_user("ana@example.com", "manager", &["Platform"]).await;
        let carl = app.add_user("carl@example.com", "manager", &["Platform"]).await;
        let liwei = app.add_user("liwei@example.com", "developer", &["Platform"]).await;
        let just_now = (Utc::now() - Duration::minutes(2)).to_rfc3339();
        let usage = json!({"events": [{"tool": "claude-code", "dedupe_key": "l1", "session_id": "s1",
            "timestamp": just_now, "model": "claude-sonnet-4-5", "input_tokens": 0, "output_tokens": 300_000}]});
        let put = reqwest::Method::PUT;
        let (status, body) = send(&app, &liwei, reqwest::Method::POST, "/api/v1/ingest/usage", usage).await;
        assert_eq!(status, 200, "{body}");
        let budget = json!({"team": "Platform", "basis": "api_equivalent", "monthly_usd": 4.0});
        assert_eq!(send(&app, &root, put.clone(), "/api/v1/budgets", budget).await.0, 204);
        // Only the kind this test is about: the forecast depends on the day of the month.
        for kind in ["budget_forecast_over", "budget_actual_80", "uploads_stopped"] {
            let off = json!({"kind": kind, "enabled": false});
            assert_eq!(send(&app, &root, put.clone(), "/api/v1/alerts/rules", off).await.0, 204);
        }
        let carl_off = json!({"monthly_cost_report": true, "alerts": {"budget_actual_100": false}});
        let (status, settings) = send(&app, &carl, put.clone(), "/api/v1/me/notifications", carl_off).await;
        assert_eq!(status, 200, "{settings}");
        assert_eq!(settings["alerts"]["budget_actual_100"], false, "{settings}");
        // A developer gets no alerts, so cannot ask for them.
        let wants = json!({"monthly_cost_report": true, "alerts": {"budget_actual_100": true}});
        assert_eq!(send(&app, &liwei, put.clone(), "/api/v1/me/notifications", wants).await.0, 400);

        for _ in 0..2 {
            alerts::run_checks(&app.state, Utc::now(), true).await.expect("checks");
            alerts::deliver_due(&app.state, Some(&mailer), "test").await.expect("deliveries");
        }

        assert_eq!(
            smtp.recipients(),
            ["ana@example.com", "root@example.com"],
            "{}: carl turned budget alerts off",
            app.backend
        );
        for message in smtp.messages() {
            let subject = header(&message, "Subject").unwrap_or_default();
            assert!(subject.starts_with("agentmeter alert: Platform"), "{subject}");
        }
        let page = app.get(&ana, "/me/notifications").await.text().await.expect("html");
        assert!(page.contains("name=\"alert_budget_actual_100\""), "{page}");

        // Admins see who gets what: the report and the alerts by e-mail.
        let everyone = app.get_json(&root, "/api/v1/cost-reports/recipients").await;
        let kinds = |email: &str| {
            everyone
                .as_array()
                .and_then(|r| r.iter().find(|r| r["email"] == email))
                .map(|r| r["alerts_by_email"].clone())
                .unwrap_or_default()
        };
        assert_eq!(
            kinds("carl@example.com"),
            json!(["budget_forecast_over", "budget_actual_80", "critical_pr_unreviewed", "uploads_stopped"])
        );
        assert_eq!(kinds("ana@example.com").as_array().map(Vec::len), Some(5));
        let outbox = app.get(&root, "/admin/outbox").await.text().await.expect("html");
        let carl_row = outbox
            .split("<tr>")
            .find(|row| row.contains("carl@example.com"))
            .unwrap_or_else(|| panic!("carl is listed: {outbox}"));
        assert!(
            carl_row.contains("Critical AI-assisted PR merged unreviewed")
                && !carl_row.contains("Budget exceeded"),
            "{carl_row}"
        );
    })
    .await;
}
