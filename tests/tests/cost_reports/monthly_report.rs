//! The monthly report as the real `agentmeter-server report send` sends it to a real SMTP server:
//! multipart MIME with a text and an HTML part, each manager's holding only their teams' people,
//! its totals the API's for the same month and scope, and sent once per person.
//!
//! Prices: claude-sonnet-4-5 $15 per million output tokens (requests under 200k prompt tokens, so
//! base rates). October 2026 (UTC): liwei (Platform) 300k out = $4.50; moreno (Payments) 400k out
//! = $6.00. September: liwei 200k out = $3.00. Nobody holds a seat: everything is pay-as-you-go,
//! so paid = API-equivalent.

use std::path::Path;

use mailparse::{MailHeaderMap, ParsedMail};
use serde_json::{json, Value};

use super::smtp_server::{header, SmtpServer};
use crate::support::app::{run, server_binary};
use crate::support::{for_each_backend, TestApp, TestUser};

struct Org {
    admin: TestUser,
    ana: TestUser,
    bo: TestUser,
}

fn event(key: &str, at: &str, input: u64, output: u64) -> Value {
    json!({"tool": "claude-code", "dedupe_key": key, "session_id": format!("s-{key}"), "timestamp": at,
           "model": "claude-sonnet-4-5", "input_tokens": input, "output_tokens": output})
}

async fn upload(app: &TestApp, user: &TestUser, events: Vec<Value>) {
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/ingest/usage"))
        .bearer_auth(&user.token)
        .json(&json!({ "events": events }))
        .send()
        .await
        .expect("upload");
    assert!(
        response.status().is_success(),
        "upload: {}",
        response.status()
    );
}

/// Platform (manager ana, developer liwei), Payments (manager bo, developer moreno), an admin;
/// Platform's API-equivalent budget is $4.00, so October is 112.5 % of it.
async fn org(app: &TestApp) -> Org {
    app.add_team("Platform").await;
    app.add_team("Payments").await;
    let org = Org {
        admin: app.add_user("root@example.com", "admin", &[]).await,
        ana: app
            .add_user("ana@example.com", "manager", &["Platform"])
            .await,
        bo: app
            .add_user("bo@example.com", "manager", &["Payments"])
            .await,
    };
    let liwei = app
        .add_user("liwei@example.com", "developer", &["Platform"])
        .await;
    let moreno = app
        .add_user("moreno@example.com", "developer", &["Payments"])
        .await;
    upload(
        app,
        &liwei,
        vec![
            event("l-sep", "2026-09-15T10:00:00Z", 0, 200_000),
            event("l-oct", "2026-10-12T10:00:00Z", 0, 300_000),
        ],
    )
    .await;
    upload(
        app,
        &moreno,
        vec![event("m-oct", "2026-10-13T10:00:00Z", 0, 400_000)],
    )
    .await;
    let budget = reqwest::Client::new()
        .put(app.url("/api/v1/budgets"))
        .bearer_auth(&org.admin.token)
        .json(&json!({"team": "Platform", "basis": "api_equivalent", "monthly_usd": 4.0}))
        .send()
        .await
        .expect("budget");
    assert_eq!(budget.status().as_u16(), 204);
    org
}

fn report_send(app: &TestApp, smtp: &SmtpServer, args: &[&str]) -> std::process::Output {
    let mut all = vec!["report", "send", "--month", "2026-10"];
    all.extend_from_slice(args);
    run(
        server_binary(),
        &all,
        None,
        &[
            ("AGENTMETER_DATABASE_URL", &app.database_url),
            ("AGENTMETER_SMTP_URL", &smtp.url()),
            ("AGENTMETER_MAIL_FROM", "agentmeter <reports@example.com>"),
            ("AGENTMETER_PUBLIC_URL", "https://agentmeter.example.com"),
        ],
    )
}

