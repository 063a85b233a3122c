//! Edit decisions the log uploader found in transcripts (accepted or rejected Edit/Write calls),
//! per request and tool, for teams without telemetry: written in the upload's transaction, one
//! statement per upload (PostgreSQL) or per thousand rows (SQLite).

use sqlx::QueryBuilder;

use crate::error::Result;
use crate::store::largest::largest_per_key;
use crate::store::pool::Transaction;
use crate::store::usage::PricedEvent;

/// Edit decisions of one uploaded request and tool.
#[derive(Debug, Clone)]
pub struct UploadedDecision<'a> {
    pub dedupe_key: &'a str,
    pub tool_name: &'a str,
    pub session_id: &'a str,
    pub ts_ms: i64,
    pub accepted: i64,
    pub rejected: i64,
}

/// Rows per SQLite statement: 7 parameters each stays far below its limit of 32,766.
const ROWS_PER_STATEMENT: usize = 1_000;

/// A copy that saw more decisions replaces one that saw fewer (as the larger copy of a request
/// wins in usage_events).
macro_rules! more_decisions_win {
    () => {
        " ON CONFLICT (user_id, dedupe_key, tool_name) DO UPDATE SET \
           session_id = excluded.session_id, ts = excluded.ts, \
           accepted = excluded.accepted, rejected = excluded.rejected \
         WHERE uploaded_edit_decisions.accepted + uploaded_edit_decisions.rejected \
               < excluded.accepted + excluded.rejected"
    };
}

const SQLITE_INSERT: &str = "INSERT INTO uploaded_edit_decisions \
    (user_id, dedupe_key, tool_name, session_id, ts, accepted, rejected) ";

const POSTGRES_UPSERT: &str = concat!(
    "INSERT INTO uploaded_edit_decisions \
       (user_id, dedupe_key, tool_name, session_id, ts, accepted, rejected) \
     SELECT $1, * FROM UNNEST($2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], \
       $7::bigint[])",
    more_decisions_win!()
);

/// The decisions of an upload's requests to store, under the keys the requests are stored with:
/// one per request and tool, the copy that saw the most.
pub fn of_events(events: &[PricedEvent]) -> Vec<UploadedDecision<'_>> {
    let all: Vec<UploadedDecision<'_>> = events
        .iter()
        .flat_map(|priced| {
            let event = &priced.event;
            event
                .edit_decisions
                .iter()
                .map(move |(tool_name, counts)| UploadedDecision {
                    dedupe_key: &event.dedupe_key,
                    tool_name,
                    session_id: &event.session_id,
                    ts_ms: event.timestamp.timestamp_millis(),
                    accepted: i64::from(counts.accepted),
                    rejected: i64::from(counts.rejected),
                })
        })
        .collect();
    largest_per_key(
        &all,
        |d| (d.dedupe_key, d.tool_name),
        |d| d.accepted + d.rejected,
    )
    .into_iter()
    .cloned()
    .collect()
}

/// Stores the decisions [`of_events`] in the upload's transaction, so that a request and its
/// decisions are stored together or not at all.
pub async fn upsert(
    tx: &mut Transaction,
    user_id: i64,
    kept: &[UploadedDecision<'_>],
) -> Result<()> {
    if kept.is_empty() {
        return Ok(());
    }
    match tx {
        Transaction::Postgres(pg) => {
            let column = |f: fn(&UploadedDecision<'_>) -> i64| -> Vec<i64> {
                kept.iter().map(|d| f(d)).collect()
            };
            sqlx::query(POSTGRES_UPSERT)
                .bind(user_id)
                .bind(kept.iter().map(|d| d.dedupe_key).collect::<Vec<_>>())
                .bind(kept.iter().map(|d| d.tool_name).collect::<Vec<_>>())
                .bind(kept.iter().map(|d| d.session_id).collect::<Vec<_>>())
                .bind(column(|d| d.ts_ms))
                .bind(column(|d| d.accepted))
                .bind(column(|d| d.rejected))
                .execute(&mut **pg)
                .await?;
        }
        Transaction::Sqlite(lite) => {
            for chunk in kept.chunks(ROWS_PER_STATEMENT) {
                let mut insert = QueryBuilder::new(SQLITE_INSERT);
                insert.push_values(chunk, |mut row, d| {
                    row.push_bind(user_id)
                        .push_bind(d.dedupe_key)
                        .push_bind(d.tool_name)
                        .push_bind(d.session_id)
                        .push_bind(d.ts_ms)
                        .push_bind(d.accepted)
                        .push_bind(d.rejected);
                });
                insert.push(more_decisions_win!());
                insert.build().execute(&mut **lite).await?;
            }
        }
    }
    Ok(())
}
