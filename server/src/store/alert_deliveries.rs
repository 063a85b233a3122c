//! Alert deliveries: one row per alert and recipient (an e-mail address or a webhook), claimed
//! before sending exactly as the cost report's ledger is (see `store::cost_report_sends`).

use crate::db::{now_ms, Db};
use crate::error::Result;
use crate::store::pool::{with_pool, with_tx, Pool};

/// Where one alert goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Email(String),
    Webhook(i64),
}

/// Adds a pending delivery per target that the alert does not have yet.
pub async fn enqueue(db: &Db, alert_id: i64, targets: &[Target]) -> Result<()> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    with_tx!(&mut tx, |conn| {
        for target in targets {
            let (email, webhook_id) = match target {
                Target::Email(address) => (Some(address.as_str()), None),
                Target::Webhook(id) => (None, Some(*id)),
            };
            sqlx::query(
                "INSERT INTO alert_deliveries (alert_id, email, webhook_id, next_attempt_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(alert_id)
            .bind(email)
            .bind(webhook_id)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
    });
    tx.commit().await
}

/// A delivery claimed for sending, with what it needs: the alert, and the webhook if any.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ClaimedDelivery {
    pub id: i64,
    pub alert_id: i64,
    pub email: Option<String>,
    pub webhook_id: Option<i64>,
    pub attempts: i64,
}

const CLAIM_NEXT_SQLITE: &str = "UPDATE alert_deliveries \
     SET status = 'sending', claimed_by = $1, claimed_until = $2, attempts = attempts + 1 \
     WHERE id = (SELECT id FROM alert_deliveries \
                 WHERE (status IN ('pending', 'failed') AND next_attempt_at <= $3) \
                    OR (status = 'sending' AND claimed_until < $3) \
                 ORDER BY id LIMIT 1) \
     RETURNING id, alert_id, email, webhook_id, attempts";

const CLAIM_NEXT_POSTGRES: &str = "UPDATE alert_deliveries \
     SET status = 'sending', claimed_by = $1, claimed_until = $2, attempts = attempts + 1 \
     WHERE id = (SELECT id FROM alert_deliveries \
                 WHERE (status IN ('pending', 'failed') AND next_attempt_at <= $3) \
                    OR (status = 'sending' AND claimed_until < $3) \
                 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) \
     RETURNING id, alert_id, email, webhook_id, attempts";

/// Claims the oldest due delivery for `owner` until `lease_until`, if any is due at `now`.
pub async fn claim_next(
    db: &Db,
    owner: &str,
    now: i64,
    lease_until: i64,
) -> Result<Option<ClaimedDelivery>> {
    Ok(match db.typed() {
        Pool::Sqlite(pool) => {
            sqlx::query_as(CLAIM_NEXT_SQLITE)
                .bind(owner)
                .bind(lease_until)
                .bind(now)
                .fetch_optional(pool)
                .await?
        }
        Pool::Postgres(pool) => {
            sqlx::query_as(CLAIM_NEXT_POSTGRES)
                .bind(owner)
                .bind(lease_until)
                .bind(now)
                .fetch_optional(pool)
                .await?
        }
    })
}

/// Records a claimed delivery as sent; false when `owner` no longer holds the claim.
pub async fn mark_sent(db: &Db, id: i64, owner: &str) -> Result<bool> {
    let updated = with_pool!(db, |pool| {
        sqlx::query(
            "UPDATE alert_deliveries SET status = 'sent', sent_at = $1, last_error = NULL, \
             next_attempt_at = NULL, claimed_until = NULL \
             WHERE id = $2 AND status = 'sending' AND claimed_by = $3",
        )
        .bind(now_ms())
        .bind(id)
        .bind(owner)
        .execute(pool)
        .await?
        .rows_affected()
    });
    Ok(updated > 0)
}

/// Records a failed attempt; `next_attempt_at` None = given up.
pub async fn mark_failed(
    db: &Db,
    id: i64,
    owner: &str,
    error: &str,
    next_attempt_at: Option<i64>,
) -> Result<()> {
    with_pool!(db, |pool| {
        sqlx::query(
            "UPDATE alert_deliveries SET status = 'failed', last_error = $1, \
             next_attempt_at = $2, claimed_until = NULL \
             WHERE id = $3 AND status = 'sending' AND claimed_by = $4",
        )
        .bind(error)
        .bind(next_attempt_at)
        .bind(id)
        .bind(owner)
        .execute(pool)
        .await?;
    });
    Ok(())
}

/// Makes a failed delivery due now again. False when it is not failed.
pub async fn resend(db: &Db, id: i64) -> Result<bool> {
    let updated = with_pool!(db, |pool| {
        sqlx::query(
            "UPDATE alert_deliveries SET status = 'pending', next_attempt_at = $1, attempts = 0 \
             WHERE id = $2 AND status = 'failed'",
        )
        .bind(now_ms())
        .bind(id)
        .execute(pool)
        .await?
        .rows_affected()
    });
    Ok(updated > 0)
}

/// A delivery as listed on the outbox page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct DeliveryRecord {
    pub id: i64,
    pub alert_id: i64,
    pub title: String,
    pub email: Option<String>,
    pub webhook_url: Option<String>,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: Option<i64>,
    pub last_error: Option<String>,
    pub sent_at: Option<i64>,
}

/// The latest `limit` deliveries, newest alert first.
pub async fn list(db: &Db, limit: i64) -> Result<Vec<DeliveryRecord>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT d.id, d.alert_id, a.title, d.email, w.url AS webhook_url, d.status, d.attempts, \
                    d.next_attempt_at, d.last_error, d.sent_at \
             FROM alert_deliveries d JOIN alerts a ON a.id = d.alert_id \
             LEFT JOIN alert_webhooks w ON w.id = d.webhook_id \
             ORDER BY a.raised_at DESC, d.id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(pool)
        .await?
    }))
}

/// Records a delivery as sent without a claim (the demo's alert history).
pub async fn record_sent(db: &Db, alert_id: i64, email: &str, sent_at: i64) -> Result<()> {
    with_pool!(db, |pool| {
        sqlx::query(
            "INSERT INTO alert_deliveries (alert_id, email, status, attempts, sent_at) \
             VALUES ($1, $2, 'sent', 1, $3) ON CONFLICT DO NOTHING",
        )
        .bind(alert_id)
        .bind(email)
        .bind(sent_at)
        .execute(pool)
        .await?;
    });
    Ok(())
}
