//! Assistant sessions on a git branch, as the review classifier matches them to a pull request's
//! head branch (read from `usage_events`).

use crate::db::Db;
use crate::error::Result;
use crate::store::pool::Pool;

/// An assistant session on a branch: its id and first and last event, epoch ms.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BranchSession {
    pub session_id: String,
    pub started: i64,
    pub ended: i64,
}

/// The assistant sessions with events on `branch` of `repository` (in any letter case).
pub async fn on_branch(db: &Db, repository: &str, branch: &str) -> Result<Vec<BranchSession>> {
    Ok(match db.typed() {
        // Exactly `LOWER(repository) = LOWER($1)`, split so that both halves seek the
        // (repository, git_branch) index: the lower-case spelling, then any other spelling.
        Pool::Sqlite(pool) => {
            sqlx::query_as(
                "SELECT session_id, MIN(ts) AS started, MAX(ts) AS ended FROM ( \
                    SELECT session_id, ts FROM usage_events WHERE repository = LOWER($1) AND git_branch = $2 \
                    UNION ALL \
                    SELECT session_id, ts FROM usage_events WHERE repository >= UPPER($1) AND repository < LOWER($1) \
                        AND LOWER(repository) = LOWER($1) AND git_branch = $2 \
                 ) e GROUP BY session_id",
            )
            .bind(repository)
            .bind(branch)
            .fetch_all(pool)
            .await?
        }
        Pool::Postgres(pool) => {
            sqlx::query_as(
                "SELECT session_id, MIN(ts) AS started, MAX(ts) AS ended FROM usage_events \
                 WHERE LOWER(repository) = LOWER($1) AND git_branch = $2 GROUP BY session_id",
            )
            .bind(repository)
            .bind(branch)
            .fetch_all(pool)
            .await?
        }
    })
}
