//! `POST /api/v1/ingest/commits`: commits from `agentmeter collect git`. Every record is
//! validated first (a 422 names each bad one and nothing is stored); storage is one transaction,
//! idempotent by (repository, sha).

use std::collections::BTreeSet;

use axum::body::Bytes;
use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use sqlx::Row;

use agentmeter_ingest::wire_git::{CommitReceipt, CommitRecord};

use super::classification::{json, reclassify_all};
use super::identities::{self, Seen};
use super::{repositories, webhooks};
use crate::auth::CurrentUser;
use crate::db::{now_ms, Db};
use crate::error::Result;
use crate::routes::batch;
use crate::state::AppState;

const MAX_TEXT: usize = 4096;
const MAX_PATHS: usize = 100_000;

/// `POST /api/v1/ingest/commits`.
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    body: std::result::Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Json<CommitReceipt>> {
    let body = batch::body_bytes(body)?;
    let commits = decode_batch(&body, Utc::now())?;
    let receipt = store(&state.db, user.id, &commits).await?;
    reclassify_touched(&state, &commits).await?;
    tracing::info!(user = %user.email, accepted = receipt.accepted, duplicates = receipt.duplicates, "commit batch stored");
    Ok(Json(receipt))
}

/// Parses and validates every record; any bad record rejects the whole batch with the list.
pub fn decode_batch(body: &[u8], now: DateTime<Utc>) -> Result<Vec<CommitRecord>> {
    batch::decode_records(body, "commits", |commit: &CommitRecord| {
        problem(commit, now)
    })
}

