//! Stored repositories: names, critical-path globs, write-only webhook secrets, and the
//! webhook deliveries already handled.

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::db::{now_ms, Db};
use crate::error::{Error, Result};

/// A repository as admins see it (never with its secret).
#[derive(Debug, Clone, serde::Serialize)]
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

const SELECT: &str = "SELECT r.id, r.name, r.provider, r.critical_globs, r.webhook_secret_set_at, \
    r.last_event_at, (SELECT COUNT(*) FROM pull_requests p WHERE p.repository_id = r.id) AS prs \
    FROM repositories r";

fn repository(row: &AnyRow) -> Result<Repository> {
    let globs: String = row.try_get("critical_globs")?;
    let set_at: Option<i64> = row.try_get("webhook_secret_set_at")?;
    Ok(Repository {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        provider: row.try_get("provider")?,
        critical_globs: serde_json::from_str(&globs).unwrap_or_default(),
        webhook_secret_set: set_at.is_some(),
        webhook_secret_set_at: set_at.and_then(DateTime::from_timestamp_millis),
        last_event_at: row
            .try_get::<Option<i64>, _>("last_event_at")?
            .and_then(DateTime::from_timestamp_millis),
        pull_requests: row.try_get("prs")?,
    })
}

/// Every repository, by name.
pub async fn list(db: &Db) -> Result<Vec<Repository>> {
    let rows = sqlx::query(&format!("{SELECT} ORDER BY r.name"))
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(repository).collect()
}

/// A repository by id, by full `host/owner/name`, or by a unique `owner/name` suffix.
pub async fn find(db: &Db, key: &str) -> Result<Repository> {
    let key = key.trim().trim_matches('/').to_lowercase();
    let all = list(db).await?;
    if let Ok(id) = key.parse::<i64>() {
        if let Some(found) = all.iter().find(|r| r.id == id) {
            return Ok(found.clone());
        }
    }
    if let Some(found) = all.iter().find(|r| r.name == key) {
        return Ok(found.clone());
    }
    let suffix = format!("/{key}");
    let mut matches = all.into_iter().filter(|r| r.name.ends_with(&suffix));
    match (matches.next(), matches.next()) {
        (Some(found), None) => Ok(found),
        (Some(_), Some(_)) => Err(Error::BadRequest(format!(
            "repository {key:?} is ambiguous; give host/owner/name"
        ))),
        _ => Err(Error::NotFound(format!("repository {key:?}"))),
    }
}

/// Whether `name` is a normalized repository name, `host/owner/name` (GitLab groups may nest):
/// lower case, each part made of letters, digits, `.`, `-`, `_`, none of them `.` or `..`.
pub fn is_valid_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('/').collect();
    parts.len() >= 3
        && name.len() <= 255
        && parts.iter().all(|part| {
            !part.is_empty()
                && *part != "."
                && *part != ".."
                && part.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_')
                })
        })
}

/// The id of a repository, creating it on first sight.
pub async fn ensure(db: &Db, name: &str, provider: &str) -> Result<i64> {
    sqlx::query("INSERT INTO repositories (name, provider, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING")
        .bind(name)
        .bind(provider)
        .bind(now_ms())
        .execute(&db.pool)
        .await?;
    // A repository first seen through collected commits learns its forge from its first webhook.
    if provider != "git" {
        sqlx::query("UPDATE repositories SET provider = $1 WHERE name = $2 AND provider = 'git'")
            .bind(provider)
            .bind(name)
            .execute(&db.pool)
            .await?;
    }
    let row = sqlx::query("SELECT id FROM repositories WHERE name = $1")
        .bind(name)
        .fetch_one(&db.pool)
        .await?;
    Ok(row.try_get("id")?)
}