/// The text and HTML parts of a `multipart/alternative` message.
fn parts(raw: &[u8]) -> (String, String) {
    let mail = mailparse::parse_mail(raw).expect("the message parses as MIME");
    assert_eq!(mail.ctype.mimetype, "multipart/alternative");
    let kinds: Vec<&str> = mail
        .subparts
        .iter()
        .map(|p| p.ctype.mimetype.as_str())
        .collect();
    assert_eq!(kinds, ["text/plain", "text/html"]);
    let body = |p: &ParsedMail| p.get_body().expect("a decodable part");
    (body(&mail.subparts[0]), body(&mail.subparts[1]))
}

fn message_to<'a>(messages: &'a [Vec<u8>], email: &str) -> &'a [u8] {
    let found: Vec<&Vec<u8>> = messages
        .iter()
        .filter(|m| header(m, "X-RcptTo").as_deref() == Some(email))
        .collect();
    assert_eq!(found.len(), 1, "exactly one message to {email}");
    found[0]
}

/// What the API answers `user` for October: the spend month's cost and the plans lines' paid sum.
async fn api_totals(app: &TestApp, user: &TestUser) -> (f64, f64) {
    let range = "from=2026-10-01&to=2026-10-31";
    let spend = app
        .get_json(user, &format!("/api/v1/metrics/spend?{range}"))
        .await;
    let plans = app
        .get_json(user, &format!("/api/v1/metrics/plans?{range}"))
        .await;
    let paid = plans["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .filter(|l| l["month"] == "2026-10")
        .map(|l| l["current_cost_usd"].as_f64().expect("cost"))
        .sum();
    (
        spend["months"][0]["cost_usd"].as_f64().expect("month cost"),
        paid,
    )
}

fn eml_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("out dir")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn each_manager_gets_one_multipart_report_of_their_teams_with_the_apis_totals() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let org = org(&app).await;
        let smtp = SmtpServer::start();

        // A dry run writes the three reports and sends nothing.
        let out = tempfile::tempdir().expect("out");
        let dry = report_send(
            &app,
            &smtp,
            &["--dry-run", "--out", &out.path().display().to_string()],
        );
        assert!(
            dry.status.success(),
            "dry run: {}",
            String::from_utf8_lossy(&dry.stderr)
        );
        assert_eq!(
            eml_files(out.path()),
            [
                "2026-10-ana@example.com.eml",
                "2026-10-bo@example.com.eml",
                "2026-10-root@example.com.eml"
            ]
        );
        assert!(
            smtp.messages().is_empty(),
            "{}: a dry run sends nothing",
            app.backend
        );

        let sent = report_send(&app, &smtp, &[]);
        assert!(
            sent.status.success(),
            "send: {}",
            String::from_utf8_lossy(&sent.stderr)
        );
        let messages = smtp.messages();
        assert_eq!(
            smtp.recipients(),
            ["ana@example.com", "bo@example.com", "root@example.com"]
        );

        let (ana_text, ana_html) = parts(message_to(&messages, "ana@example.com"));
        assert!(
            ana_text.contains("- liwei: $4.50 API-equivalent"),
            "{ana_text}"
        );
        assert!(
            !ana_text.contains("moreno") && !ana_html.contains("moreno"),
            "{ana_text}"
        );
        assert!(
            ana_text.contains(
                "API-equivalent value: $4.50 (September: too small a base for a percentage)"
            ),
            "{ana_text}"
        );
        assert!(
            ana_text.contains(
                "Paid for plans: $4.50 (September: $3.00, too small a base for a percentage)"
            ),
            "{ana_text}"
        );
        assert!(
            ana_text.contains("Platform: $4.50 of $4.00 (112.5%) - OVER BUDGET"),
            "{ana_text}"
        );
        assert!(ana_html.contains("liwei") && ana_html.contains("$4.50 of $4.00 (112.5%)"));
        let (bo_text, _) = parts(message_to(&messages, "bo@example.com"));
        assert!(
            bo_text.contains("- moreno: $6.00 API-equivalent"),
            "{bo_text}"
        );
        assert!(
            !bo_text.contains("liwei") && !bo_text.contains("Platform:"),
            "{bo_text}"
        );
        assert!(
            bo_text.contains(
                "API-equivalent value: $6.00 (September: too small a base for a percentage)"
            ),
            "{bo_text}"
        );
        let (root_text, _) = parts(message_to(&messages, "root@example.com"));
        assert!(
            root_text.contains("liwei") && root_text.contains("moreno"),
            "{root_text}"
        );
        assert!(
            root_text.contains(
                "API-equivalent value: $10.50 (September: too small a base for a percentage)"
            ),
            "{root_text}"
        );

        // Each report's totals are what the API answers its recipient for October.
        for (user, text, api_cost, paid) in [
            (&org.ana, &ana_text, 4.5, 4.5),
            (&org.bo, &bo_text, 6.0, 6.0),
            (&org.admin, &root_text, 10.5, 10.5),
        ] {
            let (spend, plans) = api_totals(&app, user).await;
            assert_eq!(
                (spend, plans),
                (api_cost, paid),
                "{}: {}",
                app.backend,
                user.email
            );
            let preview = app
                .get_json(user, "/api/v1/cost-reports/preview?month=2026-10")
                .await;
            assert_eq!(
                preview["api_equivalent_usd"].as_f64(),
                Some(spend),
                "{preview}"
            );
            assert_eq!(preview["paid_usd"].as_f64(), Some(plans), "{preview}");
            assert!(text.contains(&format!("API-equivalent value: ${spend:.2}")));
            assert!(text.contains(&format!("Paid for plans: ${plans:.2}")));
        }
        let mail = mailparse::parse_mail(message_to(&messages, "ana@example.com")).expect("mime");
        assert_eq!(
            mail.headers.get_first_value("Message-ID").as_deref(),
            Some(
                format!(
                    "<cost-report.2026-10.{}@example.com>",
                    user_id(&app, "ana@example.com").await
                )
                .as_str()
            )
        );

        // Sending the month again sends nothing; --to sends that one person's again.
        let again = report_send(&app, &smtp, &[]);
        assert!(again.status.success());
        assert_eq!(
            smtp.messages().len(),
            3,
            "{}: nobody gets October twice",
            app.backend
        );
        let resend = report_send(&app, &smtp, &["--to", "ana@example.com"]);
        assert!(
            resend.status.success(),
            "{}",
            String::from_utf8_lossy(&resend.stderr)
        );
        assert_eq!(smtp.messages().len(), 4);
        let ledger = app
            .get_json(&org.admin, "/api/v1/cost-reports/sends?month=2026-10")
            .await;
        let statuses: Vec<(&str, &str)> = ledger
            .as_array()
            .expect("rows")
            .iter()
            .map(|r| {
                (
                    r["email"].as_str().unwrap_or(""),
                    r["status"].as_str().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(
            statuses,
            [
                ("ana@example.com", "sent"),
                ("bo@example.com", "sent"),
                ("root@example.com", "sent")
            ]
        );
    })
    .await;
}

async fn user_id(app: &TestApp, email: &str) -> i64 {
    let row: (i64,) = sqlx::query_as("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&app.sql)
        .await
        .expect("user id");
    row.0
}

#[tokio::test]
async fn a_manager_who_opted_out_gets_no_report_and_admins_see_it() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let org = org(&app).await;
        let smtp = SmtpServer::start();
        let opt_out = reqwest::Client::new()
            .put(app.url("/api/v1/me/notifications"))
            .bearer_auth(&org.bo.token)
            .json(&json!({"monthly_cost_report": false}))
            .send()
            .await
            .expect("opt out");
        assert_eq!(opt_out.status().as_u16(), 200);

        let sent = report_send(&app, &smtp, &[]);
        assert!(
            sent.status.success(),
            "{}",
            String::from_utf8_lossy(&sent.stderr)
        );
        assert_eq!(smtp.recipients(), ["ana@example.com", "root@example.com"]);
        let recipients = app
            .get_json(&org.admin, "/api/v1/cost-reports/recipients")
            .await;
        let bo = recipients
            .as_array()
            .and_then(|r| r.iter().find(|r| r["email"] == "bo@example.com"))
            .expect("bo is listed");
        assert_eq!(
            (bo["opted_out"].as_bool(), bo["teams"].clone()),
            (Some(true), json!(["Payments"]))
        );
    })
    .await;
}
