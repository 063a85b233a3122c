//! Usage events: idempotent batch upsert, with the hourly rollup refreshed and the requests'
//! uploaded edit decisions stored in the same transaction, and per-user status.

use std::collections::{BTreeSet, HashMap};

use agentmeter_ingest::wire::{IngestStatus, UsageBatchReceipt};

use crate::db::{now_ms, Db};
use crate::error::{Error, Result};
use crate::store::largest::largest_per_key;
use crate::store::pool::{with_pool, Transaction};
use crate::store::usage_rows::{self, to_i64, EventRow};
use crate::store::{rollup, uploaded_decisions};

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
    // Everything that needs no database is done before the transaction starts: on SQLite the
    // transaction holds the one write lock, and every upload waits while it is held.
    let best = largest_per_key(
        events,
        |p| (p.event.tool.as_str(), p.event.dedupe_key.as_str()),
        |p| p.event.total_tokens(),
    );
    let rows = best
        .iter()
        .map(|priced| EventRow::of(priced))
        .collect::<Result<Vec<_>>>()?;
    let decisions = uploaded_decisions::of_events(events);
    let mut tx = db.begin().await?;
    if let Transaction::Postgres(pg) = &mut tx {
        let lock_key = i32::try_from(user_id).map_err(|_| {
            Error::Internal(anyhow::anyhow!("user id {user_id} out of the lock's range"))
        })?;
        sqlx::query("SELECT pg_advisory_xact_lock($1, $2)")
            .bind(USAGE_UPLOAD_LOCK)
            .bind(lock_key)
            .execute(&mut **pg)
            .await?;
        // What the foreign keys of usage_events and usage_hourly did per row (migrations 0008
        // and 0019 replaced them): the user cannot be deleted while their usage is written.
        let user: Option<i64> =
            sqlx::query_scalar("SELECT id FROM users WHERE id = $1 FOR KEY SHARE")
                .bind(user_id)
                .fetch_optional(&mut **pg)
                .await?;
        if user.is_none() {
            return Err(Error::NotFound(format!("user #{user_id}")));
        }
    }
    let mut receipt = UsageBatchReceipt {
        received: events.len() as u64,
        ..UsageBatchReceipt::default()
    };
    let received_at = now_ms();
    // Collectors send each request once, so a batch is usually all new: it is inserted at once,
    // and only when a key turns out to be stored already is it compared copy by copy. A batch
    // sent again (a lost receipt, logs scanned anew) starts with a stored request: probing that
    // one sends it to the comparison without an insert bound to fail.
    let resent = match best.first() {
        Some(first) => usage_rows::is_stored(&mut tx, user_id, &first.event).await?,
        None => false,
    };
    if !resent && usage_rows::insert_if_all_new(&mut tx, user_id, &rows, received_at).await? {
        receipt.inserted = rows.len() as u64;
        receipt.unchanged = (events.len() - rows.len()) as u64;
        rollup::add_new_events(&mut tx, user_id, &rows).await?;
    } else {
        let touched = merge_with_stored(&mut tx, user_id, &best, &mut receipt, received_at).await?;
        rollup::refresh_hours(&mut tx, user_id, &touched).await?;
    }
    uploaded_decisions::upsert(&mut tx, user_id, &decisions).await?;
    tx.commit().await?;
    Ok(receipt)
}

/// Writes the requests of `best` that are new or larger than their stored copy, counting each in
/// `receipt`; returns the hours touched (a larger copy may move its request to another hour:
/// both are refreshed).
async fn merge_with_stored(
    tx: &mut Transaction,
    user_id: i64,
    best: &[&PricedEvent],
    receipt: &mut UsageBatchReceipt,
    received_at: i64,
) -> Result<BTreeSet<i64>> {
    let copies = usage_rows::stored_copies(tx, user_id, best).await?;
    let existing: HashMap<(&str, &str), (i64, i64, bool)> = copies
        .iter()
        .map(|c| {
            (
                (c.tool.as_str(), c.dedupe_key.as_str()),
                (c.total_tokens, c.ts, c.has_project),
            )
        })
        .collect();
    receipt.unchanged = receipt.received - best.len() as u64;
    let (mut new, mut larger, mut touched) = (Vec::new(), Vec::new(), BTreeSet::new());
    for priced in best {
        let key = (priced.event.tool.as_str(), priced.event.dedupe_key.as_str());
        match existing.get(&key) {
            None => {
                receipt.inserted += 1;
                new.push(EventRow::of(priced)?);
            }
            // At equal tokens a copy that knows its project (an upload) replaces one that does
            // not (Claude Code's telemetry of the same request): it carries tool calls, lines
            // and the branch too.
            Some((total, old_ts, has_project))
                if *total < to_i64(priced.event.total_tokens(), "total tokens")?
                    || (*total == to_i64(priced.event.total_tokens(), "total tokens")?
                        && !has_project
                        && priced.event.project.is_some()) =>
            {
                receipt.updated += 1;
                touched.insert(rollup::hour_of(*old_ts));
                larger.push(EventRow::of(priced)?);
            }
            Some(_) => receipt.unchanged += 1,
        }
    }
    usage_rows::write(tx, user_id, &new, &larger, received_at).await?;
    touched.extend(new.iter().chain(&larger).map(|row| rollup::hour_of(row.ts)));
    Ok(touched)
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