/// Replaces a repository's critical-path globs (already validated).
pub async fn set_globs(db: &Db, id: i64, globs: &[String]) -> Result<()> {
    let json = serde_json::to_string(globs).map_err(|e| Error::Internal(e.to_string()))?;
    sqlx::query("UPDATE repositories SET critical_globs = $1 WHERE id = $2")
        .bind(json)
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// A repository's stored globs.
pub async fn globs_of(db: &Db, id: i64) -> Result<Vec<String>> {
    let row = sqlx::query("SELECT critical_globs FROM repositories WHERE id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await?;
    let text: String = row.try_get("critical_globs")?;
    Ok(serde_json::from_str(&text).unwrap_or_default())
}

/// Sets (or, with an empty secret, clears) a repository's webhook secret.
pub async fn set_secret(db: &Db, id: i64, secret: Option<&str>) -> Result<()> {
    let set_at = secret.map(|_| now_ms());
    sqlx::query(
        "UPDATE repositories SET webhook_secret = $1, webhook_secret_set_at = $2 WHERE id = $3",
    )
    .bind(secret)
    .bind(set_at)
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The secret configured for the repository named `name`, if any.
pub async fn secret_of(db: &Db, name: &str) -> Result<Option<String>> {
    let row = sqlx::query("SELECT webhook_secret FROM repositories WHERE name = $1")
        .bind(name)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row
        .map(|r| r.try_get::<Option<String>, _>("webhook_secret"))
        .transpose()?
        .flatten())
}

/// The global secret set on the admin page for `provider`, with when it was set.
pub async fn global_secret(db: &Db, provider: &str) -> Result<Option<(String, i64)>> {
    let row = sqlx::query("SELECT secret, set_at FROM webhook_secrets WHERE provider = $1")
        .bind(provider)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| -> Result<(String, i64)> { Ok((r.try_get("secret")?, r.try_get("set_at")?)) })
        .transpose()
}

/// Sets the global secret of `provider`.
pub async fn set_global_secret(db: &Db, provider: &str, secret: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO webhook_secrets (provider, secret, set_at) VALUES ($1, $2, $3) \
         ON CONFLICT (provider) DO UPDATE SET secret = excluded.secret, set_at = excluded.set_at",
    )
    .bind(provider)
    .bind(secret)
    .bind(now_ms())
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Whether a delivery with this key was already handled.
pub async fn delivery_seen(db: &Db, provider: &str, key: &str) -> Result<bool> {
    let row =
        sqlx::query("SELECT id FROM webhook_deliveries WHERE provider = $1 AND delivery_key = $2")
            .bind(provider)
            .bind(key)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.is_some())
}

/// Records a handled delivery; false when another request recorded it first.
pub async fn record_delivery(
    db: &Db,
    provider: &str,
    key: &str,
    event: &str,
    repository_id: Option<i64>,
) -> Result<bool> {
    let now = now_ms();
    let done = sqlx::query(
        "INSERT INTO webhook_deliveries (provider, delivery_key, event, repository_id, received_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (provider, delivery_key) DO NOTHING",
    )
    .bind(provider)
    .bind(key)
    .bind(event)
    .bind(repository_id)
    .bind(now)
    .execute(&db.pool)
    .await?;
    if let Some(id) = repository_id {
        sqlx::query("UPDATE repositories SET last_event_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&db.pool)
            .await?;
    }
    Ok(done.rows_affected() > 0)
}

/// The time of the last delivery from `provider`, if any.
pub async fn last_delivery(db: &Db, provider: &str) -> Result<Option<i64>> {
    let row =
        sqlx::query("SELECT MAX(received_at) AS last FROM webhook_deliveries WHERE provider = $1")
            .bind(provider)
            .fetch_one(&db.pool)
            .await?;
    Ok(row.try_get("last")?)
}

#[cfg(test)]
mod tests {
    use super::is_valid_name;

    #[test]
    fn repository_names_are_host_owner_name_without_dot_segments() {
        assert!(is_valid_name("github.com/acme/api"));
        assert!(is_valid_name(
            "gitlab.example.com/group/sub-group/my_repo.js"
        ));
        assert!(!is_valid_name("../../x"));
        assert!(!is_valid_name("github.com/../x"));
        assert!(!is_valid_name("github.com/acme/./api"));
        assert!(!is_valid_name("github.com/acme"));
        assert!(!is_valid_name("github.com//api"));
        assert!(!is_valid_name("github.com/acme/a pi"));
        assert!(!is_valid_name("github.com/Acme/api"));
    }
}
