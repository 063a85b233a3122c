//! API tokens, stored only as hashes.

use sqlx::Row;

use crate::db::{now_ms, Db};
use crate::error::{Error, Result};

/// A token as listed to admins: never the secret itself.
#[derive(Debug, Clone)]
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
    let row = sqlx::query(
        "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(user_id)
    .bind(name)
    .bind(token_hash)
    .bind(prefix)
    .bind(now_ms())
    .fetch_one(&db.pool)
    .await?;
    Ok(row.try_get("id")?)
}

/// How stale `last_used_at` may get before a request records its use again: writing on every
/// request would make each API call wait for running upload transactions on SQLite.
const LAST_USED_RESOLUTION_MS: i64 = 60_000;

/// The owner of a live (not revoked) token, recording its use (to the minute).
pub async fn authenticate(db: &Db, token_hash: &str) -> Result<Option<i64>> {
    let row = sqlx::query("SELECT id, user_id, last_used_at FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL")
        .bind(token_hash)
        .fetch_optional(&db.pool)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let now = now_ms();
    let last_used: Option<i64> = row.try_get("last_used_at")?;
    if last_used.is_none_or(|t| now - t >= LAST_USED_RESOLUTION_MS) {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(now)
            .bind(row.try_get::<i64, _>("id")?)
            .execute(&db.pool)
            .await?;
    }
    Ok(Some(row.try_get("user_id")?))
}

pub async fn revoke(db: &Db, token_id: i64) -> Result<()> {
    let done =
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now_ms())
            .bind(token_id)
            .execute(&db.pool)
            .await?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound(format!("live token #{token_id}")));
    }
    Ok(())
}

pub async fn list(db: &Db) -> Result<Vec<TokenListing>> {
    let rows = sqlx::query(
        "SELECT t.id, u.email, t.name, t.prefix, t.created_at, t.last_used_at, t.revoked_at
         FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.created_at DESC, t.id DESC",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(TokenListing {
                id: row.try_get("id")?,
                owner_email: row.try_get("email")?,
                name: row.try_get("name")?,
                prefix: row.try_get("prefix")?,
                created_at: row.try_get("created_at")?,
                last_used_at: row.try_get("last_used_at")?,
                revoked_at: row.try_get("revoked_at")?,
            })
        })
        .collect()
}
