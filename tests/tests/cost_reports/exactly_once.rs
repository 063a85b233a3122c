//! Exactly once per (month, recipient), with the real `serve` processes' scheduler on one
//! PostgreSQL: two servers running the monthly job at the same moment, a server killed mid-run
//! and started again, and an SMTP server that is down and then back.
//!
//! The scheduler reports on the month just ended: the servers start with reports due at once.

use std::time::{Duration, Instant};

use agentmeter_server::{admin, db::Db};
use secrecy::SecretString;

use super::smtp_server::SmtpServer;
use crate::support::serve::{start_serve_on, ServeProcess};
use crate::support::Backend;

/// A fresh PostgreSQL database, or `None` (with a note) when none is configured outside CI.
async fn postgres() -> Option<Backend> {
    match Backend::postgres().await {
        Some(pg) => Some(pg),
        None if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true but AGENTMETER_TEST_POSTGRES_URL is not set")
        }
        None => {
            eprintln!("note: AGENTMETER_TEST_POSTGRES_URL not set; PostgreSQL-only test skipped");
            None
        }
    }
}

/// An admin and `managers` managers of a team each: `managers + 1` recipients. Returns the
/// admin's API token.
pub(super) async fn organisation(url: &str, managers: usize) -> (Db, String) {
    let db = Db::connect(url).await.expect("connect");
    db.migrate().await.expect("migrate");
    let person = |email: String, role: &str, teams: Vec<String>| admin::AddUser {
        email,
        name: "Person".into(),
        role: role.into(),
        teams,
        password: Some(SecretString::from("a long enough password".to_owned())),
        ..admin::AddUser::default()
    };
    admin::add_user(&db, person("root@example.com".into(), "admin", vec![]))
        .await
        .expect("admin");
    for i in 0..managers {
        let team = format!("Team {i}");
        admin::add_team(&db, &team).await.expect("team");
        admin::add_user(
            &db,
            person(format!("manager{i}@example.com"), "manager", vec![team]),
        )
        .await
        .expect("manager");
    }
    let token = admin::create_token(&db, "root@example.com", Some("test"))
        .await
        .expect("token");
    (db, token)
}

/// `serve` on a free port with the scheduler ticking every second.
fn server(url: &str, smtp: &SmtpServer, extra: &[(&str, &str)]) -> ServeProcess {
    let smtp_url = smtp.url();
    let mut env = vec![
        ("AGENTMETER_SMTP_URL", smtp_url.as_str()),
        ("AGENTMETER_MAIL_FROM", "agentmeter <reports@example.com>"),
        ("AGENTMETER_SCHEDULER_TICK_SECS", "1"),
    ];
    env.extend_from_slice(extra);
    start_serve_on(url, "127.0.0.1:0", false, &env)
}

/// Waits (up to two minutes) until `done` holds for the ledger.
async fn wait_for(
    url: &str,
    what: &str,
    done: impl Fn(&[(String, String)]) -> bool,
) -> Vec<(String, String)> {
    let pool = sqlx::PgPool::connect(url).await.expect("pool");
    let started = Instant::now();
    loop {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT email, status FROM cost_report_sends ORDER BY email")
                .fetch_all(&pool)
                .await
                .expect("ledger");
        if done(&rows) {
            pool.close().await;
            return rows;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "never {what}: {rows:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn sent(rows: &[(String, String)]) -> usize {
    rows.iter().filter(|(_, s)| s == "sent").count()
}

fn one_each(smtp: &SmtpServer, managers: usize) {
    let mut expected: Vec<String> = (0..managers)
        .map(|i| format!("manager{i}@example.com"))
        .collect();
    expected.push("root@example.com".into());
    expected.sort();
    assert_eq!(smtp.recipients(), expected, "one message per recipient");
}

#[tokio::test]
async fn two_servers_running_the_monthly_job_at_once_send_each_recipient_one_report() {
    let Some(pg) = postgres().await else { return };
    let (_db, _token) = organisation(&pg.url, 6).await;
    let smtp = SmtpServer::start();
    // Both start together and tick every second; a short pause between messages keeps both
    // claiming rows from the same ledger at the same time.
    let pace = [("AGENTMETER_MAIL_SEND_INTERVAL_MS", "100")];
    let first = server(&pg.url, &smtp, &pace);
    let second = server(&pg.url, &smtp, &pace);
    wait_for(&pg.url, "all sent", |rows| {
        rows.len() == 7 && sent(rows) == 7
    })
    .await;
    // Nothing is left to send: stopping both now ends every chance of a second message.
    drop((first, second));
    one_each(&smtp, 6);
}

#[tokio::test]
async fn a_server_killed_mid_run_and_started_again_sends_the_rest_and_nothing_twice() {
    let Some(pg) = postgres().await else { return };
    let (_db, _token) = organisation(&pg.url, 4).await;
    let smtp = SmtpServer::start();
    // Two seconds between messages: the kill lands while the server waits between two sends.
    let pace = [("AGENTMETER_MAIL_SEND_INTERVAL_MS", "2000")];
    let mut running = server(&pg.url, &smtp, &pace);
    let at_kill = wait_for(&pg.url, "a first report sent", |rows| sent(rows) >= 1).await;
    running.child.kill().expect("SIGKILL");
    running.child.wait().expect("reap");
    let sent_before = sent(&wait_for(&pg.url, "the ledger read", |_| true).await);
    assert!(sent_before < 5, "killed before the run ended: {at_kill:?}");
    assert_eq!(
        smtp.messages().len(),
        sent_before,
        "what was sent is recorded as sent"
    );

    let restarted = server(&pg.url, &smtp, &pace);
    wait_for(&pg.url, "all sent after the restart", |rows| {
        sent(rows) == 5
    })
    .await;
    drop(restarted);
    one_each(&smtp, 4);
}

#[tokio::test]
async fn while_the_smtp_server_is_down_sends_fail_visibly_and_go_out_once_it_is_back() {
    let Some(pg) = postgres().await else { return };
    let (_db, token) = organisation(&pg.url, 2).await;
    let mut smtp = SmtpServer::reserved();
    let running = server(&pg.url, &smtp, &[("AGENTMETER_MAIL_RETRY_BASE_SECS", "1")]);
    wait_for(&pg.url, "all failed", |rows| {
        rows.len() == 3 && rows.iter().all(|(_, s)| s == "failed")
    })
    .await;

    // Admins see the failures and why, in the API and on the outbox page.
    let client = reqwest::Client::new();
    let sends: serde_json::Value = client
        .get(running.url("/api/v1/cost-reports/sends"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("sends")
        .json()
        .await
        .expect("json");
    for row in sends.as_array().expect("rows") {
        let error = row["last_error"].as_str().unwrap_or_default();
        assert!(error.starts_with("SMTP: "), "{row}");
        assert!(row["attempts"].as_i64() >= Some(1));
    }
    let page = client
        .get(running.url("/admin/outbox"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("outbox")
        .text()
        .await
        .expect("html");
    assert!(
        page.contains("3 failed") && page.contains("Resend"),
        "{page}"
    );

    smtp.run();
    wait_for(&pg.url, "all sent once the SMTP server is back", |rows| {
        sent(rows) == 3
    })
    .await;
    drop(running);
    one_each(&smtp, 2);
}