fn is_sha(s: &str) -> bool {
    (7..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Why a commit cannot be stored, if it cannot.
fn problem(c: &CommitRecord, now: DateTime<Utc>) -> Option<String> {
    let repo = c.repository.trim();
    if repo.split('/').filter(|p| !p.is_empty()).count() < 3
        || repo != c.repository
        || repo.contains(char::is_whitespace)
    {
        return Some(format!(
            "repository {:?} is not a normalized host/owner/name",
            c.repository
        ));
    }
    if !is_sha(&c.sha) {
        return Some(format!("sha {:?} is not a hex commit id", c.sha));
    }
    if let Some(bad) = c.parents.iter().find(|p| !is_sha(p)) {
        return Some(format!("parent {bad:?} is not a hex commit id"));
    }
    let latest = now + Duration::days(1);
    if c.committed_at > latest || c.authored_at > latest {
        return Some("commit time is in the future".into());
    }
    if c.lines.test_added > c.lines.added || c.lines.test_removed > c.lines.removed {
        return Some("test-file lines exceed the totals".into());
    }
    if i64::try_from(c.lines.added.max(c.lines.removed)).is_err() {
        return Some("line counts out of range".into());
    }
    if c.paths.len() > MAX_PATHS || c.branches.len() > 1000 {
        return Some("too many paths or branches".into());
    }
    let texts = [&c.repository, &c.author_email, &c.author_name];
    if texts
        .into_iter()
        .chain(&c.paths)
        .chain(&c.branches)
        .any(|t| t.len() > MAX_TEXT)
    {
        return Some(format!("a text field is longer than {MAX_TEXT} bytes"));
    }
    None
}

/// Stores the batch in one transaction; authors are matched to users first.
pub async fn store(db: &Db, uploaded_by: i64, commits: &[CommitRecord]) -> Result<CommitReceipt> {
    let mut authors = Vec::with_capacity(commits.len());
    for c in commits {
        authors.push(
            identities::lookup(
                db,
                Seen {
                    provider: "git",
                    login: None,
                    email: Some(&c.author_email),
                },
            )
            .await?,
        );
    }
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    let mut receipt = CommitReceipt::default();
    for (c, author) in commits.iter().zip(&authors) {
        let done = sqlx::query(
            "INSERT INTO commits (repository, sha, parents, author_email, author_name, author_user_id, authored_at, \
                committed_at, paths, lines_added, lines_removed, test_lines_added, test_lines_removed, ai_markers, \
                branches, uploaded_by, received_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) \
             ON CONFLICT (repository, sha) DO NOTHING",
        )
        .bind(&c.repository)
        .bind(c.sha.to_lowercase())
        .bind(json(&c.parents))
        .bind(&c.author_email)
        .bind(&c.author_name)
        .bind(*author)
        .bind(c.authored_at.timestamp_millis())
        .bind(c.committed_at.timestamp_millis())
        .bind(json(&c.paths))
        .bind(count(c.lines.added))
        .bind(count(c.lines.removed))
        .bind(count(c.lines.test_added))
        .bind(count(c.lines.test_removed))
        .bind(json(&c.ai_markers))
        .bind(json(&c.branches))
        .bind(uploaded_by)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() > 0 {
            receipt.accepted += 1;
        } else {
            receipt.duplicates += 1;
            add_branches(&mut tx, c).await?;
        }
    }
    tx.commit().await?;
    for (c, author) in commits.iter().zip(&authors) {
        if author.is_none() {
            identities::record_unmatched(
                db,
                Seen {
                    provider: "git",
                    login: None,
                    email: Some(&c.author_email),
                },
            )
            .await?;
        }
    }
    Ok(receipt)
}

/// A commit sent again may be on branches it was not on before (a branch made or pushed since):
/// they are added to the stored ones, none is dropped (a deleted branch still names the PR's
/// commits).
async fn add_branches(tx: &mut sqlx::Transaction<'_, sqlx::Any>, c: &CommitRecord) -> Result<()> {
    if c.branches.is_empty() {
        return Ok(());
    }
    let sha = c.sha.to_lowercase();
    let stored: String =
        sqlx::query("SELECT branches FROM commits WHERE repository = $1 AND sha = $2")
            .bind(&c.repository)
            .bind(&sha)
            .fetch_one(&mut **tx)
            .await?
            .try_get("branches")?;
    let mut branches: BTreeSet<String> = serde_json::from_str(&stored).unwrap_or_default();
    let before = branches.len();
    branches.extend(c.branches.iter().cloned());
    if branches.len() > before {
        let merged: Vec<String> = branches.into_iter().collect();
        sqlx::query("UPDATE commits SET branches = $1 WHERE repository = $2 AND sha = $3")
            .bind(json(&merged))
            .bind(&c.repository)
            .bind(&sha)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Makes the repositories known and reclassifies PRs whose head branch the commits are on.
async fn reclassify_touched(state: &AppState, commits: &[CommitRecord]) -> Result<()> {
    let repos: BTreeSet<&str> = commits.iter().map(|c| c.repository.as_str()).collect();
    let branches: BTreeSet<&str> = commits
        .iter()
        .flat_map(|c| &c.branches)
        .map(|b| b.split_once('/').map_or(b.as_str(), |(_, rest)| rest))
        .collect();
    let policy = webhooks::policy(state);
    for repo in repos {
        let id = repositories::ensure(&state.db, repo, "git").await?;
        let rows =
            sqlx::query("SELECT id, head_branch FROM pull_requests WHERE repository_id = $1")
                .bind(id)
                .fetch_all(&state.db.pool)
                .await?;
        let mut ids = Vec::new();
        for row in &rows {
            let head: String = row.try_get("head_branch")?;
            if branches.contains(head.as_str())
                || commits.iter().any(|c| c.branches.contains(&head))
            {
                ids.push(row.try_get::<i64, _>("id")?);
            }
        }
        reclassify_all(&state.db, &ids, &policy).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    fn commit(sha: &str) -> serde_json::Value {
        serde_json::json!({"repository": "github.com/acme/api", "sha": sha, "author_email": "a@b.c", "author_name": "A",
            "authored_at": "2026-03-01T10:00:00Z", "committed_at": "2026-03-01T10:00:00Z",
            "lines": {"added": 2, "removed": 1, "test_added": 1, "test_removed": 0}})
    }

    #[test]
    fn a_valid_batch_decodes_every_commit() {
        let body = serde_json::json!({"commits": [commit("abcdef0"), commit("0123456789abcdef0123456789abcdef01234567")]});
        let commits = decode_batch(body.to_string().as_bytes(), Utc::now()).expect("valid");
        assert_eq!(commits.len(), 2);
        assert_eq!(commits[0].lines.non_test_added(), 1);
    }

    #[test]
    fn every_bad_commit_is_named_and_none_is_returned() {
        let mut shouting = commit("abcdef0");
        shouting["repository"] = serde_json::json!("acme/api");
        let mut future = commit("abcdef1");
        future["committed_at"] = serde_json::json!("2999-01-01T00:00:00Z");
        let body = serde_json::json!({"commits": [commit("abcdef0"), commit("xyz"), shouting, future, {"sha": "abcdef2"}]});
        match decode_batch(body.to_string().as_bytes(), Utc::now()) {
            Err(Error::Unprocessable { records, .. }) => {
                assert_eq!(
                    records.iter().map(|r| r.index).collect::<Vec<_>>(),
                    vec![1, 2, 3, 4]
                );
                assert!(records[0].reason.contains("sha"));
                assert!(records[1].reason.contains("repository"));
                assert!(records[2].reason.contains("future"));
            }
            other => panic!("expected 422, got {other:?}"),
        }
    }
}
