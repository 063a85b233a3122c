//! Storage of collected commits: one transaction per batch, idempotent by (repository, sha),
//! with the rule of who may report whose commits.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use sqlx::Row;

use agentmeter_ingest::wire_git::{CommitReceipt, CommitRecord};

use super::classification::json;
use super::identities::{self, Seen};
use crate::db::{now_ms, Backend, Db, Placeholders};
use crate::error::Result;

/// Stores the batch in one transaction; authors are matched to users first (once per email).
///
/// Who may report a commit: its author always; anyone else only in a repository they work in
/// (their own commits or assistant usage are there), and then the commit stays unconfirmed, not
/// counted for its author, until the author's own collector or a signed webhook push reports it.
/// The author's own copy replaces a colleague's. Commits refused are counted in the receipt.
pub async fn store(db: &Db, uploaded_by: i64, commits: &[CommitRecord]) -> Result<CommitReceipt> {
    let mut user_of_email: BTreeMap<String, Option<i64>> = BTreeMap::new();
    let mut authors = Vec::with_capacity(commits.len());
    for c in commits {
        let key = c.author_email.trim().to_lowercase();
        let author = match user_of_email.get(&key) {
            Some(found) => *found,
            None => {
                let found = identities::lookup(db, git_author(&c.author_email)).await?;
                user_of_email.insert(key, found);
                found
            }
        };
        authors.push(author);
    }
    let works_in = repositories_worked_in(db, uploaded_by, commits, &authors).await?;
    let mut tx = db.pool.begin().await?;
    let mut receipt = CommitReceipt::default();
    let stored = stored_commits(&mut tx, db.backend, commits).await?;
    let mut new: Vec<(&CommitRecord, Option<i64>)> = Vec::new();
    let mut in_batch = BTreeSet::new();
    for (c, author) in commits.iter().zip(&authors) {
        let own = *author == Some(uploaded_by);
        if !own && !works_in.contains(c.repository.as_str()) {
            receipt.refused += 1;
            continue;
        }
        let key = (c.repository.as_str(), c.sha.to_lowercase());
        if let Some(stored) = stored.get(&key) {
            receipt.duplicates += 1;
            if own && !stored.confirmed {
                replace_with_authors_copy(&mut tx, c, uploaded_by, &stored.branches).await?;
            } else {
                add_branches(&mut tx, c, &stored.branches).await?;
            }
        } else if in_batch.insert(key) {
            new.push((c, *author));
        } else {
            receipt.duplicates += 1;
        }
    }
    let inserted = insert_new(&mut tx, db.backend, uploaded_by, &new).await?;
    tx.commit().await?;
    receipt.accepted = inserted.len() as u64;
    // Commits another upload stored meanwhile.
    receipt.duplicates += new.len().saturating_sub(inserted.len()) as u64;
    // New commits of authors no user matches, counted per email for the admin's list.
    let mut unmatched: BTreeMap<&str, i64> = BTreeMap::new();
    for (c, author) in &new {
        if author.is_none() && inserted.contains(&(c.repository.clone(), c.sha.to_lowercase())) {
            *unmatched.entry(c.author_email.as_str()).or_default() += 1;
        }
    }
    for (email, events) in unmatched {
        identities::record_unmatched(db, git_author(email), events).await?;
    }
    Ok(receipt)
}

/// The batch's repositories the uploader works in: the batch or the database holds a commit of
/// theirs there, or they used an assistant there.
async fn repositories_worked_in<'a>(
    db: &Db,
    uploader: i64,
    commits: &'a [CommitRecord],
    authors: &[Option<i64>],
) -> Result<BTreeSet<&'a str>> {
    let mut works_in: BTreeSet<&str> = commits
        .iter()
        .zip(authors)
        .filter(|(_, author)| **author == Some(uploader))
        .map(|(c, _)| c.repository.as_str())
        .collect();
    let others: BTreeSet<&str> = commits
        .iter()
        .map(|c| c.repository.as_str())
        .filter(|r| !works_in.contains(r))
        .collect();
    for repository in others {
        let found = sqlx::query(
            "SELECT 1 AS found WHERE EXISTS (SELECT 1 FROM commits WHERE repository = $1 AND author_user_id = $2) \
             OR EXISTS (SELECT 1 FROM usage_events WHERE repository = $1 AND user_id = $2)",
        )
        .bind(repository)
        .bind(uploader)
        .fetch_optional(&db.pool)
        .await?;
        if found.is_some() {
            works_in.insert(repository);
        }
    }
    Ok(works_in)
}

fn git_author(email: &str) -> Seen<'_> {
    Seen {
        provider: "git",
        login: None,
        email: Some(email),
    }
}

/// Columns of a commit row, in the order [`insert_new`] binds them.
const COMMIT_COLUMNS: [&str; 18] = [
    "repository",
    "sha",
    "parents",
    "author_email",
    "author_name",
    "author_user_id",
    "authored_at",
    "committed_at",
    "paths",
    "lines_added",
    "lines_removed",
    "test_lines_added",
    "test_lines_removed",
    "ai_markers",
    "branches",
    "uploaded_by",
    "received_at",
    "author_confirmed",
];

