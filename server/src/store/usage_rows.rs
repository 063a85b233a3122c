//! The bulk statements of a usage upload, each on its backend's fast path: PostgreSQL copies new
//! requests in (`store::usage_copy`) and takes lookups and larger copies as one array per column
//! (`UNNEST`), SQLite multi-row statements with anonymous `?` placeholders.

use sqlx::postgres::PgArguments;
use sqlx::{Postgres, QueryBuilder};

use agentmeter_ingest::wire::UsageEvent;

use crate::error::{Error, Result};
use crate::store::pool::{with_tx, Transaction};
use crate::store::usage_copy;

/// A validated event with its API-equivalent cost (None when the model's price is unknown).
#[derive(Debug, Clone)]
pub struct PricedEvent {
    pub event: UsageEvent,
    pub cost_usd: Option<f64>,
}

/// Tool calls that change files; counted so edit-level review metrics need no JSON parsing.
const EDIT_TOOLS: [&str; 4] = ["Edit", "MultiEdit", "Write", "NotebookEdit"];

/// Rows per SQLite statement: 25 parameters each stays far below its limit of 32,766.
const ROWS_PER_STATEMENT: usize = 400;

/// Written into SQLite's `INSERT ... VALUES`, PostgreSQL's `INSERT ... SELECT` and its `COPY`.
macro_rules! event_columns {
    () => {
        "user_id, tool, dedupe_key, session_id, project, repository, git_branch, ts, model, \
         input_tokens, output_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, \
         reasoning_tokens, total_tokens, speed, cost_usd, tool_calls, edit_calls, lines_added, \
         lines_removed, permission_mode, is_subagent, received_at"
    };
}

pub(super) use event_columns;

/// A known request is replaced only by a copy with more tokens.
macro_rules! on_conflict_larger_copy_wins {
    () => {
        " ON CONFLICT (user_id, tool, dedupe_key) DO UPDATE SET session_id = excluded.session_id, \
         project = excluded.project, repository = excluded.repository, git_branch = excluded.git_branch, \
         ts = excluded.ts, model = excluded.model, input_tokens = excluded.input_tokens, \
         output_tokens = excluded.output_tokens, cache_write_5m_tokens = excluded.cache_write_5m_tokens, \
         cache_write_1h_tokens = excluded.cache_write_1h_tokens, cache_read_tokens = excluded.cache_read_tokens, \
         reasoning_tokens = excluded.reasoning_tokens, total_tokens = excluded.total_tokens, \
         speed = excluded.speed, cost_usd = excluded.cost_usd, tool_calls = excluded.tool_calls, \
         edit_calls = excluded.edit_calls, lines_added = excluded.lines_added, \
         lines_removed = excluded.lines_removed, permission_mode = excluded.permission_mode, \
         is_subagent = excluded.is_subagent, received_at = excluded.received_at \
         WHERE usage_events.total_tokens < excluded.total_tokens \
            OR (usage_events.total_tokens = excluded.total_tokens \
                AND usage_events.project IS NULL AND excluded.project IS NOT NULL)"
    };
}

const SQLITE_INSERT: &str = concat!("INSERT INTO usage_events (", event_columns!(), ") ");

/// One array per column; `$1` is the user and `$25` the time received, the same for every row.
/// The tool calls travel as text and become JSONB here.
macro_rules! postgres_insert {
    () => {
        concat!(
            "INSERT INTO usage_events (",
            event_columns!(),
            ") SELECT $1, tool, dedupe_key, session_id, project, repository, git_branch, ts, model,
                 input_tokens, output_tokens, cache_write_5m_tokens, cache_write_1h_tokens,
                 cache_read_tokens, reasoning_tokens, total_tokens, speed, cost_usd,
                 CAST(tool_calls AS JSONB), edit_calls, lines_added, lines_removed,
                 permission_mode, is_subagent, $25
             FROM UNNEST($2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                 $7::text[], $8::bigint[], $9::text[], $10::bigint[], $11::bigint[], $12::bigint[],
                 $13::bigint[], $14::bigint[], $15::bigint[], $16::bigint[], $17::text[],
                 $18::double precision[], $19::text[], $20::bigint[], $21::bigint[], $22::bigint[],
                 $23::text[], $24::boolean[])
             AS v (tool, dedupe_key, session_id, project, repository, git_branch, ts, model,
                 input_tokens, output_tokens, cache_write_5m_tokens, cache_write_1h_tokens,
                 cache_read_tokens, reasoning_tokens, total_tokens, speed, cost_usd, tool_calls,
                 edit_calls, lines_added, lines_removed, permission_mode, is_subagent)"
        )
    };
}

