//! The password in `smtp_url` is a secret: no log line of the server (at debug level), no page or
//! API answer and no output of `report send` holds it, even while every send fails and its error
//! is shown. aiosmtpd offers no AUTH on a plain connection, so a login makes every send fail after
//! the server is reached.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::exactly_once::organisation;
use super::smtp_server::SmtpServer;
use crate::support::app::{run, server_binary};
use crate::support::for_each_backend;
use crate::support::serve::start_serve_on;

const PASSWORD: &str = "Pa55-never-shown-7731";

#[tokio::test]
async fn the_smtp_password_appears_in_no_log_page_api_answer_or_command_output() {
    for_each_backend(|backend| async move {
        let (_db, token) = organisation(&backend.url, 1).await;
        let smtp = SmtpServer::start();
        let smtp_url = format!("smtp://mailer:{PASSWORD}@127.0.0.1:{}", smtp.port);
        let shown = format!("smtp://mailer@127.0.0.1:{}", smtp.port);
        let env = [
            ("AGENTMETER_SMTP_URL", smtp_url.as_str()),
            ("AGENTMETER_MAIL_FROM", "agentmeter <reports@example.com>"),
            ("AGENTMETER_SCHEDULER_TICK_SECS", "1"),
            ("AGENTMETER_LOG", "debug"),
        ];
        let running = start_serve_on(&backend.url, "127.0.0.1:0", false, &env);

        // Both reports of the month just ended fail, and say why.
        let client = reqwest::Client::new();
        let started = Instant::now();
        let sends = loop {
            let sends: Value = client
                .get(running.url("/api/v1/cost-reports/sends"))
                .bearer_auth(&token)
                .send()
                .await
                .expect("sends")
                .json()
                .await
                .expect("json");
            let rows = sends.as_array().cloned().unwrap_or_default();
            if rows.len() == 2 && rows.iter().all(|r| r["status"] == "failed") {
                break sends;
            }
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "{}: sends never failed: {sends}",
                backend.name
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        assert!(
            sends.to_string().contains("SMTP: "),
            "{}: {sends}",
            backend.name
        );
        assert!(!sends.to_string().contains(PASSWORD), "{sends}");
        assert!(
            running.log_lines_once_there_are("monthly report not sent", 2) >= 2,
            "{}: each failure is logged",
            backend.name
        );
        assert!(running.log_lines_once_there_are(&shown, 1) >= 1);
        assert_eq!(
            running.log_lines_once_there_are(PASSWORD, 0),
            0,
            "{}: the password is in the log",
            backend.name
        );
        let outbox = client
            .get(running.url("/admin/outbox"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("outbox")
            .text()
            .await
            .expect("html");
        assert!(
            outbox.contains(&shown) && outbox.contains("2 failed"),
            "{outbox}"
        );
        assert!(!outbox.contains(PASSWORD), "the password is on the page");
        drop(running);

        // The command line: a failing send, and a URL it cannot use.
        let month = sends[0]["month"].as_str().expect("month").to_owned();
        let bad_url = format!("smtp+starttls://mailer:{PASSWORD}@");
        for url in [smtp_url.as_str(), bad_url.as_str()] {
            let output = run(
                server_binary(),
                &["report", "send", "--month", &month],
                None,
                &[
                    ("AGENTMETER_DATABASE_URL", backend.url.as_str()),
                    ("AGENTMETER_SMTP_URL", url),
                    ("AGENTMETER_MAIL_FROM", "agentmeter <reports@example.com>"),
                    ("AGENTMETER_LOG", "debug"),
                ],
            );
            let said = format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
            assert!(!output.status.success(), "{said}");
            assert!(said.contains("smtp"), "{said}");
            assert!(
                !said.contains(PASSWORD),
                "the password in the output: {said}"
            );
        }
        assert!(smtp.messages().is_empty());
    })
    .await;
}
