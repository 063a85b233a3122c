//! When each user's uploader last reached the server: the latest use of their live API tokens
//! (recorded to the minute by `store::tokens::authenticate`).

use crate::db::Db;
use crate::error::Result;
use crate::store::pool::with_pool;

/// A user's live tokens and their latest use.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UploaderActivity {
    pub user_id: i64,
    /// The latest use of any of their live tokens; none when never used.
    pub last_used_at: Option<i64>,
}

/// Every user holding at least one live (not revoked) token.
pub async fn with_live_tokens(db: &Db) -> Result<Vec<UploaderActivity>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT user_id, MAX(last_used_at) AS last_used_at FROM api_tokens \
             WHERE revoked_at IS NULL GROUP BY user_id ORDER BY user_id",
        )
        .fetch_all(pool)
        .await?
    }))
}
