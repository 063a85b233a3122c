//! Commits from `agentmeter collect git`, one row per (repository, sha): written a batch per
//! transaction, read by reports and by the review classifier.

use std::collections::BTreeSet;

use agentmeter_ingest::wire_git::CommitRecord;
use agentmeter_reviews::AiAssistant;
use sqlx::types::Json;

use crate::db::{now_ms, Db};
use crate::error::Result;
use crate::store::json_rows::{fetch_json_rows, json_rows_of};
use crate::store::pool::{with_pool, with_tx, Pool, Transaction};

/// Whether `uploader` works in `repository`: a commit of theirs or assistant usage is stored
/// there.
pub async fn uploader_works_in(db: &Db, repository: &str, uploader: i64) -> Result<bool> {
    let found = with_pool!(db, |pool| {
        sqlx::query(
            "SELECT 1 AS found WHERE EXISTS (SELECT 1 FROM commits WHERE repository = $1 AND author_user_id = $2) \
             OR EXISTS (SELECT 1 FROM usage_hourly WHERE user_id = $2 AND repository = $1)",
        )
        .bind(repository)
        .bind(uploader)
        .fetch_optional(pool)
        .await?
        .is_some()
    });
    Ok(found)
}

/// What is stored of a commit a batch sends again.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredCommit {
    /// Lower case.
    pub sha: String,
    #[sqlx(json)]
    pub branches: Vec<String>,
    /// Sent by its author's own collector.
    #[sqlx(rename = "author_confirmed")]
    pub confirmed: bool,
}

/// Shas a statement asks about at most.
const SHAS_PER_STATEMENT: usize = 500;

/// The commits of `repository` among `shas` (lower case) already stored.
pub async fn stored(
    tx: &mut Transaction,
    repository: &str,
    shas: &[String],
) -> Result<Vec<StoredCommit>> {
    let mut stored = Vec::new();
    for chunk in shas.chunks(SHAS_PER_STATEMENT) {
        let rows: Vec<StoredCommit> = with_tx!(&mut *tx, |conn| {
            let mut select = sqlx::QueryBuilder::new(
                "SELECT sha, branches, author_confirmed FROM commits WHERE repository = ",
            );
            select.push_bind(repository).push(" AND sha IN (");
            let mut list = select.separated(", ");
            for sha in chunk {
                list.push_bind(sha);
            }
            select.push(")");
            select.build_query_as().fetch_all(conn).await?
        });
        stored.extend(rows);
    }
    Ok(stored)
}

/// Rows of one multi-row insert: 18 parameters each.
const COMMITS_PER_STATEMENT: usize = 200;

/// Inserts commits not stored yet, each with its author's user if known; returns (repository,
/// sha) of those inserted (one stored by another upload meanwhile is left as it is). A commit
/// counts for its author at once only when the author, or an admin, uploads it.
pub async fn insert_new(
    tx: &mut Transaction,
    uploaded_by: i64,
    by_admin: bool,
    new: &[(&CommitRecord, Option<i64>)],
) -> Result<BTreeSet<(String, String)>> {
    let now = now_ms();
    let mut inserted = BTreeSet::new();
    for chunk in new.chunks(COMMITS_PER_STATEMENT) {
        let rows: Vec<(String, String)> = with_tx!(&mut *tx, |conn| {
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO commits (repository, sha, parents, author_email, author_name, \
                 author_user_id, authored_at, committed_at, paths, lines_added, lines_removed, \
                 test_lines_added, test_lines_removed, ai_markers, branches, uploaded_by, \
                 received_at, author_confirmed) ",
            );
            insert.push_values(chunk, |mut row, (c, author)| {
                row.push_bind(&c.repository)
                    .push_bind(c.sha.to_lowercase())
                    .push_bind(Json(&c.parents))
                    .push_bind(&c.author_email)
                    .push_bind(&c.author_name)
                    .push_bind(*author)
                    .push_bind(c.authored_at.timestamp_millis())
                    .push_bind(c.committed_at.timestamp_millis())
                    .push_bind(Json(&c.paths))
                    .push_bind(count(c.lines.added))
                    .push_bind(count(c.lines.removed))
                    .push_bind(count(c.lines.test_added))
                    .push_bind(count(c.lines.test_removed))
                    .push_bind(Json(&c.ai_markers))
                    .push_bind(Json(&c.branches))
                    .push_bind(uploaded_by)
                    .push_bind(now)
                    .push_bind(by_admin || *author == Some(uploaded_by));
            });
            insert.push(" ON CONFLICT (repository, sha) DO NOTHING RETURNING repository, sha");
            insert.build_query_as().fetch_all(conn).await?
        });
        inserted.extend(rows);
    }
    Ok(inserted)
}

