//! One-time password-reset links, stored as the hash of their token.

use crate::db::{now_ms, Db};
use crate::error::Result;
use crate::store::pool::{with_pool, with_tx};

/// Stores a new link for the user, replacing their unused ones.
pub async fn insert(db: &Db, user_id: i64, token_hash: &str, expires_at: i64) -> Result<()> {
    let mut tx = db.begin().await?;
    with_tx!(&mut tx, |conn| {
        sqlx::query("DELETE FROM password_resets WHERE user_id = $1 AND used_at IS NULL")
            .bind(user_id)
            .execute(&mut *conn)
            .await?;
        sqlx::query(
            "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(now_ms())
        .bind(expires_at)
        .execute(&mut *conn)
        .await?;
    });
    tx.commit().await?;
    Ok(())
}

/// The user a live (unused, unexpired) link is for.
pub async fn live_user(db: &Db, token_hash: &str) -> Result<Option<i64>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_scalar(
            "SELECT user_id FROM password_resets \
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now_ms())
        .fetch_optional(pool)
        .await?
    }))
}

/// Uses a live link: marks it used, sets the user's password and ends their sessions, all at
/// once; None (and nothing changed) when the link is unknown, used or expired. Two requests
/// with one link cannot both succeed: the `used_at IS NULL` update lets one through.
pub async fn redeem(db: &Db, token_hash: &str, password_hash: &str) -> Result<Option<i64>> {
    let mut tx = db.begin().await?;
    let user_id: Option<i64> = with_tx!(&mut tx, |conn| {
        let now = now_ms();
        let user_id: Option<i64> = sqlx::query_scalar(
            "UPDATE password_resets SET used_at = $1 \
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
        )
        .bind(now)
        .bind(token_hash)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(id) = user_id {
            sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                .bind(password_hash)
                .bind(id)
                .execute(&mut *conn)
                .await?;
            sqlx::query("DELETE FROM web_sessions WHERE user_id = $1")
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
        user_id
    });
    tx.commit().await?;
    Ok(user_id)
}
