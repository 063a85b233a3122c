//! The monthly cost report's send ledger: one row per (month, recipient), claimed before it is
//! sent so that each recipient gets each month's report once, whichever server sends it.
//!
//! A row is `pending` (due at `next_attempt_at`), `sending` (claimed by `claimed_by` until
//! `claimed_until`), `sent`, or `failed` (retried at `next_attempt_at`; none = given up). A claim
//! takes one due row in one atomic statement: on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so two
//! servers never take the same row; on SQLite its single writer does the same. A `sending` row
//! whose lease ran out (its server died) is due again.

use crate::db::{now_ms, Db};
use crate::error::Result;
use crate::store::pool::{with_pool, Pool};

/// A recipient to enqueue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub user_id: i64,
    pub email: String,
}

/// A row claimed for sending.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ClaimedSend {
    pub id: i64,
    pub month: String,
    pub user_id: i64,
    pub email: String,
    /// Attempts so far, this one included.
    pub attempts: i64,
}

/// A ledger row as listed on the outbox page (without the message).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct SendRecord {
    pub id: i64,
    pub month: String,
    pub user_id: i64,
    pub email: String,
    pub name: String,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: Option<i64>,
    pub last_error: Option<String>,
    pub sent_at: Option<i64>,
    pub has_message: bool,
}

/// Adds a pending row for each recipient who has none for `month`; returns how many were added.
pub async fn enqueue(db: &Db, month: &str, recipients: &[Recipient]) -> Result<u64> {
    let now = now_ms();
    let mut added = 0;
    let mut tx = db.begin().await?;
    crate::store::pool::with_tx!(&mut tx, |conn| {
        for r in recipients {
            added += sqlx::query(
                "INSERT INTO cost_report_sends (month, user_id, email, next_attempt_at, created_at) \
                 VALUES ($1, $2, $3, $4, $4) ON CONFLICT (month, user_id) DO NOTHING",
            )
            .bind(month)
            .bind(r.user_id)
            .bind(&r.email)
            .bind(now)
            .execute(&mut *conn)
            .await?
            .rows_affected();
        }
    });
    tx.commit().await?;
    Ok(added)
}

/// Claims the oldest due row (SQLite: the one writer makes select-and-update atomic).
const CLAIM_NEXT_SQLITE: &str = "UPDATE cost_report_sends \
     SET status = 'sending', claimed_by = $1, claimed_until = $2, attempts = attempts + 1 \
     WHERE id = (SELECT id FROM cost_report_sends \
                 WHERE (status IN ('pending', 'failed') AND next_attempt_at <= $3) \
                    OR (status = 'sending' AND claimed_until < $3) \
                 ORDER BY id LIMIT 1) \
     RETURNING id, month, user_id, email, attempts";

/// The same on PostgreSQL, where a row another server is claiming right now is skipped.
const CLAIM_NEXT_POSTGRES: &str = "UPDATE cost_report_sends \
     SET status = 'sending', claimed_by = $1, claimed_until = $2, attempts = attempts + 1 \
     WHERE id = (SELECT id FROM cost_report_sends \
                 WHERE (status IN ('pending', 'failed') AND next_attempt_at <= $3) \
                    OR (status = 'sending' AND claimed_until < $3) \
                 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) \
     RETURNING id, month, user_id, email, attempts";

/// Claims the oldest due row for `owner` until `lease_until`, if any is due at `now`.
pub async fn claim_next(
    db: &Db,
    owner: &str,
    now: i64,
    lease_until: i64,
) -> Result<Option<ClaimedSend>> {
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

/// Records a claimed row as sent, with the message as it went out. False when `owner` no longer
/// holds the claim (its lease ran out and another server took the row).
pub async fn mark_sent(db: &Db, id: i64, owner: &str, message: &[u8]) -> Result<bool> {
    let updated = with_pool!(db, |pool| {
        sqlx::query(
            "UPDATE cost_report_sends SET status = 'sent', sent_at = $1, message = $2, \
             last_error = NULL, next_attempt_at = NULL, claimed_until = NULL \
             WHERE id = $3 AND status = 'sending' AND claimed_by = $4",
        )
        .bind(now_ms())
        .bind(message)
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
            "UPDATE cost_report_sends SET status = 'failed', last_error = $1, \
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

/// Makes a failed row due now again (the outbox's resend button). False when it is not failed.
pub async fn resend(db: &Db, id: i64) -> Result<bool> {
    let updated = with_pool!(db, |pool| {
        sqlx::query(
            "UPDATE cost_report_sends SET status = 'pending', next_attempt_at = $1, attempts = 0 \
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

/// Makes one recipient's row of `month` due now, even if it was sent (an explicit resend from
/// the command line); a row some server is sending right now is left alone. False when the
/// recipient has no row for that month or it is being sent.
pub async fn requeue(db: &Db, month: &str, user_id: i64) -> Result<bool> {
    let now = now_ms();
    let updated = with_pool!(db, |pool| {
        sqlx::query(
            "UPDATE cost_report_sends SET status = 'pending', next_attempt_at = $1 \
             WHERE month = $2 AND user_id = $3 \
               AND NOT (status = 'sending' AND claimed_until >= $1)",
        )
        .bind(now)
        .bind(month)
        .bind(user_id)
        .execute(pool)
        .await?
        .rows_affected()
    });
    Ok(updated > 0)
}

/// The ledger, newest month first (one month only when given), with each recipient's name.
pub async fn list(db: &Db, month: Option<&str>) -> Result<Vec<SendRecord>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT s.id, s.month, s.user_id, s.email, u.name, s.status, s.attempts, \
                    s.next_attempt_at, s.last_error, s.sent_at, s.message IS NOT NULL AS has_message \
             FROM cost_report_sends s JOIN users u ON u.id = s.user_id \
             WHERE $1 IS NULL OR s.month = $1 \
             ORDER BY s.month DESC, s.email",
        )
        .bind(month)
        .fetch_all(pool)
        .await?
    }))
}

/// The message a row went out with (`.eml` bytes), with its month and address.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SentMessage {
    pub month: String,
    pub email: String,
    pub message: Option<Vec<u8>>,
}

pub async fn message(db: &Db, id: i64) -> Result<Option<SentMessage>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as("SELECT month, email, message FROM cost_report_sends WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await?
    }))
}

/// Records a message as sent without a claim: the demo's month of reports, written as they
/// would have gone out. Does nothing when the recipient already has a row for the month.
pub async fn record_sent(
    db: &Db,
    month: &str,
    recipient: &Recipient,
    message: &[u8],
    sent_at: i64,
) -> Result<()> {
    with_pool!(db, |pool| {
        sqlx::query(
            "INSERT INTO cost_report_sends \
                 (month, user_id, email, status, attempts, sent_at, message, created_at) \
             VALUES ($1, $2, $3, 'sent', 1, $4, $5, $4) ON CONFLICT (month, user_id) DO NOTHING",
        )
        .bind(month)
        .bind(recipient.user_id)
        .bind(&recipient.email)
        .bind(sent_at)
        .bind(message)
        .execute(pool)
        .await?;
    });
    Ok(())
}
