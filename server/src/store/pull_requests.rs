//! Pull (merge) requests with their cached classification, as webhooks describe them and as
//! reports and the review classifier read them.

use agentmeter_reviews::{AiAssistant, AiReason};
use sqlx::types::Json;

use crate::db::{now_ms, Db};
use crate::error::Result;
use crate::store::pool::with_pool;

mod listing;
pub use listing::{alive_between, merged_between, PullRequestSummary};

/// A pull request as a webhook delivery describes it. Times are epoch ms.
#[derive(Debug, Clone)]
pub struct PullRequestUpsert<'a> {
    pub repository_id: i64,
    pub number: i64,
    pub url: &'a str,
    pub title: &'a str,
    pub author_login: Option<&'a str>,
    pub author_forge_id: Option<i64>,
    pub author_email: Option<&'a str>,
    pub author_user_id: Option<i64>,
    pub head_branch: &'a str,
    pub base_branch: &'a str,
    /// The assistants the body names.
    pub body_ai_markers: &'a [AiAssistant],
    /// `open`, `closed` or `merged`.
    pub state: &'a str,
    pub created_at: i64,
    pub merged_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub lines_added: Option<i64>,
    pub lines_removed: Option<i64>,
}

/// Stores a delivery's view of a pull request; returns its id. A merged one stays merged, and
/// what a delivery leaves out keeps its stored value.
pub async fn upsert(db: &Db, pr: &PullRequestUpsert<'_>) -> Result<i64> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_scalar(
            "INSERT INTO pull_requests (repository_id, number, url, title, author_login, author_forge_id, \
                author_email, author_user_id, head_branch, base_branch, body_ai_markers, state, created_at, \
                merged_at, closed_at, lines_added, lines_removed, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) \
             ON CONFLICT (repository_id, number) DO UPDATE SET \
                url = excluded.url, title = excluded.title, \
                author_login = COALESCE(excluded.author_login, pull_requests.author_login), \
                author_forge_id = COALESCE(excluded.author_forge_id, pull_requests.author_forge_id), \
                author_email = COALESCE(excluded.author_email, pull_requests.author_email), \
                author_user_id = COALESCE(excluded.author_user_id, pull_requests.author_user_id), \
                head_branch = excluded.head_branch, base_branch = excluded.base_branch, \
                body_ai_markers = excluded.body_ai_markers, \
                state = CASE WHEN pull_requests.state = 'merged' THEN 'merged' ELSE excluded.state END, \
                merged_at = COALESCE(pull_requests.merged_at, excluded.merged_at), \
                closed_at = CASE WHEN excluded.state = 'open' AND pull_requests.state <> 'merged' THEN NULL \
                                 ELSE COALESCE(excluded.closed_at, pull_requests.closed_at) END, \
                lines_added = COALESCE(excluded.lines_added, pull_requests.lines_added), \
                lines_removed = COALESCE(excluded.lines_removed, pull_requests.lines_removed), \
                updated_at = excluded.updated_at \
             RETURNING id",
        )
        .bind(pr.repository_id)
        .bind(pr.number)
        .bind(pr.url)
        .bind(pr.title)
        .bind(pr.author_login)
        .bind(pr.author_forge_id)
        .bind(pr.author_email)
        .bind(pr.author_user_id)
        .bind(pr.head_branch)
        .bind(pr.base_branch)
        .bind(Json(pr.body_ai_markers))
        .bind(pr.state)
        .bind(pr.created_at)
        .bind(pr.merged_at)
        .bind(pr.closed_at)
        .bind(pr.lines_added)
        .bind(pr.lines_removed)
        .bind(now_ms())
        .fetch_one(pool)
        .await?
    }))
}

/// A stored pull request with its repository, as the classifier reads it. Times are epoch ms.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PullRequestRecord {
    pub repository_id: i64,
    /// `host/owner/name`.
    pub repository: String,
    /// The repository's critical-path globs.
    #[sqlx(json)]
    pub critical_globs: Vec<String>,
    pub author_login: Option<String>,
    pub author_forge_id: Option<i64>,
    pub author_user_id: Option<i64>,
    pub head_branch: String,
    pub base_branch: String,
    #[sqlx(json)]
    pub body_ai_markers: Vec<AiAssistant>,
    pub created_at: i64,
    pub merged_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub lines_added: Option<i64>,
    pub lines_removed: Option<i64>,
}

