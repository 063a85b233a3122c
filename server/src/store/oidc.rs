//! OIDC single sign-on: who a provider's subject is here, and the sign-ins under way.

use crate::db::{now_ms, Db};
use crate::error::Result;
use crate::store::pool::with_pool;

/// What a sign-in started with, needed to finish it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingLogin {
    pub nonce: String,
    pub pkce_verifier: String,
    pub next_path: Option<String>,
}

/// Stores a sign-in under way (keyed by the hash of its `state`), dropping the expired ones.
pub async fn insert_pending(
    db: &Db,
    state_hash: &str,
    login: &PendingLogin,
    expires_at: i64,
) -> Result<()> {
    with_pool!(db, |pool| {
        sqlx::query("DELETE FROM oidc_pending_logins WHERE expires_at <= $1")
            .bind(now_ms())
            .execute(pool)
            .await?;
        sqlx::query(
            "INSERT INTO oidc_pending_logins (state_hash, nonce, pkce_verifier, next_path, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(state_hash)
        .bind(&login.nonce)
        .bind(&login.pkce_verifier)
        .bind(login.next_path.clone())
        .bind(expires_at)
        .execute(pool)
        .await?;
    });
    Ok(())
}

/// Takes a live sign-in out of the table: a `state` can finish one sign-in only, even when two
/// requests bring it at once.
pub async fn take_pending(db: &Db, state_hash: &str) -> Result<Option<PendingLogin>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as(
            "DELETE FROM oidc_pending_logins WHERE state_hash = $1 AND expires_at > $2
             RETURNING nonce, pkce_verifier, next_path",
        )
        .bind(state_hash)
        .bind(now_ms())
        .fetch_optional(pool)
        .await?
    }))
}

/// The user linked to a provider's subject.
pub async fn user_for_subject(db: &Db, issuer: &str, subject: &str) -> Result<Option<i64>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_scalar("SELECT user_id FROM oidc_identities WHERE issuer = $1 AND subject = $2")
            .bind(issuer)
            .bind(subject)
            .fetch_optional(pool)
            .await?
    }))
}

/// Links a provider's subject to a user; a subject already linked keeps its user.
pub async fn link_subject(db: &Db, issuer: &str, subject: &str, user_id: i64) -> Result<()> {
    with_pool!(db, |pool| {
        sqlx::query(
            "INSERT INTO oidc_identities (issuer, subject, user_id, created_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT (issuer, subject) DO NOTHING",
        )
        .bind(issuer)
        .bind(subject)
        .bind(user_id)
        .bind(now_ms())
        .execute(pool)
        .await?;
    });
    Ok(())
}
