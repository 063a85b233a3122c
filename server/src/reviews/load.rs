//! Loaders turning stored pull requests and collected commits into the metrics engine's input
//! rows. Public: the productivity endpoint reads commits and PRs through these too.

use chrono::{DateTime, Utc};

use agentmeter_metrics::rows::{CommitRow, PullRequestRow, ReviewOutcome};

use crate::db::Db;
use crate::error::Result;

/// Pull requests alive during `[from_ms, to_ms)`: opened before its end and not merged or closed
/// before its start. Classification is the cached one (see `reviews::classification`).
pub async fn pull_request_rows(db: &Db, from_ms: i64, to_ms: i64) -> Result<Vec<PullRequestRow>> {
    let stored: Vec<StoredPullRequest> = db
        .fetch_json_rows(
            "SELECT r.name AS repository, p.number, p.url, p.title, p.author_user_id, p.created_at, \
                    p.merged_at, p.first_review_at, p.outcome, p.ai_assisted, p.critical, \
                    p.lines_added, p.lines_removed, p.change_size \
             FROM pull_requests p JOIN repositories r ON r.id = p.repository_id \
             WHERE p.created_at < $1 \
               AND (p.merged_at IS NULL OR p.merged_at >= $2) \
               AND (p.closed_at IS NULL OR p.closed_at >= $2)",
            &[
                "repository",
                "number",
                "url",
                "title",
                "author_user_id",
                "created_at",
                "merged_at",
                "first_review_at",
                "outcome",
                "ai_assisted",
                "critical",
                "lines_added",
                "lines_removed",
                "change_size",
            ],
            &[],
            &[to_ms, from_ms],
        )
        .await?;
    let mut rows: Vec<PullRequestRow> = stored.into_iter().map(PullRequestRow::from).collect();
    rows.sort_by(|a, b| (&a.repository, a.number).cmp(&(&b.repository, b.number)));
    Ok(rows)
}

/// A `pull_requests` row as [`pull_request_rows`] selects it.
#[derive(serde::Deserialize)]
struct StoredPullRequest {
    repository: String,
    number: i64,
    url: String,
    title: String,
    author_user_id: Option<i64>,
    created_at: i64,
    merged_at: Option<i64>,
    first_review_at: Option<i64>,
    outcome: Option<String>,
    ai_assisted: i64,
    critical: i64,
    lines_added: Option<i64>,
    lines_removed: Option<i64>,
    change_size: i64,
}

impl From<StoredPullRequest> for PullRequestRow {
    fn from(p: StoredPullRequest) -> PullRequestRow {
        // Without the forge's own counts the change size (summed over commits) is all we know.
        let (lines_added, lines_removed) = match (p.lines_added, p.lines_removed) {
            (Some(a), Some(r)) => (a, r),
            _ => (p.change_size, 0),
        };
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
            ai_assisted: p.ai_assisted != 0,
            critical: p.critical != 0,
            lines_added,
            lines_removed,
        }
    }
}

/// Commits authored during `[from_ms, to_ms)`, as the git collector uploaded them. A commit
/// counts for its author only once confirmed: sent by the author's own collector, or carried by a
/// signed webhook push under the same author email; otherwise it has no author here.
pub async fn commit_rows(db: &Db, from_ms: i64, to_ms: i64) -> Result<Vec<CommitRow>> {
    type StoredCommit = (String, String, Option<i64>, i64, i64, i64, i64, i64, String);
    let stored: Vec<StoredCommit> = db
        .fetch_json_rows(
            "SELECT repository, sha, \
                    CASE WHEN author_confirmed = 1 OR EXISTS ( \
                        SELECT 1 FROM pushed_commits p JOIN repositories r ON r.id = p.repository_id \
                        WHERE p.sha = commits.sha AND r.name = commits.repository \
                          AND LOWER(p.author_email) = LOWER(commits.author_email)) \
                    THEN author_user_id END AS author_user_id, \
                    authored_at, lines_added, lines_removed, \
                    test_lines_added, test_lines_removed, ai_markers \
             FROM commits WHERE authored_at >= $1 AND authored_at < $2",
            &[
                "repository",
                "sha",
                "author_user_id",
                "authored_at",
                "lines_added",
                "lines_removed",
                "test_lines_added",
                "test_lines_removed",
                "ai_markers",
            ],
            &[],
            &[from_ms, to_ms],
        )
        .await?;
    let mut rows: Vec<CommitRow> = stored
        .into_iter()
        .map(
            |(
                repository,
                sha,
                author_user_id,
                authored_at,
                added,
                removed,
                test_added,
                test_removed,
                markers,
            )| {
                CommitRow {
                    repository,
                    sha,
                    author_user_id,
                    ts: utc(authored_at),
                    lines_added_test: test_added,
                    lines_added_nontest: (added - test_added).max(0),
                    lines_removed_test: test_removed,
                    lines_removed_nontest: (removed - test_removed).max(0),
                    ai_marker: markers.trim() != "[]" && !markers.trim().is_empty(),
                }
            },
        )
        .collect();
    rows.sort_by(|a, b| (a.ts, &a.sha).cmp(&(b.ts, &b.sha)));
    Ok(rows)
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
