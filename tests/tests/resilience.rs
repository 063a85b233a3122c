//! Issue #10's tests that stay: uploads racing each other, processes killed mid-upload, database
//! connections cut, and readers hammering the heaviest reports during an upload. Everything goes
//! through the product's outside: the real `agentmeter` and `agentmeter-server` binaries, the
//! HTTP API and pages, and the raw rows in the database.
//!
//! The common check: after any upload, however it went, the raw events, the server's reports and
//! the CLI's own reading of the logs all show the same events, tokens and cost.

mod concurrency;
mod faults;
mod load;

use crate::support::usage_logs::UsageLogs;
use crate::support::usage_totals::{self, UsageTotals};

/// Where the stored events of `email` or the spend report's total for them differ from
/// `expected` (what the logs hold). `context` names the backend and scenario.
pub async fn stored_and_reported_mismatches(
    base: &str,
    database_url: &str,
    token: &str,
    email: &str,
    logs: &UsageLogs,
    expected: &UsageTotals,
    context: &str,
) -> Vec<String> {
    let stored = usage_totals::stored(database_url, email).await;
    let reported = usage_totals::reported(base, token, email, logs).await;
    [
        stored.mismatch(expected, &format!("{context}: raw usage_events of {email}")),
        reported.mismatch(expected, &format!("{context}: spend report of {email}")),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Fails the test unless the stored events of `email` and the spend report's total for them equal
/// `expected`.
pub async fn assert_stored_and_reported_equal(
    base: &str,
    database_url: &str,
    token: &str,
    email: &str,
    logs: &UsageLogs,
    expected: &UsageTotals,
    context: &str,
) {
    let mismatches =
        stored_and_reported_mismatches(base, database_url, token, email, logs, expected, context)
            .await;
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
