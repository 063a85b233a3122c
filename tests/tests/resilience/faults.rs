//! Faults in the middle of an upload: the server process killed with SIGKILL and started again on
//! the same database, the CLI killed with SIGKILL, and (PostgreSQL) the server's database
//! connections cut again and again, as a PostgreSQL restart or failover cuts them. Whatever the
//! interrupted upload managed, running it again must leave every event stored and reported once.

use std::time::{Duration, Instant};

use crate::support::server_process::ServerProcess;
use crate::support::uploads::{Machine, Receipt};
use crate::support::usage_logs::{LogSpec, UsageLogs};
use crate::support::usage_totals::{self, UsageTotals};
use crate::support::{for_each_backend, Backend, TestApp};

use super::assert_stored_and_reported_equal;

/// Three batches of the uploader (5,000, 5,000, 1,000): the first is stored well before the last
/// is sent.
const EVENTS: usize = 11_000;

/// Waits until `email` has some but not all of `total` events stored: the upload is under way.
async fn until_partly_stored(database_url: &str, email: &str, total: u64) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let stored = usage_totals::stored(database_url, email).await.events;
        if stored > 0 {
            assert!(
                stored < total,
                "the upload ended before it could be interrupted"
            );
            return stored;
        }
        assert!(
            Instant::now() < deadline,
            "no batch was stored within 120 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The second upload's receipt must count as new exactly what the first left unstored.
fn assert_resent_the_rest(receipt: &Receipt, before: &UsageTotals, expected: &UsageTotals) {
    assert_eq!(
        (receipt.inserted, receipt.updated),
        (expected.events - before.events, 0),
        "the upload run again stores what was missing, nothing else: {receipt:?}, {} of {} stored before",
        before.events,
        expected.events
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_upload_and_restarted_on_the_same_database_ends_with_every_event_counted_once(
) {
    for_each_backend(|backend| async move {
        // Arrange
        let mut server = ServerProcess::start(&backend.url);
        let email = "dev@example.com";
        let token = server.add_user_with_token(email, "developer");
        let logs = UsageLogs::write(LogSpec::new(400, 7, EVENTS));
        let expected = usage_totals::local(&logs);
        let machine = Machine::logged_in(&server.base(), &token).with_fast_retries();

        // Act: SIGKILL once a batch is stored, start again at once on the same address (the
        // running CLI may even get its next retry through), then upload again.
        let upload = machine.start_upload(&logs);
        until_partly_stored(&backend.url, email, expected.events).await;
        server.restart_after_kill();
        let interrupted = upload.wait_with_output().await.expect("wait for upload");
        let before = usage_totals::stored(&backend.url, email).await;
        let again = machine.upload(&logs).await;

        // Assert
        let context = format!(
            "{}: killed server (interrupted upload exited {}: {})",
            backend.name,
            interrupted.status,
            String::from_utf8_lossy(&interrupted.stderr).trim()
        );
        assert_stored_and_reported_equal(
            &server.base(),
            &backend.url,
            &token,
            email,
            &logs,
            &expected,
            &context,
        )
        .await;
        assert_resent_the_rest(&again, &before, &expected);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_killed_mid_way_and_run_again_ends_with_every_event_counted_once() {
    for_each_backend(|backend| async move {
        // Arrange
        let app = TestApp::spawn(backend).await;
        let email = "dev@example.com";
        let dev = app.add_user(email, "developer", &[]).await;
        let logs = UsageLogs::write(LogSpec::new(500, 8, EVENTS));
        let expected = usage_totals::local(&logs);
        let machine = Machine::logged_in(&app.url(""), &dev.token).with_fast_retries();

        // Act
        let mut upload = machine.start_upload(&logs);
        until_partly_stored(&app.database_url, email, expected.events).await;
        upload.kill().await.expect("SIGKILL the upload");
        let before = usage_totals::stored(&app.database_url, email).await;
        let again = machine.upload(&logs).await;

        // Assert
        assert!(
            before.events < expected.events,
            "{}: the upload was killed before its end",
            app.backend
        );
        let context = format!("{}: killed CLI", app.backend);
        assert_stored_and_reported_equal(
            &app.url(""),
            &app.database_url,
            &dev.token,
            email,
            &logs,
            &expected,
            &context,
        )
        .await;
        // The batch in flight when the CLI died may still be stored after `before` was read, so
        // the new events are at most what was missing then.
        assert!(
            again.received == expected.events
                && again.inserted + again.unchanged == expected.events
                && again.inserted <= expected.events - before.events,
            "{context}: the upload run again sends everything and stores what was missing: \
             {again:?}, {} of {} stored before",
            before.events,
            expected.events
        );
    })
    .await;
}

/// Terminates every other connection to the test database every 50 ms until `stop` is set;
/// returns how many it terminated.
async fn cut_connections_until(
    database_url: String,
    stop: tokio::sync::watch::Receiver<bool>,
) -> u64 {
    let pool = sqlx::PgPool::connect(&database_url)
        .await
        .expect("connect to PostgreSQL");
    let mut cut = 0;
    let mut tick = tokio::time::interval(Duration::from_millis(50));
    while !*stop.borrow() {
        tick.tick().await;
        let terminated: Vec<bool> = sqlx::query_scalar(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .fetch_all(&pool)
        .await
        .expect("pg_terminate_backend");
        cut += terminated.into_iter().filter(|t| *t).count() as u64;
    }
    pool.close().await;
    cut
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_whose_postgres_connections_are_cut_again_and_again_succeeds_when_run_again_with_exact_totals(
) {
    let Some(backend) = Backend::postgres().await else {
        assert!(
            !std::env::var("CI").is_ok_and(|v| v == "true"),
            "CI=true but AGENTMETER_TEST_POSTGRES_URL is not set"
        );
        eprintln!("note: AGENTMETER_TEST_POSTGRES_URL not set; PostgreSQL-only test skipped");
        return;
    };
    // Arrange
    let app = TestApp::spawn(backend).await;
    let email = "dev@example.com";
    let dev = app.add_user(email, "developer", &[]).await;
    let logs = UsageLogs::write(LogSpec::new(600, 9, EVENTS));
    let expected = usage_totals::local(&logs);
    let machine = Machine::logged_in(&app.url(""), &dev.token).with_fast_retries();

    // Act: cut the server's connections for as long as the upload runs, then upload again.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let cutter = tokio::spawn(cut_connections_until(app.database_url.clone(), stopped));
    let interrupted = machine
        .start_upload(&logs)
        .wait_with_output()
        .await
        .expect("wait for upload");
    stop.send(true).expect("stop cutting");
    let cut = cutter.await.expect("cutter task");
    let before = usage_totals::stored(&app.database_url, email).await;
    let again = machine.upload(&logs).await;

    // Assert
    assert!(cut > 0, "no connection was cut during the upload");
    let context = format!(
        "postgres: {cut} connections cut (interrupted upload exited {}: {})",
        interrupted.status,
        String::from_utf8_lossy(&interrupted.stderr).trim()
    );
    eprintln!("{context}");
    assert_stored_and_reported_equal(
        &app.url(""),
        &app.database_url,
        &dev.token,
        email,
        &logs,
        &expected,
        &context,
    )
    .await;
    assert_resent_the_rest(&again, &before, &expected);
}
