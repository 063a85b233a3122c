//! Loaders turning stored pull requests and collected commits into the metrics engine's input
//! rows. Public: the productivity endpoint reads commits and PRs through these too.

use chrono::{DateTime, Utc};

use agentmeter_metrics::rows::{CommitRow, PullRequestRow, ReviewOutcome};
use agentmeter_reviews::AiReason;

use crate::db::Db;
use crate::error::Result;
use crate::store::commits::{self, AuthoredCommit};
use crate::store::pull_requests::{self, PullRequestSummary};

/// Pull requests alive during `[from_ms, to_ms)`: opened before its end and not merged or closed
/// before its start. Classification is the cached one (see `reviews::classification`).
pub async fn pull_request_rows(db: &Db, from_ms: i64, to_ms: i64) -> Result<Vec<PullRequestRow>> {
    let stored = pull_requests::alive_between(db, from_ms, to_ms).await?;
    let mut rows: Vec<PullRequestRow> = stored.into_iter().map(pull_request_row).collect();
    rows.sort_by(|a, b| (&a.repository, a.number).cmp(&(&b.repository, b.number)));
    Ok(rows)
}

fn pull_request_row(p: PullRequestSummary) -> PullRequestRow {
    // Without the forge's own counts the change size (summed over commits) is all we know.
    let (lines_added, lines_removed) = match (p.lines_added, p.lines_removed) {
        (Some(a), Some(r)) => (a, r),
        _ => (p.change_size, 0),
    };
    // Stored by the classifier; a row it wrote in an older shape only loses its evidence.
    let ai_evidence = serde_json::from_value::<Vec<AiReason>>(p.ai_reasons)
        .map(|reasons| reasons.iter().map(AiReason::describe).collect())
        .unwrap_or_default();
    PullRequestRow {
        repository: p.repository,
        number: p.number,
        url: p.url,
        title: p.title,
        author_user_id: p.author_user_id,
        created_at: utc(p.created_at),
        merged_at: p.merged_at.map(utc),
        first_review_at: p.first_review_at.map(utc),
        outcome: p.outcome.as_deref().and_then(metrics_outcome),
        ai_assisted: p.ai_assisted,
        ai_evidence,
        critical: p.critical,
        critical_paths: p.critical_paths,
        lines_added,
        lines_removed,
    }
}

/// Commits authored during `[from_ms, to_ms)`, as the git collector uploaded them. A commit
/// counts for its author only once confirmed: sent by the author's own collector, or carried by a
/// signed webhook push under the same author email; otherwise it has no author here.
pub async fn commit_rows(db: &Db, from_ms: i64, to_ms: i64) -> Result<Vec<CommitRow>> {
    let stored = commits::authored_between(db, from_ms, to_ms).await?;
    let mut rows: Vec<CommitRow> = stored.into_iter().map(commit_row).collect();
    rows.sort_by(|a, b| (a.ts, &a.sha).cmp(&(b.ts, &b.sha)));
    Ok(rows)
}

fn commit_row(c: AuthoredCommit) -> CommitRow {
    CommitRow {
        repository: c.repository,
        sha: c.sha,
        author_user_id: c.author_user_id,
        ts: utc(c.authored_at),
        lines_added_test: c.test_lines_added,
        lines_added_nontest: (c.lines_added - c.test_lines_added).max(0),
        lines_removed_test: c.test_lines_removed,
        lines_removed_nontest: (c.lines_removed - c.test_lines_removed).max(0),
        ai_marker: c.has_ai_marker,
    }
}

/// The metrics engine's outcome for a stored `approved` / `unreviewed` / `rubber-stamped`.
pub fn metrics_outcome(stored: &str) -> Option<ReviewOutcome> {
    match stored {
        "approved" => Some(ReviewOutcome::Approved),
        "unreviewed" => Some(ReviewOutcome::Unreviewed),
        "rubber-stamped" => Some(ReviewOutcome::RubberStamped),
        _ => None,
    }
}

/// A stored epoch-millisecond time as UTC (out-of-range values clamp to the epoch).
pub fn utc(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}
