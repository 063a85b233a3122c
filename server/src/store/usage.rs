//! Usage events: idempotent batch upsert, with the hourly rollup refreshed in the same
//! transaction, and per-user status.

use std::collections::{BTreeSet, HashMap};

use agentmeter_ingest::wire::{IngestStatus, UsageBatchReceipt};

use crate::db::{now_ms, Db};
use crate::error::{Error, Result};
use crate::store::pool::{with_pool, Transaction};
use crate::store::rollup;
use crate::store::usage_rows::{self, to_i64, EventRow};

pub use crate::store::usage_rows::PricedEvent;

/// The namespace of the per-user advisory locks that serialise one user's uploads on PostgreSQL.
const USAGE_UPLOAD_LOCK: i32 = 0x7573_6167; // "usag"

/// Stores the batch in one transaction: new requests are inserted, a larger copy of a known
/// request replaces the smaller one, anything else is left as it is.
pub async fn upsert_batch(
    db: &Db,
    user_id: i64,
    events: &[PricedEvent],
) -> Result<UsageBatchReceipt> {
    // The transaction reads, then writes, then recomputes the user's hourly rollup from what it
    // reads: two uploads of one user must not interleave, or both would count the same events as
    // new and refresh the same hours from snapshots that miss each other's rows. SQLite takes its
    // single write lock up front (BEGIN IMMEDIATE); PostgreSQL, under READ COMMITTED, takes a
    // lock per user held to the end of the transaction. Different users never share rows (event
    // keys and rollup buckets are per user), so their uploads still run in parallel.
    let mut tx = db.typed().begin().await?;
    if let Transaction::Postgres(pg) = &mut tx {
        let lock_key = i32::try_from(user_id)
            .map_err(|_| Error::Internal(format!("user id {user_id} out of the lock's range")))?;
        sqlx::query("SELECT pg_advisory_xact_lock($1, $2)")
            .bind(USAGE_UPLOAD_LOCK)
            .bind(lock_key)
            .execute(&mut **pg)
            .await?;
    }
    let existing: HashMap<(String, String), (i64, i64)> =
        usage_rows::stored_copies(&mut tx, user_id, events)
            .await?
            .into_iter()
            .map(|c| ((c.tool, c.dedupe_key), (c.total_tokens, c.ts)))
            .collect();

    // Within a batch the largest copy of each request wins too.
    let mut best: HashMap<(&str, &str), &PricedEvent> = HashMap::new();
    for priced in events {
        let key = (priced.event.tool.as_str(), priced.event.dedupe_key.as_str());
        match best.get(&key) {
            Some(current) if current.event.total_tokens() >= priced.event.total_tokens() => {}
            _ => {
                best.insert(key, priced);
            }
        }
    }
    let mut receipt = UsageBatchReceipt {
        received: events.len() as u64,
        ..UsageBatchReceipt::default()
    };
    let mut to_write: Vec<EventRow<'_>> = Vec::new();
    let mut replaced_ts: Vec<i64> = Vec::new();
    for priced in events {
        let key = (priced.event.tool.as_str(), priced.event.dedupe_key.as_str());
        let is_best = best.get(&key).is_some_and(|b| std::ptr::eq(*b, priced));
        let stored = existing.get(&(key.0.to_owned(), key.1.to_owned()));
        match stored {
            _ if !is_best => receipt.unchanged += 1,
            None => {
                receipt.inserted += 1;
                to_write.push(EventRow::of(priced)?);
            }
            Some((total, old_ts))
                if *total < to_i64(priced.event.total_tokens(), "total tokens")? =>
            {
                receipt.updated += 1;
                replaced_ts.push(*old_ts);
                to_write.push(EventRow::of(priced)?);
            }
            Some(_) => receipt.unchanged += 1,
        }
    }

    usage_rows::write(&mut tx, user_id, &to_write, now_ms()).await?;
    // A larger copy may carry another time: the replaced event's hour is refreshed too.
    let touched: BTreeSet<i64> = to_write
        .iter()
        .map(|row| row.ts)
        .chain(replaced_ts)
        .map(rollup::hour_of)
        .collect();
    rollup::refresh_hours(&mut tx, user_id, &touched).await?;
    tx.commit().await?;
    Ok(receipt)
}

/// The summary [`status`] reads.
#[derive(sqlx::FromRow)]
struct StoredSummary {
    events: i64,
    sessions: i64,
    first_ts: Option<i64>,
    last_ts: Option<i64>,
    total_tokens: i64,
    cost_usd: f64,
}

/// What the server holds for one user.
pub async fn status(db: &Db, user_id: i64) -> Result<IngestStatus> {
    let summary: StoredSummary = with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT COUNT(*) AS events, COUNT(DISTINCT session_id) AS sessions, MIN(ts) AS first_ts,
                    MAX(ts) AS last_ts, CAST(COALESCE(SUM(total_tokens), 0) AS BIGINT) AS total_tokens,
                    CAST(COALESCE(SUM(cost_usd), 0) AS DOUBLE PRECISION) AS cost_usd
             FROM usage_events WHERE user_id = $1",
        )
        .bind(user_id)
        .fetch_one(pool)
        .await?
    });
    let time = |ms: Option<i64>| ms.and_then(chrono::DateTime::from_timestamp_millis);
    Ok(IngestStatus {
        events: summary.events.max(0) as u64,
        sessions: summary.sessions.max(0) as u64,
        first_event_at: time(summary.first_ts),
        last_event_at: time(summary.last_ts),
        total_tokens: summary.total_tokens.max(0) as u64,
        cost_usd: summary.cost_usd,
    })
}

/// Events and input + output tokens, counted in the raw events and summed in the rollup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct RollupCheck {
    pub raw_events: i64,
    pub raw_tokens: i64,
    pub rolled_events: i64,
    pub rolled_tokens: i64,
}

/// The whole database's [`RollupCheck`]: equal sides mean the rollup is exact (benchmarks check it).
pub async fn rollup_check(db: &Db) -> Result<RollupCheck> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM usage_events) AS raw_events,
                    (SELECT CAST(COALESCE(SUM(input_tokens + output_tokens), 0) AS BIGINT)
                     FROM usage_events) AS raw_tokens,
                    (SELECT CAST(COALESCE(SUM(events), 0) AS BIGINT) FROM usage_hourly) AS rolled_events,
                    (SELECT CAST(COALESCE(SUM(input_tokens + output_tokens), 0) AS BIGINT)
                     FROM usage_hourly) AS rolled_tokens",
        )
        .fetch_one(pool)
        .await?
    }))
}

/// Rows in `usage_events` and in `usage_hourly`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct UsageTableSizes {
    pub events: i64,
    pub hourly: i64,
}

pub async fn table_sizes(db: &Db) -> Result<UsageTableSizes> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM usage_events) AS events,
                    (SELECT COUNT(*) FROM usage_hourly) AS hourly",
        )
        .fetch_one(pool)
        .await?
    }))
}
