//! Usage events: idempotent batch upsert and per-user status.

use std::collections::{BTreeSet, HashMap};

use sqlx::Row;

use agentmeter_ingest::wire::{IngestStatus, UsageBatchReceipt, UsageEvent};

use crate::analytics::rollup;
use crate::db::{now_ms, Backend, Db, Placeholders};
use crate::error::{Error, Result};

/// A validated event with its API-equivalent cost (None when the model's price is unknown).
#[derive(Debug, Clone)]
pub struct PricedEvent {
    pub event: UsageEvent,
    pub cost_usd: Option<f64>,
}

/// Tool calls that change files; counted so edit-level review metrics need no JSON parsing.
const EDIT_TOOLS: [&str; 4] = ["Edit", "MultiEdit", "Write", "NotebookEdit"];

const COLUMNS: [&str; 25] = [
    "user_id",
    "tool",
    "dedupe_key",
    "session_id",
    "project",
    "repository",
    "git_branch",
    "ts",
    "model",
    "input_tokens",
    "output_tokens",
    "cache_write_5m_tokens",
    "cache_write_1h_tokens",
    "cache_read_tokens",
    "reasoning_tokens",
    "total_tokens",
    "speed",
    "cost_usd",
    "tool_calls",
    "edit_calls",
    "lines_added",
    "lines_removed",
    "permission_mode",
    "is_subagent",
    "received_at",
];

/// The namespace of the per-user advisory locks that serialise one user's uploads on PostgreSQL.
const USAGE_UPLOAD_LOCK: i32 = 0x7573_6167; // "usag"

/// Rows per INSERT statement: 25 parameters each stays far below both backends' limits.
const ROWS_PER_STATEMENT: usize = 400;