/// Replaces a stored commit by its author's own record, on `branches`, confirmed for them.
pub async fn replace_with_authors_copy(
    tx: &mut Transaction,
    c: &CommitRecord,
    author: i64,
    branches: &[String],
) -> Result<()> {
    with_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE commits SET parents = $1, author_email = $2, author_name = $3, author_user_id = $4, \
             authored_at = $5, committed_at = $6, paths = $7, lines_added = $8, lines_removed = $9, \
             test_lines_added = $10, test_lines_removed = $11, ai_markers = $12, branches = $13, \
             uploaded_by = $4, author_confirmed = TRUE WHERE repository = $14 AND sha = $15",
        )
        .bind(Json(&c.parents))
        .bind(&c.author_email)
        .bind(&c.author_name)
        .bind(author)
        .bind(c.authored_at.timestamp_millis())
        .bind(c.committed_at.timestamp_millis())
        .bind(Json(&c.paths))
        .bind(count(c.lines.added))
        .bind(count(c.lines.removed))
        .bind(count(c.lines.test_added))
        .bind(count(c.lines.test_removed))
        .bind(Json(&c.ai_markers))
        .bind(Json(branches))
        .bind(&c.repository)
        .bind(c.sha.to_lowercase())
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// Sets the branches a stored commit is on.
pub async fn set_branches(
    tx: &mut Transaction,
    repository: &str,
    sha: &str,
    branches: &[String],
) -> Result<()> {
    with_tx!(tx, |conn| {
        sqlx::query("UPDATE commits SET branches = $1 WHERE repository = $2 AND sha = $3")
            .bind(Json(branches))
            .bind(repository)
            .bind(sha.to_lowercase())
            .execute(conn)
            .await?;
    });
    Ok(())
}

/// A collected commit as the review classifier reads it. Times are epoch ms.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CollectedCommit {
    pub sha: String,
    pub committed_at: i64,
    #[sqlx(json)]
    pub paths: Vec<String>,
    pub lines_added: i64,
    pub lines_removed: i64,
    #[sqlx(json)]
    pub ai_markers: Vec<AiAssistant>,
    #[sqlx(json)]
    pub branches: Vec<String>,
}

/// Commits of `repository` (in any letter case) whose branch list mentions `branch`; the
/// caller tells a branch from one whose name merely contains it.
pub async fn mentioning_branch(
    db: &Db,
    repository: &str,
    branch: &str,
) -> Result<Vec<CollectedCommit>> {
    let pattern = format!("%{branch}%");
    Ok(match db.typed() {
        // SQLite folds ASCII letters only and compares bytes, so every spelling of a name lies
        // between its upper-case and its lower-case spelling: the range lets the index narrow
        // the rows first. PostgreSQL's collations order letters otherwise.
        // Other names may lie in that range too, so its distinct names are stepped through one
        // seek of the (repository, sha) index each, as `branch_sessions::on_branch` does.
        Pool::Sqlite(pool) => sqlx::query_as(
            "WITH RECURSIVE spellings(name) AS ( \
                SELECT MIN(repository) FROM commits \
                    WHERE repository >= UPPER($1) AND repository <= LOWER($1) \
                UNION ALL \
                SELECT (SELECT MIN(repository) FROM commits \
                        WHERE repository > name AND repository <= LOWER($1)) \
                    FROM spellings WHERE name IS NOT NULL \
             ) \
             SELECT sha, committed_at, paths, lines_added, lines_removed, ai_markers, branches \
                 FROM commits \
                 WHERE repository IN (SELECT name FROM spellings WHERE LOWER(name) = LOWER($1)) \
                 AND branches LIKE $2",
        )
        .bind(repository)
        .bind(pattern)
        .fetch_all(pool)
        .await?,
        // The branch list is JSONB here: its text is searched the same way.
        Pool::Postgres(pool) => sqlx::query_as(
            "SELECT sha, committed_at, paths, lines_added, lines_removed, ai_markers, branches \
                 FROM commits WHERE LOWER(repository) = LOWER($1) AND CAST(branches AS TEXT) LIKE $2",
        )
        .bind(repository)
        .bind(pattern)
        .fetch_all(pool)
        .await?,
    })
}

