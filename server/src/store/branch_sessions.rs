//! Assistant sessions on a git branch, as the review classifier matches them to a pull request's
//! head branch (read from `usage_events`).

use crate::db::Db;
use crate::error::Result;
use crate::store::pool::{with_pool, Pool};

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
        // Exactly `LOWER(repository) = LOWER($1)`, through the (repository, git_branch) index:
        // every spelling of a name lies between its upper- and lower-case spellings (SQLite folds
        // ASCII only), but so may many other names (`github.com/a/…` up to the name itself), so
        // the distinct names in that range are stepped through one index seek each (`spellings`)
        // and only the matching ones are read. Filtering the range row by row cost the demo's
        // webhook replay 10 ms a delivery.
        Pool::Sqlite(pool) => {
            sqlx::query_as(
                "WITH RECURSIVE spellings(name) AS ( \
                    SELECT MIN(repository) FROM usage_events \
                        WHERE repository >= UPPER($1) AND repository <= LOWER($1) \
                    UNION ALL \
                    SELECT (SELECT MIN(repository) FROM usage_events \
                            WHERE repository > name AND repository <= LOWER($1)) \
                        FROM spellings WHERE name IS NOT NULL \
                 ) \
                 SELECT session_id, MIN(ts) AS started, MAX(ts) AS ended FROM usage_events \
                 WHERE repository IN (SELECT name FROM spellings WHERE LOWER(name) = LOWER($1)) \
                    AND git_branch = $2 GROUP BY session_id",
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

/// An assistant session on a branch, with its repository as the database lower-cases it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionOnBranch {
    /// `LOWER(repository)`: what [`on_branch`] compares.
    pub repository: String,
    pub git_branch: String,
    pub session_id: String,
    pub started: i64,
    pub ended: i64,
}

/// [`on_branch`] for every branch at once, in one scan: what a batch reclassifying a thousand
/// pull requests reads instead of one query each (on PostgreSQL each is a scan of the table).
pub async fn on_every_branch(db: &Db) -> Result<Vec<SessionOnBranch>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT LOWER(repository) AS repository, git_branch, session_id, MIN(ts) AS started, \
                    MAX(ts) AS ended FROM usage_events \
             WHERE repository IS NOT NULL AND git_branch IS NOT NULL \
             GROUP BY LOWER(repository), git_branch, session_id",
        )
        .fetch_all(pool)
        .await?
    }))
}