fn to_i64(value: u64, what: &str) -> Result<i64> {
    i64::try_from(value).map_err(|_| Error::BadRequest(format!("{what} out of range")))
}

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
    let mut tx = match db.backend {
        Backend::Sqlite => db.pool.begin_with("BEGIN IMMEDIATE").await?,
        Backend::Postgres => {
            let mut tx = db.pool.begin().await?;
            sqlx::query("SELECT pg_advisory_xact_lock($1, $2)")
                .bind(USAGE_UPLOAD_LOCK)
                .bind(i32::try_from(user_id).map_err(|_| {
                    Error::Internal(format!("user id {user_id} out of the lock's range"))
                })?)
                .execute(&mut *tx)
                .await?;
            tx
        }
    };
    let mut existing: HashMap<(String, String), (i64, i64)> = HashMap::new(); // -> (total tokens, ts)
    for chunk in events.chunks(ROWS_PER_STATEMENT) {
        let mut params = Placeholders::new(db.backend);
        let pairs: Vec<String> = (0..chunk.len())
            .map(|_| format!("({})", params.list(2)))
            .collect();
        // A join on the listed keys, so each one is a seek of the unique index (SQLite would
        // answer `(tool, dedupe_key) IN (VALUES ...)` by scanning the table).
        let user = params.param();
        let sql = format!(
            "SELECT e.tool, e.dedupe_key, e.total_tokens, e.ts FROM (VALUES {}) AS v \
             JOIN usage_events e ON e.user_id = {user} AND e.tool = v.column1 AND e.dedupe_key = v.column2",
            pairs.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for priced in chunk {
            query = query
                .bind(priced.event.tool.as_str())
                .bind(priced.event.dedupe_key.as_str());
        }
        query = query.bind(user_id);
        for row in query.fetch_all(&mut *tx).await? {
            existing.insert(
                (row.try_get("tool")?, row.try_get("dedupe_key")?),
                (row.try_get("total_tokens")?, row.try_get("ts")?),
            );
        }
    }

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
    let mut to_write: Vec<&PricedEvent> = Vec::new();
    let mut replaced_ts: Vec<i64> = Vec::new();
    for priced in events {
        let key = (priced.event.tool.as_str(), priced.event.dedupe_key.as_str());
        let is_best = best.get(&key).is_some_and(|b| std::ptr::eq(*b, priced));
        let stored = existing.get(&(key.0.to_owned(), key.1.to_owned()));
        match stored {
            _ if !is_best => receipt.unchanged += 1,
            None => {
                receipt.inserted += 1;
                to_write.push(priced);
            }
            Some((total, old_ts))
                if *total < to_i64(priced.event.total_tokens(), "total tokens")? =>
            {
                receipt.updated += 1;
                replaced_ts.push(*old_ts);
                to_write.push(priced);
            }
            Some(_) => receipt.unchanged += 1,
        }
    }

    let received_at = now_ms();
    let updates: Vec<String> = COLUMNS
        .iter()
        .filter(|c| !matches!(**c, "user_id" | "tool" | "dedupe_key"))
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    for chunk in to_write.chunks(ROWS_PER_STATEMENT) {
        let mut params = Placeholders::new(db.backend);
        let rows: Vec<String> = (0..chunk.len())
            .map(|_| format!("({})", params.list(COLUMNS.len())))
            .collect();
        let sql = format!(
            "INSERT INTO usage_events ({}) VALUES {} ON CONFLICT (user_id, tool, dedupe_key) DO UPDATE SET {}
             WHERE usage_events.total_tokens < excluded.total_tokens",
            COLUMNS.join(", "),
            rows.join(", "),
            updates.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for priced in chunk {
            let e = &priced.event;
            let edit_calls: u64 = EDIT_TOOLS
                .iter()
                .filter_map(|t| e.tool_calls.get(*t))
                .map(|n| u64::from(*n))
                .sum();
            let tool_calls = serde_json::to_string(&e.tool_calls)
                .map_err(|err| Error::Internal(err.to_string()))?;
            query = query
                .bind(user_id)
                .bind(e.tool.as_str())
                .bind(e.dedupe_key.clone())
                .bind(e.session_id.clone())
                .bind(e.project.clone())
                .bind(e.repository.clone())
                .bind(e.git_branch.clone())
                .bind(e.timestamp.timestamp_millis())
                .bind(e.model.clone())
                .bind(to_i64(e.input_tokens, "input_tokens")?)
                .bind(to_i64(e.output_tokens, "output_tokens")?)
                .bind(to_i64(e.cache_write_5m_tokens, "cache_write_5m_tokens")?)
                .bind(to_i64(e.cache_write_1h_tokens, "cache_write_1h_tokens")?)
                .bind(to_i64(e.cache_read_tokens, "cache_read_tokens")?)
                .bind(
                    e.reasoning_tokens
                        .map(|r| to_i64(r, "reasoning_tokens"))
                        .transpose()?,
                )
                .bind(to_i64(e.total_tokens(), "total tokens")?)
                .bind(e.speed.clone())
                .bind(priced.cost_usd)
                .bind(tool_calls)
                .bind(to_i64(edit_calls, "edit calls")?)
                .bind(to_i64(e.lines_added, "lines_added")?)
                .bind(to_i64(e.lines_removed, "lines_removed")?)
                .bind(e.permission_mode.clone())
                .bind(i64::from(e.is_subagent))
                .bind(received_at);
        }
        query.execute(&mut *tx).await?;
    }
    // A larger copy may carry another time: the replaced event's hour is refreshed too.
    let touched: BTreeSet<i64> = to_write
        .iter()
        .map(|p| p.event.timestamp.timestamp_millis())
        .chain(replaced_ts)
        .map(rollup::hour_of)
        .collect();
    rollup::refresh_hours(&mut tx, db.backend, user_id, &touched).await?;
    tx.commit().await?;
    Ok(receipt)
}

/// What the server holds for one user.
pub async fn status(db: &Db, user_id: i64) -> Result<IngestStatus> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS events, COUNT(DISTINCT session_id) AS sessions, MIN(ts) AS first_ts, MAX(ts) AS last_ts,
                CAST(COALESCE(SUM(total_tokens), 0) AS BIGINT) AS total_tokens,
                CAST(COALESCE(SUM(cost_usd), 0) AS DOUBLE PRECISION) AS cost_usd
         FROM usage_events WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_one(&db.pool)
    .await?;
    let millis = |column: &str| -> Result<Option<chrono::DateTime<chrono::Utc>>> {
        let value: Option<i64> = row.try_get(column)?;
        Ok(value.and_then(chrono::DateTime::from_timestamp_millis))
    };
    Ok(IngestStatus {
        events: row.try_get::<i64, _>("events")?.max(0) as u64,
        sessions: row.try_get::<i64, _>("sessions")?.max(0) as u64,
        first_event_at: millis("first_ts")?,
        last_event_at: millis("last_ts")?,
        total_tokens: row.try_get::<i64, _>("total_tokens")?.max(0) as u64,
        cost_usd: row.try_get("cost_usd")?,
    })
}
