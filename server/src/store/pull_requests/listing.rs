//! Pull requests as reports and the pull-request list read them: merged in a range, or alive
//! during one.

use crate::db::Db;
use crate::error::Result;
use crate::store::json_rows::{fetch_json_rows, flag, json_rows_of};
use crate::store::pool::{with_pool, Pool};

/// A pull request as reports and the pull-request list show it. Times are epoch ms.
#[derive(Debug, Clone)]
pub struct PullRequestSummary {
    pub repository: String,
    pub number: i64,
    pub url: String,
    pub title: String,
    pub author_login: Option<String>,
    pub author_user_id: Option<i64>,
    /// The name of the user the author maps to.
    pub author_name: Option<String>,
    pub head_branch: String,
    pub created_at: i64,
    pub merged_at: Option<i64>,
    pub first_review_at: Option<i64>,
    pub outcome: Option<String>,
    pub ai_assisted: bool,
    /// The reasons as stored (a JSON list of tagged reasons).
    pub ai_reasons: serde_json::Value,
    pub critical: bool,
    pub critical_paths: Vec<String>,
    pub lines_added: Option<i64>,
    pub lines_removed: Option<i64>,
    pub change_size: i64,
}

/// A row of the summary select. On SQLite it also arrives through [`fetch_json_rows`], whose
/// JSON carries flags as 0 or 1.
#[derive(sqlx::FromRow, serde::Deserialize)]
struct SummaryRow {
    repository: String,
    number: i64,
    url: String,
    title: String,
    author_login: Option<String>,
    author_user_id: Option<i64>,
    author_name: Option<String>,
    head_branch: String,
    created_at: i64,
    merged_at: Option<i64>,
    first_review_at: Option<i64>,
    outcome: Option<String>,
    #[serde(deserialize_with = "flag")]
    ai_assisted: bool,
    #[sqlx(json)]
    ai_reasons: serde_json::Value,
    #[serde(deserialize_with = "flag")]
    critical: bool,
    #[sqlx(json)]
    critical_paths: Vec<String>,
    lines_added: Option<i64>,
    lines_removed: Option<i64>,
    change_size: i64,
}

impl From<SummaryRow> for PullRequestSummary {
    fn from(r: SummaryRow) -> PullRequestSummary {
        PullRequestSummary {
            repository: r.repository,
            number: r.number,
            url: r.url,
            title: r.title,
            author_login: r.author_login,
            author_user_id: r.author_user_id,
            author_name: r.author_name,
            head_branch: r.head_branch,
            created_at: r.created_at,
            merged_at: r.merged_at,
            first_review_at: r.first_review_at,
            outcome: r.outcome,
            ai_assisted: r.ai_assisted,
            ai_reasons: r.ai_reasons,
            critical: r.critical,
            critical_paths: r.critical_paths,
            lines_added: r.lines_added,
            lines_removed: r.lines_removed,
            change_size: r.change_size,
        }
    }
}

const SUMMARY_SELECT: &str = "SELECT r.name AS repository, p.number, p.url, p.title, \
        p.author_login, p.author_user_id, u.name AS author_name, p.head_branch, p.created_at, \
        p.merged_at, p.first_review_at, p.outcome, p.ai_assisted, p.ai_reasons, \
        p.critical, p.critical_paths, p.lines_added, p.lines_removed, p.change_size \
     FROM pull_requests p JOIN repositories r ON r.id = p.repository_id \
     LEFT JOIN users u ON u.id = p.author_user_id ";

/// Pull requests merged in `[from_ms, to_ms)`, newest first; with `authors`, only theirs.
pub async fn merged_between(
    db: &Db,
    from_ms: i64,
    to_ms: i64,
    authors: Option<&[i64]>,
) -> Result<Vec<PullRequestSummary>> {
    if authors.is_some_and(<[i64]>::is_empty) {
        return Ok(Vec::new());
    }
    let rows: Vec<SummaryRow> = with_pool!(db, |pool| {
        let mut select = sqlx::QueryBuilder::new(SUMMARY_SELECT);
        select.push("WHERE p.merged_at >= ").push_bind(from_ms);
        select.push(" AND p.merged_at < ").push_bind(to_ms);
        if let Some(authors) = authors {
            select.push(" AND p.author_user_id IN (");
            let mut list = select.separated(", ");
            for id in authors {
                list.push_bind(*id);
            }
            select.push(")");
        }
        select.push(" ORDER BY p.merged_at DESC");
        select.build_query_as().fetch_all(pool).await?
    });
    Ok(rows.into_iter().map(PullRequestSummary::from).collect())
}

/// The columns of [`SummaryRow`] in order, for [`json_rows_of`].
const SUMMARY_COLUMNS: &str = "repository, number, url, title, author_login, author_user_id, \
    author_name, head_branch, created_at, merged_at, first_review_at, outcome, \
    ai_assisted, json(ai_reasons), critical, json(critical_paths), lines_added, lines_removed, \
    change_size";

/// Pull requests alive during `[from_ms, to_ms)`: opened before its end and not merged or
/// closed before its start.
pub async fn alive_between(db: &Db, from_ms: i64, to_ms: i64) -> Result<Vec<PullRequestSummary>> {
    let rows: Vec<SummaryRow> = match db.typed() {
        // Reports read every pull request of their range: one JSON text crosses from SQLite's
        // worker thread at once instead of one hand-over per row.
        Pool::Sqlite(pool) => {
            let mut select = json_rows_of(SUMMARY_COLUMNS);
            push_alive_select(&mut select, from_ms, to_ms);
            fetch_json_rows(pool, select).await?
        }
        Pool::Postgres(pool) => {
            let mut select = sqlx::QueryBuilder::new("");
            push_alive_select(&mut select, from_ms, to_ms);
            select.build_query_as().fetch_all(pool).await?
        }
    };
    Ok(rows.into_iter().map(PullRequestSummary::from).collect())
}

/// Writes the statement of [`alive_between`] into `select`.
fn push_alive_select<'args, DB>(select: &mut sqlx::QueryBuilder<DB>, from_ms: i64, to_ms: i64)
where
    DB: sqlx::Database,
    i64: sqlx::Encode<'args, DB> + sqlx::Type<DB>,
{
    select.push(SUMMARY_SELECT);
    select.push("WHERE p.created_at < ").push_bind(to_ms);
    select
        .push(" AND (p.merged_at IS NULL OR p.merged_at >= ")
        .push_bind(from_ms);
    select
        .push(") AND (p.closed_at IS NULL OR p.closed_at >= ")
        .push_bind(from_ms);
    select.push(")");
}