/// A collected commit as reports read it. Times are epoch ms.
#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct AuthoredCommit {
    pub repository: String,
    pub sha: String,
    /// Set only once the commit is confirmed for its author.
    pub author_user_id: Option<i64>,
    pub authored_at: i64,
    pub lines_added: i64,
    pub lines_removed: i64,
    pub test_lines_added: i64,
    pub test_lines_removed: i64,
    /// The commit carries an assistant's marker (a trailer, a co-author).
    #[serde(deserialize_with = "crate::store::json_rows::flag")]
    pub has_ai_marker: bool,
}

/// The columns of [`AuthoredCommit`] in order, for [`json_rows_of`].
const AUTHORED_COLUMNS: &str = "repository, sha, author_user_id, authored_at, lines_added, \
    lines_removed, test_lines_added, test_lines_removed, has_ai_marker";

/// Commits authored during `[from_ms, to_ms)`. A commit has an author only once confirmed:
/// sent by the author's own collector, or carried by a signed webhook push under the same
/// author email.
pub async fn authored_between(db: &Db, from_ms: i64, to_ms: i64) -> Result<Vec<AuthoredCommit>> {
    match db.typed() {
        // A year of commits is tens of thousands of rows: one JSON text crosses from SQLite's
        // worker thread at once instead of one hand-over per row.
        Pool::Sqlite(pool) => {
            let mut select = json_rows_of(AUTHORED_COLUMNS);
            push_authored_select(&mut select, from_ms, to_ms);
            fetch_json_rows(pool, select).await
        }
        Pool::Postgres(pool) => {
            let mut select = sqlx::QueryBuilder::new("");
            push_authored_select(&mut select, from_ms, to_ms);
            Ok(select.build_query_as().fetch_all(pool).await?)
        }
    }
}

/// Writes the statement of [`authored_between`] into `select`.
fn push_authored_select<'args, DB>(select: &mut sqlx::QueryBuilder<DB>, from_ms: i64, to_ms: i64)
where
    DB: sqlx::Database,
    i64: sqlx::Encode<'args, DB> + sqlx::Type<DB>,
{
    select.push(
        "SELECT repository, sha, \
                CASE WHEN author_confirmed OR uploaded_by = author_user_id OR EXISTS ( \
                    SELECT 1 FROM pushed_commits p JOIN repositories r ON r.id = p.repository_id \
                    WHERE p.sha = commits.sha AND r.name = commits.repository \
                      AND LOWER(p.author_email) = LOWER(commits.author_email)) \
                THEN author_user_id END AS author_user_id, \
                authored_at, lines_added, lines_removed, \
                test_lines_added, test_lines_removed, ai_markers <> '[]' AS has_ai_marker \
         FROM commits WHERE authored_at >= ",
    );
    select
        .push_bind(from_ms)
        .push(" AND authored_at < ")
        .push_bind(to_ms);
}

/// Attributes the commits of an author email (in any letter case) to `user_id`.
pub async fn attribute_to_user(db: &Db, author_email: &str, user_id: i64) -> Result<()> {
    with_pool!(db, |pool| {
        sqlx::query("UPDATE commits SET author_user_id = $1 WHERE LOWER(author_email) = LOWER($2)")
            .bind(user_id)
            .bind(author_email)
            .execute(pool)
            .await?;
    });
    Ok(())
}

fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
