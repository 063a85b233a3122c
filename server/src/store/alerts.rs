//! Alerts: the organisation's rules, each manager's or admin's e-mail subscriptions, the
//! outgoing webhooks, and the history (at most one alert per kind, subject and period).

use crate::db::{now_ms, Db};
use crate::error::{Error, Result};
use crate::store::pool::with_pool;

/// A kind of alert, switched on or off for the whole organisation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct AlertRule {
    pub kind: String,
    pub enabled: bool,
    /// Quiet days before `uploads_stopped` fires; none for other kinds.
    pub days: Option<i64>,
}

pub async fn rules(db: &Db) -> Result<Vec<AlertRule>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as("SELECT kind, enabled, days FROM alert_rules ORDER BY kind")
            .fetch_all(pool)
            .await?
    }))
}

/// Changes a rule; unknown kinds are 404.
pub async fn set_rule(db: &Db, kind: &str, enabled: bool, days: Option<i64>) -> Result<()> {
    let updated = with_pool!(db, |pool| {
        sqlx::query("UPDATE alert_rules SET enabled = $1, days = $2 WHERE kind = $3")
            .bind(enabled)
            .bind(days)
            .bind(kind)
            .execute(pool)
            .await?
            .rows_affected()
    });
    if updated == 0 {
        return Err(Error::NotFound(format!("alert kind {kind:?}")));
    }
    Ok(())
}

/// A user's choice for one kind of alert by e-mail.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Subscription {
    pub user_id: i64,
    pub kind: String,
    pub email: bool,
}

/// Every stored choice (absent ones mean yes).
pub async fn subscriptions(db: &Db) -> Result<Vec<Subscription>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as("SELECT user_id, kind, email FROM alert_subscriptions")
            .fetch_all(pool)
            .await?
    }))
}

pub async fn set_subscription(db: &Db, user_id: i64, kind: &str, email: bool) -> Result<()> {
    with_pool!(db, |pool| {
        sqlx::query(
            "INSERT INTO alert_subscriptions (user_id, kind, email) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id, kind) DO UPDATE SET email = excluded.email",
        )
        .bind(user_id)
        .bind(kind)
        .bind(email)
        .execute(pool)
        .await?;
    });
    Ok(())
}

/// An outgoing webhook. The secret signs each body; it is shown once, when created.
#[derive(Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AlertWebhook {
    pub id: i64,
    pub url: String,
    /// `json` (signed) or `slack`.
    pub format: String,
    pub secret: String,
    pub enabled: bool,
    pub created_at: i64,
}

impl std::fmt::Debug for AlertWebhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AlertWebhook")
            .field("id", &self.id)
            .field("format", &self.format)
            .field("enabled", &self.enabled)
            .finish_non_exhaustive()
    }
}

pub async fn webhooks(db: &Db) -> Result<Vec<AlertWebhook>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT id, url, format, secret, enabled, created_at FROM alert_webhooks ORDER BY id",
        )
        .fetch_all(pool)
        .await?
    }))
}

pub async fn add_webhook(db: &Db, url: &str, format: &str, secret: &str) -> Result<i64> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_scalar(
            "INSERT INTO alert_webhooks (url, format, secret, enabled, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(url)
        .bind(format)
        .bind(secret)
        .bind(true)
        .bind(now_ms())
        .fetch_one(pool)
        .await?
    }))
}

/// Removes a webhook (and its pending deliveries); unknown ids are 404.
pub async fn remove_webhook(db: &Db, id: i64) -> Result<()> {
    let removed = with_pool!(db, |pool| {
        sqlx::query("DELETE FROM alert_webhooks WHERE id = $1")
            .bind(id)
            .execute(pool)
            .await?
            .rows_affected()
    });
    if removed == 0 {
        return Err(Error::NotFound(format!("webhook #{id}")));
    }
    Ok(())
}

/// An alert to raise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAlert {
    pub kind: String,
    /// What it is about: `org`, `team:3`, `pr:github.com/o/r#12`, `user:5`.
    pub subject: String,
    /// When: a month `2026-11` or a day `2026-11-14`.
    pub period: String,
    pub title: String,
    pub detail: String,
    pub link: Option<String>,
}

/// Records the alert unless one of that kind, subject and period exists: its id when new.
pub async fn raise(db: &Db, alert: &NewAlert, raised_at: i64) -> Result<Option<i64>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_scalar(
            "INSERT INTO alerts (kind, subject, period, title, detail, link, raised_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (kind, subject, period) DO NOTHING RETURNING id",
        )
        .bind(&alert.kind)
        .bind(&alert.subject)
        .bind(&alert.period)
        .bind(&alert.title)
        .bind(&alert.detail)
        .bind(&alert.link)
        .bind(raised_at)
        .fetch_optional(pool)
        .await?
    }))
}

/// A raised alert.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct AlertRecord {
    pub id: i64,
    pub kind: String,
    pub subject: String,
    pub period: String,
    pub title: String,
    pub detail: String,
    pub link: Option<String>,
    pub raised_at: i64,
}

/// The latest `limit` alerts, newest first.
pub async fn history(db: &Db, limit: i64) -> Result<Vec<AlertRecord>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT id, kind, subject, period, title, detail, link, raised_at FROM alerts \
             ORDER BY raised_at DESC, id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(pool)
        .await?
    }))
}

pub async fn alert(db: &Db, id: i64) -> Result<Option<AlertRecord>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT id, kind, subject, period, title, detail, link, raised_at FROM alerts \
             WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?
    }))
}
