//! Several real `agentmeter upload` processes at once, on both backends: the same logs by one
//! developer (a hook and a manual run), other logs of one developer from several machines, and the
//! same logs by two developers.
//!
//! A lost race shows only some of the time, so each race runs again over fresh logs, more often on
//! PostgreSQL, where transactions overlap (SQLite has one writer at a time). The developers have
//! uploaded before, as real ones have, so the hours the new logs fall in already hold rollup rows:
//! two uploads refreshing those hours at once must not both leave their rows (reports would count
//! events twice), and receipts must not count as new what another upload stored meanwhile. Every
//! round is checked, and all that differs is reported at the end.

use crate::support::app::TestApp;
use crate::support::uploads::{finished_upload, Machine, Receipt};
use crate::support::usage_logs::{LogSpec, UsageLogs};
use crate::support::usage_totals::{self, UsageTotals};
use crate::support::{for_each_backend, Backend, TestUser};

use super::stored_and_reported_mismatches;

/// Events per log tree sent in two batches (5,000 + 500), so that uploads overtake each other.
const TWO_BATCHES: usize = 5_500;
/// Events per log tree sent in one batch.
const ONE_BATCH: usize = 2_000;
/// Events a developer uploaded before the races.
const EARLIER: usize = 1_000;

/// Races per test: one on SQLite, where writers queue; `on_postgres` on PostgreSQL.
fn rounds(app: &TestApp, on_postgres: u64) -> u64 {
    if app.backend == "postgres" {
        on_postgres
    } else {
        1
    }
}

/// A server with an admin to read the reports as.
async fn server(backend: Backend) -> (TestApp, TestUser) {
    let app = TestApp::spawn(backend).await;
    let admin = app.add_user("admin@example.com", "admin", &[]).await;
    (app, admin)
}

/// A developer who has uploaded `EARLIER` events of the same days; returns them, their machines
/// and the totals of what they uploaded.
async fn developer_with_history(
    app: &TestApp,
    email: &str,
    seed: u64,
    machines: usize,
) -> (TestUser, Vec<Machine>, UsageTotals) {
    let user = app.add_user(email, "developer", &[]).await;
    let machines: Vec<Machine> = (0..machines)
        .map(|_| Machine::logged_in(&app.url(""), &user.token))
        .collect();
    let earlier = UsageLogs::write(LogSpec::new(seed, 0, EARLIER));
    machines[0].upload(&earlier).await;
    (user, machines, usage_totals::local(&earlier))
}

/// Starts every `(machine, logs)` upload at once and waits for all; each must exit 0.
async fn upload_at_once(uploads: &[(&Machine, &UsageLogs)]) -> Vec<Receipt> {
    let children: Vec<_> = uploads
        .iter()
        .map(|(machine, logs)| machine.start_upload(logs))
        .collect();
    let waits: Vec<_> = children
        .into_iter()
        .map(|child| tokio::spawn(child.wait_with_output()))
        .collect();
    let mut receipts = Vec::new();
    for wait in waits {
        receipts.push(finished_upload(wait.await.expect("upload task")));
    }
    receipts
}

/// Where the raw rows or the spend report of `email` differ from `expected`.
async fn mismatches(
    app: &TestApp,
    admin: &TestUser,
    email: &str,
    logs: &UsageLogs,
    expected: &UsageTotals,
    context: &str,
) -> Vec<String> {
    let base = app.url("");
    stored_and_reported_mismatches(
        &base,
        &app.database_url,
        &admin.token,
        email,
        logs,
        expected,
        context,
    )
    .await
}

/// Where the new events over `receipts` differ from the `new` events the uploads brought.
fn receipt_mismatch(receipts: &[Receipt], new: u64, context: &str) -> Option<String> {
    let inserted: u64 = receipts.iter().map(|r| r.inserted).sum();
    (inserted != new).then(|| {
        format!(
            "{context}: receipts count {inserted} new events of {new} ({:+}): {receipts:?}",
            inserted as i64 - new as i64
        )
    })
}

