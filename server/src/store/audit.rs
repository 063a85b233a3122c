//! The audit log: one row per admin action, newest first when read.

use serde_json::Value;
use sqlx::types::Json;

use crate::db::{now_ms, Db};
use crate::error::Result;
use crate::store::pool::{with_pool, with_tx, Transaction};

/// An action to record.
#[derive(Debug, Clone)]
pub struct NewAuditEntry<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub subject: &'a str,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// A recorded action.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: i64,
    /// Epoch ms.
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub before: Option<Json<Value>>,
    pub after: Option<Json<Value>>,
}

/// Which entries to read: empty strings match every actor or action; `page` counts from 1.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub actor: String,
    pub action: String,
    pub page: i64,
    pub per_page: i64,
}

/// Records `entry` on its own.
pub async fn insert(db: &Db, entry: &NewAuditEntry<'_>) -> Result<()> {
    let mut tx = db.begin().await?;
    record(&mut tx, entry).await?;
    tx.commit().await
}

/// Records `entry` in `tx`, so it is kept only with the change it describes.
pub async fn record(tx: &mut Transaction, entry: &NewAuditEntry<'_>) -> Result<()> {
    with_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO audit_log (at, actor, action, subject, before, after) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(now_ms())
        .bind(entry.actor)
        .bind(entry.action)
        .bind(entry.subject)
        .bind(entry.before.clone().map(Json))
        .bind(entry.after.clone().map(Json))
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// One page of entries, newest first, and whether an older page exists.
pub async fn page(db: &Db, query: &AuditQuery) -> Result<(Vec<AuditEntry>, bool)> {
    let per_page = query.per_page.max(1);
    // Saturating: a page far past the last is just empty, never an overflow.
    let offset = (query.page.max(1) - 1).saturating_mul(per_page);
    // One row past the page tells whether another page follows.
    let mut rows: Vec<AuditEntry> = with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT id, at, actor, action, subject, before, after FROM audit_log \
             WHERE ($1 = '' OR actor = $1) AND ($2 = '' OR action = $2) \
             ORDER BY id DESC LIMIT $3 OFFSET $4",
        )
        .bind(&query.actor)
        .bind(&query.action)
        .bind(per_page.saturating_add(1))
        .bind(offset)
        .fetch_all(pool)
        .await?
    });
    let more = rows.len() as i64 > per_page;
    rows.truncate(per_page as usize);
    Ok((rows, more))
}

/// The actions recorded so far, for the page's filter.
pub async fn actions(db: &Db) -> Result<Vec<String>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_scalar("SELECT DISTINCT action FROM audit_log ORDER BY action")
            .fetch_all(pool)
            .await?
    }))
}
