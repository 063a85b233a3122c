//! Repositories: names, providers, critical-path globs and the write-only webhook secret.

use chrono::{DateTime, Utc};
use sqlx::types::Json;

use crate::db::{now_ms, Db};
use crate::error::Result;
use crate::store::pool::with_pool;

/// A repository as admins see it (never with its secret).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Repository {
    pub id: i64,
    /// `host/owner/name`.
    pub name: String,
    /// `github`, `gitlab` or `git` (known only from collected commits).
    pub provider: String,
    pub critical_globs: Vec<String>,
    pub webhook_secret_set: bool,
    pub webhook_secret_set_at: Option<DateTime<Utc>>,
    pub last_event_at: Option<DateTime<Utc>>,
    pub pull_requests: i64,
}

#[derive(sqlx::FromRow)]
struct RepositoryRow {
    id: i64,
    name: String,
    provider: String,
    #[sqlx(json)]
    critical_globs: Vec<String>,
    webhook_secret_set_at: Option<i64>,
    last_event_at: Option<i64>,
    prs: i64,
}

impl From<RepositoryRow> for Repository {
    fn from(row: RepositoryRow) -> Repository {
        Repository {
            id: row.id,
            name: row.name,
            provider: row.provider,
            critical_globs: row.critical_globs,
            webhook_secret_set: row.webhook_secret_set_at.is_some(),
            webhook_secret_set_at: row
                .webhook_secret_set_at
                .and_then(DateTime::from_timestamp_millis),
            last_event_at: row.last_event_at.and_then(DateTime::from_timestamp_millis),
            pull_requests: row.prs,
        }
    }
}

/// Every repository, by name.
pub async fn list(db: &Db) -> Result<Vec<Repository>> {
    let rows: Vec<RepositoryRow> = with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT r.id, r.name, r.provider, r.critical_globs, r.webhook_secret_set_at, \
             r.last_event_at, (SELECT COUNT(*) FROM pull_requests p WHERE p.repository_id = r.id) AS prs \
             FROM repositories r ORDER BY r.name",
        )
        .fetch_all(pool)
        .await?
    });
    Ok(rows.into_iter().map(Repository::from).collect())
}

/// The id of a repository, creating it on first sight.
pub async fn ensure(db: &Db, name: &str, provider: &str) -> Result<i64> {
    Ok(with_pool!(db, |pool| {
        sqlx::query(
            "INSERT INTO repositories (name, provider, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(provider)
        .bind(now_ms())
        .execute(pool)
        .await?;
        // A repository first seen through collected commits learns its forge from its first
        // webhook.
        if provider != "git" {
            sqlx::query(
                "UPDATE repositories SET provider = $1 WHERE name = $2 AND provider = 'git'",
            )
            .bind(provider)
            .bind(name)
            .execute(pool)
            .await?;
        }
        sqlx::query_scalar("SELECT id FROM repositories WHERE name = $1")
            .bind(name)
            .fetch_one(pool)
            .await?
    }))
}

/// Replaces a repository's critical-path globs (already validated).
pub async fn set_globs(db: &Db, id: i64, globs: &[String]) -> Result<()> {
    with_pool!(db, |pool| {
        sqlx::query("UPDATE repositories SET critical_globs = $1 WHERE id = $2")
            .bind(Json(globs))
            .bind(id)
            .execute(pool)
            .await?;
    });
    Ok(())
}

/// Sets (or, with `None`, clears) a repository's webhook secret.
pub async fn set_secret(db: &Db, id: i64, secret: Option<&str>) -> Result<()> {
    let set_at = secret.map(|_| now_ms());
    with_pool!(db, |pool| {
        sqlx::query(
            "UPDATE repositories SET webhook_secret = $1, webhook_secret_set_at = $2 WHERE id = $3",
        )
        .bind(secret)
        .bind(set_at)
        .bind(id)
        .execute(pool)
        .await?;
    });
    Ok(())
}

/// The secret configured for the repository named `name`, if any.
pub async fn secret_of(db: &Db, name: &str) -> Result<Option<String>> {
    let secret: Option<Option<String>> = with_pool!(db, |pool| {
        sqlx::query_scalar("SELECT webhook_secret FROM repositories WHERE name = $1")
            .bind(name)
            .fetch_optional(pool)
            .await?
    });
    Ok(secret.flatten())
}