/// Larger copies of stored requests (rare: a session's log re-read while it grew).
const POSTGRES_REPLACE: &str = concat!(postgres_insert!(), on_conflict_larger_copy_wins!());

pub fn to_i64(value: u64, what: &str) -> Result<i64> {
    i64::try_from(value).map_err(|_| Error::BadRequest(format!("{what} out of range")))
}

/// One `usage_events` row as it is written (without the user and the time received).
pub struct EventRow<'a> {
    pub(super) tool: &'static str,
    pub(super) dedupe_key: &'a str,
    pub(super) session_id: &'a str,
    pub(super) project: Option<&'a str>,
    pub(super) repository: Option<&'a str>,
    pub(super) git_branch: Option<&'a str>,
    pub(super) ts: i64,
    pub(super) model: &'a str,
    pub(super) input_tokens: i64,
    pub(super) output_tokens: i64,
    pub(super) cache_write_5m_tokens: i64,
    pub(super) cache_write_1h_tokens: i64,
    pub(super) cache_read_tokens: i64,
    pub(super) reasoning_tokens: Option<i64>,
    pub(super) total_tokens: i64,
    pub(super) speed: Option<&'a str>,
    pub(super) cost_usd: Option<f64>,
    pub(super) tool_calls: String,
    pub(super) edit_calls: i64,
    pub(super) lines_added: i64,
    pub(super) lines_removed: i64,
    pub(super) permission_mode: Option<&'a str>,
    pub(super) is_subagent: bool,
}