fn assert_no_mismatch(mismatches: &[String]) {
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_uploads_of_the_same_logs_by_one_developer_at_once_store_report_and_receipt_each_event_once(
) {
    for_each_backend(|backend| async move {
        let (app, admin) = server(backend).await;
        let email = "dev@example.com";
        let (_, machines, mut expected) = developer_with_history(&app, email, 100, 3).await;
        let mut found = Vec::new();
        for round in 0..rounds(&app, 2) {
            // Arrange
            let context = format!("{} round {round}", app.backend);
            let logs = UsageLogs::write(LogSpec::new(101 + round, 0, TWO_BATCHES));
            let new = usage_totals::local(&logs);
            expected = expected.plus(&new);

            // Act
            let uploads: Vec<_> = machines.iter().map(|m| (m, &logs)).collect();
            let receipts = upload_at_once(&uploads).await;

            // Assert (below, once every round ran)
            found.extend(mismatches(&app, &admin, email, &logs, &expected, &context).await);
            found.extend(receipt_mismatch(&receipts, new.events, &context));
            let received: u64 = receipts.iter().map(|r| r.received).sum();
            assert_eq!(received, 3 * new.events, "{context}: each upload sends all");
        }
        assert_no_mismatch(&found);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_developers_each_uploading_other_logs_from_three_machines_at_once_get_exactly_their_events(
) {
    for_each_backend(|backend| async move {
        let (app, admin) = server(backend).await;
        let mut developers = Vec::new();
        for d in 0..2 {
            let email = format!("dev{d}@example.com");
            let (_, machines, earlier) = developer_with_history(&app, &email, 200 + d, 3).await;
            developers.push((email, machines, earlier));
        }
        let mut found = Vec::new();
        for round in 0..rounds(&app, 3) {
            // Arrange: new logs on each machine, in the same hours as the rest.
            let mut trees = Vec::new();
            for (d, (_, machines, expected)) in developers.iter_mut().enumerate() {
                let seed = 1_000 + 100 * round + 10 * d as u64;
                let logs: Vec<UsageLogs> = (0..machines.len() as u64)
                    .map(|m| UsageLogs::write(LogSpec::new(seed + m, d, ONE_BATCH)))
                    .collect();
                let new = usage_totals::local_of(&logs.iter().collect::<Vec<_>>());
                *expected = expected.plus(&new);
                trees.push((logs, new));
            }

            // Act
            let uploads: Vec<_> = developers
                .iter()
                .zip(&trees)
                .flat_map(|((_, machines, _), (logs, _))| machines.iter().zip(logs))
                .collect();
            let receipts = upload_at_once(&uploads).await;

            // Assert (below, once every round ran)
            let mut receipts = receipts.chunks(3);
            for ((email, _, expected), (logs, new)) in developers.iter().zip(&trees) {
                let context = format!("{} round {round}, {email}", app.backend);
                found.extend(mismatches(&app, &admin, email, &logs[0], expected, &context).await);
                let theirs = receipts.next().expect("three receipts per developer");
                found.extend(receipt_mismatch(theirs, new.events, &context));
            }
        }
        assert_no_mismatch(&found);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_developers_uploading_the_same_logs_at_once_each_get_their_own_copy() {
    for_each_backend(|backend| async move {
        // Arrange: one log tree both have (a shared machine, a copied home directory), each
        // uploading it from two machines at once.
        let (app, admin) = server(backend).await;
        let logs = UsageLogs::write(LogSpec::new(300, 5, TWO_BATCHES));
        let expected = usage_totals::local(&logs);
        let mut developers = Vec::new();
        for d in 0..2 {
            let email = format!("pair{d}@example.com");
            let user = app.add_user(&email, "developer", &[]).await;
            let machines = [
                Machine::logged_in(&app.url(""), &user.token),
                Machine::logged_in(&app.url(""), &user.token),
            ];
            developers.push((email, machines));
        }

        // Act
        let uploads: Vec<_> = developers
            .iter()
            .flat_map(|(_, machines)| machines.iter().map(|m| (m, &logs)))
            .collect();
        let receipts = upload_at_once(&uploads).await;

        // Assert
        let mut found = Vec::new();
        for ((email, _), theirs) in developers.iter().zip(receipts.chunks(2)) {
            let context = format!("{}, {email}", app.backend);
            found.extend(mismatches(&app, &admin, email, &logs, &expected, &context).await);
            found.extend(receipt_mismatch(theirs, expected.events, &context));
        }
        assert_no_mismatch(&found);
    })
    .await;
}
