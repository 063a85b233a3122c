//! Browser sessions, keyed by the hash of the cookie value.

use crate::db::{now_ms, Db};
use crate::error::Result;
use crate::store::pool::with_pool;

/// A live session.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WebSession {
    pub user_id: i64,
    pub csrf_token: String,
}

pub async fn insert(
    db: &Db,
    token_hash: &str,
    user_id: i64,
    csrf_token: &str,
    expires_at: i64,
) -> Result<()> {
    with_pool!(db, |pool| {
        sqlx::query(
            "INSERT INTO web_sessions (token_hash, user_id, csrf_token, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf_token)
        .bind(now_ms())
        .bind(expires_at)
        .execute(pool)
        .await?;
    });
    Ok(())
}

/// The session if it exists and has not expired.
pub async fn find_live(db: &Db, token_hash: &str) -> Result<Option<WebSession>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT user_id, csrf_token FROM web_sessions WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now_ms())
        .fetch_optional(pool)
        .await?
    }))
}

pub async fn delete(db: &Db, token_hash: &str) -> Result<()> {
    with_pool!(db, |pool| {
        sqlx::query("DELETE FROM web_sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(pool)
            .await?;
    });
    Ok(())
}

/// Removes expired sessions; called at each login so the table stays small.
pub async fn purge_expired(db: &Db) -> Result<()> {
    with_pool!(db, |pool| {
        sqlx::query("DELETE FROM web_sessions WHERE expires_at <= $1")
            .bind(now_ms())
            .execute(pool)
            .await?;
    });
    Ok(())
}