impl<'a> EventRow<'a> {
    /// The row of an event; a 400 when a count does not fit the BIGINT column.
    pub fn of(priced: &'a PricedEvent) -> Result<EventRow<'a>> {
        let e = &priced.event;
        let edit_calls: u64 = EDIT_TOOLS
            .iter()
            .filter_map(|t| e.tool_calls.get(*t))
            .map(|n| u64::from(*n))
            .sum();
        Ok(EventRow {
            tool: e.tool.as_str(),
            dedupe_key: &e.dedupe_key,
            session_id: &e.session_id,
            project: e.project.as_deref(),
            repository: e.repository.as_deref(),
            git_branch: e.git_branch.as_deref(),
            ts: e.timestamp.timestamp_millis(),
            model: &e.model,
            input_tokens: to_i64(e.input_tokens, "input_tokens")?,
            output_tokens: to_i64(e.output_tokens, "output_tokens")?,
            cache_write_5m_tokens: to_i64(e.cache_write_5m_tokens, "cache_write_5m_tokens")?,
            cache_write_1h_tokens: to_i64(e.cache_write_1h_tokens, "cache_write_1h_tokens")?,
            cache_read_tokens: to_i64(e.cache_read_tokens, "cache_read_tokens")?,
            reasoning_tokens: e
                .reasoning_tokens
                .map(|r| to_i64(r, "reasoning_tokens"))
                .transpose()?,
            total_tokens: to_i64(e.total_tokens(), "total tokens")?,
            speed: e.speed.as_deref(),
            cost_usd: priced.cost_usd,
            tool_calls: serde_json::to_string(&e.tool_calls)
                .map_err(|err| Error::Internal(anyhow::anyhow!("{}", err)))?,
            edit_calls: to_i64(edit_calls, "edit calls")?,
            lines_added: to_i64(e.lines_added, "lines_added")?,
            lines_removed: to_i64(e.lines_removed, "lines_removed")?,
            permission_mode: e.permission_mode.as_deref(),
            is_subagent: e.is_subagent,
        })
    }
}

/// The stored copy of a request named in an upload.
#[derive(sqlx::FromRow)]
pub struct StoredCopy {
    pub tool: String,
    pub dedupe_key: String,
    pub total_tokens: i64,
    pub ts: i64,
    /// Whether the stored copy knows its project: an uploaded copy does, a telemetry copy of the
    /// same request does not (and yields to the upload at equal tokens).
    pub has_project: bool,
}

/// The stored copies of the user's requests that `events` name.
pub async fn stored_copies(
    tx: &mut Transaction,
    user_id: i64,
    events: &[&PricedEvent],
) -> Result<Vec<StoredCopy>> {
    match tx {
        Transaction::Postgres(tx) => {
            let tools: Vec<&str> = events.iter().map(|p| p.event.tool.as_str()).collect();
            let keys: Vec<&str> = events.iter().map(|p| p.event.dedupe_key.as_str()).collect();
            Ok(sqlx::query_as(
                "SELECT e.tool, e.dedupe_key, e.total_tokens, e.ts, e.project IS NOT NULL AS has_project
                 FROM UNNEST($2::text[], $3::text[]) AS v (tool, dedupe_key)
                 JOIN usage_events e ON e.user_id = $1 AND e.tool = v.tool AND e.dedupe_key = v.dedupe_key",
            )
            .bind(user_id)
            .bind(tools)
            .bind(keys)
            .fetch_all(&mut **tx)
            .await?)
        }
        Transaction::Sqlite(tx) => {
            let mut copies = Vec::new();
            for chunk in events.chunks(ROWS_PER_STATEMENT) {
                // A join on the listed keys, so each one is a seek of the unique index (SQLite
                // would answer `(tool, dedupe_key) IN (VALUES ...)` by scanning the table).
                let mut select = QueryBuilder::new(
                    "SELECT e.tool, e.dedupe_key, e.total_tokens, e.ts, \
                     e.project IS NOT NULL AS has_project FROM (",
                );
                select.push_values(chunk, |mut key, p| {
                    key.push_bind(p.event.tool.as_str())
                        .push_bind(p.event.dedupe_key.as_str());
                });
                select.push(") AS v JOIN usage_events e ON e.user_id = ");
                select.push_bind(user_id);
                select.push(" AND e.tool = v.column1 AND e.dedupe_key = v.column2");
                copies.extend(
                    select
                        .build_query_as::<StoredCopy>()
                        .fetch_all(&mut **tx)
                        .await?,
                );
            }
            Ok(copies)
        }
    }
}

/// Whether the user's copy of `event`'s request is stored.
pub async fn is_stored(tx: &mut Transaction, user_id: i64, event: &UsageEvent) -> Result<bool> {
    let found: Option<i64> = with_tx!(tx, |conn| {
        sqlx::query_scalar(
            "SELECT user_id FROM usage_events WHERE user_id = $1 AND tool = $2 AND dedupe_key = $3",
        )
        .bind(user_id)
        .bind(event.tool.as_str())
        .bind(event.dedupe_key.as_str())
        .fetch_optional(conn)
        .await?
    });
    Ok(found.is_some())
}

/// Inserts `rows` if none of their requests is stored yet, and says whether it did; otherwise
/// the transaction is left as it was. The caller holds its user's write lock, so no other upload
/// can store one of these keys in between.
pub async fn insert_if_all_new(
    tx: &mut Transaction,
    user_id: i64,
    rows: &[EventRow<'_>],
    received_at: i64,
) -> Result<bool> {
    with_tx!(&mut *tx, |conn| {
        sqlx::query("SAVEPOINT usage_insert")
            .execute(&mut *conn)
            .await?;
    });
    match write(tx, user_id, rows, &[], received_at).await {
        Ok(()) => Ok(true),
        Err(Error::Database(sqlx::Error::Database(e))) if e.is_unique_violation() => {
            with_tx!(&mut *tx, |conn| {
                sqlx::query("ROLLBACK TO SAVEPOINT usage_insert")
                    .execute(&mut *conn)
                    .await?;
            });
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

/// Inserts `new` rows (requests not stored yet) and `larger` copies of stored requests, each
/// replacing a stored copy with fewer tokens. Each key appears once.
pub async fn write(
    tx: &mut Transaction,
    user_id: i64,
    new: &[EventRow<'_>],
    larger: &[EventRow<'_>],
    received_at: i64,
) -> Result<()> {
    match tx {
        Transaction::Postgres(tx) => {
            // New requests are copied in, which spares PostgreSQL the speculative insertion an
            // `ON CONFLICT` costs on every row. The upload holds its user's lock
            // (`usage::upsert_batch`), so a key can only conflict with a copy stored before,
            // which [`insert_if_all_new`] notices.
            usage_copy::copy_new(tx, user_id, new, received_at).await?;
            if !larger.is_empty() {
                bind_columns(sqlx::query(POSTGRES_REPLACE), user_id, larger, received_at)
                    .execute(&mut **tx)
                    .await?;
            }
        }
        Transaction::Sqlite(tx) => {
            for (rows, on_conflict) in [(new, ""), (larger, on_conflict_larger_copy_wins!())] {
                for chunk in rows.chunks(ROWS_PER_STATEMENT) {
                    let mut insert = QueryBuilder::new(SQLITE_INSERT);
                    insert.push_values(chunk, |mut row, r| {
                        row.push_bind(user_id)
                            .push_bind(r.tool)
                            .push_bind(r.dedupe_key)
                            .push_bind(r.session_id)
                            .push_bind(r.project)
                            .push_bind(r.repository)
                            .push_bind(r.git_branch)
                            .push_bind(r.ts)
                            .push_bind(r.model)
                            .push_bind(r.input_tokens)
                            .push_bind(r.output_tokens)
                            .push_bind(r.cache_write_5m_tokens)
                            .push_bind(r.cache_write_1h_tokens)
                            .push_bind(r.cache_read_tokens)
                            .push_bind(r.reasoning_tokens)
                            .push_bind(r.total_tokens)
                            .push_bind(r.speed)
                            .push_bind(r.cost_usd)
                            .push_bind(r.tool_calls.as_str())
                            .push_bind(r.edit_calls)
                            .push_bind(r.lines_added)
                            .push_bind(r.lines_removed)
                            .push_bind(r.permission_mode)
                            .push_bind(r.is_subagent)
                            .push_bind(received_at);
                    });
                    insert.push(on_conflict);
                    insert.build().execute(&mut **tx).await?;
                }
            }
        }
    }
    Ok(())
}

/// Binds `rows` as one array per column to a statement of [`postgres_insert!`].
fn bind_columns<'q>(
    query: sqlx::query::Query<'q, Postgres, PgArguments>,
    user_id: i64,
    rows: &'q [EventRow<'q>],
    received_at: i64,
) -> sqlx::query::Query<'q, Postgres, PgArguments> {
    fn column<'q, T>(rows: &'q [EventRow<'q>], f: impl Fn(&'q EventRow<'q>) -> T) -> Vec<T> {
        rows.iter().map(f).collect()
    }
    query
        .bind(user_id)
        .bind(column(rows, |r| r.tool))
        .bind(column(rows, |r| r.dedupe_key))
        .bind(column(rows, |r| r.session_id))
        .bind(column(rows, |r| r.project))
        .bind(column(rows, |r| r.repository))
        .bind(column(rows, |r| r.git_branch))
        .bind(column(rows, |r| r.ts))
        .bind(column(rows, |r| r.model))
        .bind(column(rows, |r| r.input_tokens))
        .bind(column(rows, |r| r.output_tokens))
        .bind(column(rows, |r| r.cache_write_5m_tokens))
        .bind(column(rows, |r| r.cache_write_1h_tokens))
        .bind(column(rows, |r| r.cache_read_tokens))
        .bind(column(rows, |r| r.reasoning_tokens))
        .bind(column(rows, |r| r.total_tokens))
        .bind(column(rows, |r| r.speed))
        .bind(column(rows, |r| r.cost_usd))
        .bind(column(rows, |r| r.tool_calls.as_str()))
        .bind(column(rows, |r| r.edit_calls))
        .bind(column(rows, |r| r.lines_added))
        .bind(column(rows, |r| r.lines_removed))
        .bind(column(rows, |r| r.permission_mode))
        .bind(column(rows, |r| r.is_subagent))
        .bind(received_at)
}
