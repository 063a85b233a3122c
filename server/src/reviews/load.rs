//! Loaders turning stored pull requests and collected commits into the metrics engine's input
//! rows. Public: the productivity endpoint reads commits and PRs through these too.

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::Row;

use agentmeter_metrics::rows::{CommitRow, PullRequestRow, ReviewOutcome};

use crate::db::{flag, Db};
use crate::error::Result;

/// Pull requests alive during `[from_ms, to_ms)`: opened before its end and not merged or closed
/// before its start. Classification is the cached one (see `reviews::classification`).
pub async fn pull_request_rows(db: &Db, from_ms: i64, to_ms: i64) -> Result<Vec<PullRequestRow>> {
    let rows = sqlx::query(
        "SELECT r.name AS repository, p.number, p.url, p.title, p.author_user_id, p.created_at, \
                p.merged_at, p.first_review_at, p.outcome, p.ai_assisted, p.critical, \
                p.lines_added, p.lines_removed, p.change_size \
         FROM pull_requests p JOIN repositories r ON r.id = p.repository_id \
         WHERE p.created_at < $1 \
           AND (p.merged_at IS NULL OR p.merged_at >= $2) \
           AND (p.closed_at IS NULL OR p.closed_at >= $2) \
         ORDER BY r.name, p.number",
    )
    .bind(to_ms)
    .bind(from_ms)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(pull_request_row).collect()
}

fn pull_request_row(row: &AnyRow) -> Result<PullRequestRow> {
    let outcome: Option<String> = row.try_get("outcome")?;
    let added: Option<i64> = row.try_get("lines_added")?;
    let removed: Option<i64> = row.try_get("lines_removed")?;
    let change_size: i64 = row.try_get("change_size")?;
    // Without the forge's own counts the change size (summed over commits) is all we know.
    let (lines_added, lines_removed) = match (added, removed) {
        (Some(a), Some(r)) => (a, r),
        _ => (change_size, 0),
    };
    Ok(PullRequestRow {
        repository: row.try_get("repository")?,
        number: row.try_get("number")?,
        url: row.try_get("url")?,
        title: row.try_get("title")?,
        author_user_id: row.try_get("author_user_id")?,
        created_at: utc(row.try_get("created_at")?),
        merged_at: row.try_get::<Option<i64>, _>("merged_at")?.map(utc),
        first_review_at: row.try_get::<Option<i64>, _>("first_review_at")?.map(utc),
        outcome: outcome.as_deref().and_then(metrics_outcome),
        ai_assisted: flag(row, "ai_assisted")?,
        critical: flag(row, "critical")?,
        lines_added,
        lines_removed,
    })
}

/// Commits authored during `[from_ms, to_ms)`, as the git collector uploaded them.
pub async fn commit_rows(db: &Db, from_ms: i64, to_ms: i64) -> Result<Vec<CommitRow>> {
    let rows = sqlx::query(
        "SELECT repository, sha, author_user_id, authored_at, lines_added, lines_removed, \
                test_lines_added, test_lines_removed, ai_markers \
         FROM commits WHERE authored_at >= $1 AND authored_at < $2 ORDER BY authored_at, sha",
    )
    .bind(from_ms)
    .bind(to_ms)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            let (added, removed): (i64, i64) =
                (row.try_get("lines_added")?, row.try_get("lines_removed")?);
            let (test_added, test_removed): (i64, i64) = (
                row.try_get("test_lines_added")?,
                row.try_get("test_lines_removed")?,
            );
            let markers: String = row.try_get("ai_markers")?;
            Ok(CommitRow {
                repository: row.try_get("repository")?,
                sha: row.try_get("sha")?,
                author_user_id: row.try_get("author_user_id")?,
                ts: utc(row.try_get("authored_at")?),
                lines_added_test: test_added,
                lines_added_nontest: (added - test_added).max(0),
                lines_removed_test: test_removed,
                lines_removed_nontest: (removed - test_removed).max(0),
                ai_marker: markers.trim() != "[]" && !markers.trim().is_empty(),
            })
        })
        .collect()
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