/// Pull request `id` with its repository's name and globs.
pub async fn record(db: &Db, id: i64) -> Result<Option<PullRequestRecord>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT p.repository_id, r.name AS repository, r.critical_globs, p.author_login, \
                    p.author_forge_id, p.author_user_id, p.head_branch, p.base_branch, \
                    p.body_ai_markers, p.created_at, p.merged_at, p.closed_at, p.lines_added, \
                    p.lines_removed \
             FROM pull_requests p JOIN repositories r ON r.id = p.repository_id WHERE p.id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?
    }))
}

/// A classification to cache on a pull request's row.
#[derive(Debug, Clone)]
pub struct Classification<'a> {
    pub ai_assisted: bool,
    pub ai_reasons: &'a [AiReason],
    pub critical: bool,
    /// The critical paths touched.
    pub critical_paths: &'a [String],
    pub outcome: Option<&'a str>,
    pub change_size: i64,
    /// Epoch ms.
    pub first_review_at: Option<i64>,
}

/// Caches the classification of pull request `id`.
pub async fn set_classification(db: &Db, id: i64, c: &Classification<'_>) -> Result<()> {
    with_pool!(db, |pool| {
        sqlx::query(
            "UPDATE pull_requests SET ai_assisted = $1, ai_reasons = $2, critical = $3, \
             critical_paths = $4, outcome = $5, change_size = $6, first_review_at = $7, \
             updated_at = $8 WHERE id = $9",
        )
        .bind(c.ai_assisted)
        .bind(Json(c.ai_reasons))
        .bind(c.critical)
        .bind(Json(c.critical_paths))
        .bind(c.outcome)
        .bind(c.change_size)
        .bind(c.first_review_at)
        .bind(now_ms())
        .bind(id)
        .execute(pool)
        .await?;
    });
    Ok(())
}

/// Ids of a repository's pull requests, optionally only those on one head branch.
pub async fn ids_of_repository(
    db: &Db,
    repository_id: i64,
    head_branch: Option<&str>,
) -> Result<Vec<i64>> {
    Ok(with_pool!(db, |pool| match head_branch {
        Some(branch) => {
            sqlx::query_scalar(
                "SELECT id FROM pull_requests WHERE repository_id = $1 AND head_branch = $2",
            )
            .bind(repository_id)
            .bind(branch)
            .fetch_all(pool)
            .await?
        }
        None => {
            sqlx::query_scalar("SELECT id FROM pull_requests WHERE repository_id = $1")
                .bind(repository_id)
                .fetch_all(pool)
                .await?
        }
    }))
}

/// Branch names a statement asks about at most.
const BRANCHES_PER_STATEMENT: usize = 500;

/// Ids of a repository's pull requests whose head is one of `branches`.
pub async fn ids_with_head_in(db: &Db, repository_id: i64, branches: &[&str]) -> Result<Vec<i64>> {
    let mut ids = Vec::new();
    for chunk in branches.chunks(BRANCHES_PER_STATEMENT) {
        let found: Vec<i64> = with_pool!(db, |pool| {
            let mut select =
                sqlx::QueryBuilder::new("SELECT id FROM pull_requests WHERE repository_id = ");
            select
                .push_bind(repository_id)
                .push(" AND head_branch IN (");
            let mut list = select.separated(", ");
            for branch in chunk {
                list.push_bind(*branch);
            }
            select.push(")");
            select.build_query_scalar().fetch_all(pool).await?
        });
        ids.extend(found);
    }
    ids.sort_unstable();
    Ok(ids)
}

/// How a pull request's author is recognised.
#[derive(Debug, Clone, Copy)]
pub enum AuthorKey<'a> {
    /// The forge login, in any letter case.
    Login(&'a str),
    /// The email, in any letter case.
    Email(&'a str),
}

/// Attributes the pull requests of an author to `user_id`; returns their ids.
pub async fn attribute_to_user(db: &Db, author: AuthorKey<'_>, user_id: i64) -> Result<Vec<i64>> {
    Ok(with_pool!(db, |pool| match author {
        AuthorKey::Login(login) => {
            sqlx::query_scalar(
                "UPDATE pull_requests SET author_user_id = $1 \
                 WHERE LOWER(author_login) = LOWER($2) RETURNING id",
            )
            .bind(user_id)
            .bind(login)
            .fetch_all(pool)
            .await?
        }
        AuthorKey::Email(email) => {
            sqlx::query_scalar(
                "UPDATE pull_requests SET author_user_id = $1 \
                 WHERE LOWER(author_email) = LOWER($2) RETURNING id",
            )
            .bind(user_id)
            .bind(email)
            .fetch_all(pool)
            .await?
        }
    }))
}
