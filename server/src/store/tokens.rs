//! API tokens, stored only as hashes.

use crate::db::{now_ms, Db};
use crate::error::{Error, Result};
use crate::store::pool::with_pool;

/// A token as listed to admins: never the secret itself.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenListing {
    pub id: i64,
    pub owner_email: String,
    pub name: String,
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

pub async fn insert(
    db: &Db,
    user_id: i64,
    name: &str,
    token_hash: &str,
    prefix: &str,
) -> Result<i64> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_scalar(
            "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(user_id)
        .bind(name)
        .bind(token_hash)
        .bind(prefix)
        .bind(now_ms())
        .fetch_one(pool)
        .await?
    }))
}

/// How stale `last_used_at` may get before a request records its use again: writing on every
/// request would make each API call wait for running upload transactions on SQLite.
const LAST_USED_RESOLUTION_MS: i64 = 60_000;

#[derive(sqlx::FromRow)]
struct LiveToken {
    id: i64,
    user_id: i64,
    last_used_at: Option<i64>,
}

/// The owner of a live (not revoked) token, if they are active, recording its use (to the minute).
pub async fn authenticate(db: &Db, token_hash: &str) -> Result<Option<i64>> {
    let token: Option<LiveToken> = with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT t.id, t.user_id, t.last_used_at FROM api_tokens t \
             JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.deactivated_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(pool)
        .await?
    });
    let Some(token) = token else { return Ok(None) };
    let now = now_ms();
    if token
        .last_used_at
        .is_none_or(|t| now - t >= LAST_USED_RESOLUTION_MS)
    {
        with_pool!(db, |pool| {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(now)
                .bind(token.id)
                .execute(pool)
                .await?;
        });
    }
    Ok(Some(token.user_id))
}

pub async fn revoke(db: &Db, token_id: i64) -> Result<()> {
    let revoked = with_pool!(db, |pool| {
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now_ms())
            .bind(token_id)
            .execute(pool)
            .await?
            .rows_affected()
    });
    if revoked == 0 {
        return Err(Error::NotFound(format!("live token #{token_id}")));
    }
    Ok(())
}

pub async fn list(db: &Db) -> Result<Vec<TokenListing>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT t.id, u.email AS owner_email, t.name, t.prefix, t.created_at, t.last_used_at, t.revoked_at
             FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.created_at DESC, t.id DESC",
        )
        .fetch_all(pool)
        .await?
    }))
}