/// Inserts commits not stored yet, 200 rows a statement; returns (repository, sha) of those
/// inserted (one stored by another upload meanwhile is left as it is).
async fn insert_new(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    backend: Backend,
    uploaded_by: i64,
    new: &[(&CommitRecord, Option<i64>)],
) -> Result<BTreeSet<(String, String)>> {
    let now = now_ms();
    let mut inserted = BTreeSet::new();
    for chunk in new.chunks(200) {
        let mut params = Placeholders::new(backend);
        let rows: Vec<String> = chunk
            .iter()
            .map(|_| format!("({})", params.list(COMMIT_COLUMNS.len())))
            .collect();
        let sql = format!(
            "INSERT INTO commits ({}) VALUES {} ON CONFLICT (repository, sha) DO NOTHING RETURNING repository, sha",
            COMMIT_COLUMNS.join(", "),
            rows.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for (c, author) in chunk {
            query = query
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
                .bind(i64::from(*author == Some(uploaded_by)));
        }
        for row in query.fetch_all(&mut **tx).await? {
            inserted.insert((row.try_get("repository")?, row.try_get("sha")?));
        }
    }
    Ok(inserted)
}

/// What is stored of a commit the batch sends again.
struct StoredCommit {
    /// Its branches, as JSON.
    branches: String,
    confirmed: bool,
}

/// The batch's commits already stored, by (repository, sha).
async fn stored_commits<'a>(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    backend: Backend,
    commits: &'a [CommitRecord],
) -> Result<HashMap<(&'a str, String), StoredCommit>> {
    let mut shas_by_repository: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for c in commits {
        shas_by_repository
            .entry(&c.repository)
            .or_default()
            .push(c.sha.to_lowercase());
    }
    let mut stored = HashMap::new();
    for (repository, shas) in shas_by_repository {
        for chunk in shas.chunks(500) {
            let mut params = Placeholders::new(backend);
            let sql = format!(
                "SELECT sha, branches, author_confirmed FROM commits WHERE repository = {} AND sha IN ({})",
                params.param(),
                params.list(chunk.len())
            );
            let mut query = sqlx::query(&sql).bind(repository);
            for sha in chunk {
                query = query.bind(sha);
            }
            for row in query.fetch_all(&mut **tx).await? {
                stored.insert(
                    (repository, row.try_get("sha")?),
                    StoredCommit {
                        branches: row.try_get("branches")?,
                        confirmed: row.try_get::<i64, _>("author_confirmed")? != 0,
                    },
                );
            }
        }
    }
    Ok(stored)
}

/// The author's own report of a commit a colleague sent first: its record wins (the colleague's
/// may have been made up), it keeps every branch either named, and it now counts for the author.
async fn replace_with_authors_copy(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    c: &CommitRecord,
    author: i64,
    stored_branches: &str,
) -> Result<()> {
    let mut branches: BTreeSet<String> = serde_json::from_str(stored_branches).unwrap_or_default();
    branches.extend(c.branches.iter().cloned());
    let branches: Vec<String> = branches.into_iter().collect();
    sqlx::query(
        "UPDATE commits SET parents = $1, author_email = $2, author_name = $3, author_user_id = $4, \
         authored_at = $5, committed_at = $6, paths = $7, lines_added = $8, lines_removed = $9, \
         test_lines_added = $10, test_lines_removed = $11, ai_markers = $12, branches = $13, \
         uploaded_by = $4, author_confirmed = 1 WHERE repository = $14 AND sha = $15",
    )
    .bind(json(&c.parents))
    .bind(&c.author_email)
    .bind(&c.author_name)
    .bind(author)
    .bind(c.authored_at.timestamp_millis())
    .bind(c.committed_at.timestamp_millis())
    .bind(json(&c.paths))
    .bind(count(c.lines.added))
    .bind(count(c.lines.removed))
    .bind(count(c.lines.test_added))
    .bind(count(c.lines.test_removed))
    .bind(json(&c.ai_markers))
    .bind(json(&branches))
    .bind(&c.repository)
    .bind(c.sha.to_lowercase())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A commit sent again may be on branches it was not on before (a branch made or pushed since):
/// they are added to the stored ones, none is dropped (a deleted branch still names the PR's
/// commits).
async fn add_branches(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    c: &CommitRecord,
    stored: &str,
) -> Result<()> {
    let mut branches: BTreeSet<String> = serde_json::from_str(stored).unwrap_or_default();
    let before = branches.len();
    branches.extend(c.branches.iter().cloned());
    if branches.len() > before {
        let merged: Vec<String> = branches.into_iter().collect();
        sqlx::query("UPDATE commits SET branches = $1 WHERE repository = $2 AND sha = $3")
            .bind(json(&merged))
            .bind(&c.repository)
            .bind(c.sha.to_lowercase())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
