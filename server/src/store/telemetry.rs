//! OpenTelemetry storage: metric series with their last counted point, the deltas each point
//! added, log events, and the edit decisions the uploader found; and the per-session sums the
//! activity report reads.

use std::collections::HashMap;

use sqlx::QueryBuilder;

use crate::db::Db;
use crate::error::{Error, Result};
use crate::store::pool::{with_pool, with_tx, Transaction};
use crate::store::sql::push_in_list;
use crate::telemetry::cumulative::LastPoint;
use crate::telemetry::logs::TelemetryEvent;
use crate::telemetry::metrics::Series;

/// The namespace of the per-user advisory locks that serialise one user's metric exports on
/// PostgreSQL (a series' last point is read, then written).
const METRICS_EXPORT_LOCK: i32 = 0x6f74_656c; // "otel"

/// A series as stored: its id and the point counted last (cumulative series only).
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct StoredSeries {
    pub id: i64,
    last_start_ns: Option<i64>,
    last_time_ns: Option<i64>,
    last_value: Option<f64>,
}

impl StoredSeries {
    pub fn last(&self) -> Option<LastPoint> {
        Some(LastPoint {
            start_ns: self.last_start_ns?,
            time_ns: self.last_time_ns?,
            value: self.last_value?,
        })
    }
}

/// What one point added to its series.
#[derive(Debug, Clone, Copy)]
pub struct Delta {
    pub series_id: i64,
    pub start_ns: i64,
    pub time_ns: i64,
    pub value: f64,
}

/// Starts the transaction of one user's metric export, holding that user's lock.
pub async fn begin_metrics_export(db: &Db, user_id: i64) -> Result<Transaction> {
    let mut tx = db.begin().await?;
    if let Transaction::Postgres(pg) = &mut tx {
        let lock_key = i32::try_from(user_id).map_err(|_| {
            Error::Internal(anyhow::anyhow!("user id {user_id} out of the lock's range"))
        })?;
        sqlx::query("SELECT pg_advisory_xact_lock($1, $2)")
            .bind(METRICS_EXPORT_LOCK)
            .bind(lock_key)
            .execute(&mut **pg)
            .await?;
    }
    Ok(tx)
}

/// Creates the series not yet stored; returns every one of `series` by its key.
pub async fn series(
    tx: &mut Transaction,
    user_id: i64,
    series: &[&Series],
) -> Result<HashMap<String, StoredSeries>> {
    const SQLITE: &str = "INSERT INTO telemetry_series
            (user_id, series_key, metric, session_id, kind, model, tool_name, decision, attributes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (user_id, series_key) DO UPDATE SET metric = excluded.metric
         RETURNING id, last_start_ns, last_time_ns, last_value";
    const POSTGRES: &str = "INSERT INTO telemetry_series
            (user_id, series_key, metric, session_id, kind, model, tool_name, decision, attributes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CAST($9 AS JSONB))
         ON CONFLICT (user_id, series_key) DO UPDATE SET metric = excluded.metric
         RETURNING id, last_start_ns, last_time_ns, last_value";
    let mut stored = HashMap::with_capacity(series.len());
    for s in series {
        if stored.contains_key(&s.series_key) {
            continue;
        }
        let sql = match tx {
            Transaction::Sqlite(_) => SQLITE,
            Transaction::Postgres(_) => POSTGRES,
        };
        let row: StoredSeries = with_tx!(&mut *tx, |conn| {
            sqlx::query_as(sql)
                .bind(user_id)
                .bind(&s.series_key)
                .bind(&s.metric)
                .bind(&s.session_id)
                .bind(&s.kind)
                .bind(&s.model)
                .bind(&s.tool_name)
                .bind(&s.decision)
                .bind(&s.attributes)
                .fetch_one(&mut *conn)
                .await?
        });
        stored.insert(s.series_key.clone(), row);
    }
    Ok(stored)
}

/// Stores deltas; one already stored (same series, start and time) is left alone. Returns how
/// many were new.
pub async fn insert_deltas(tx: &mut Transaction, deltas: &[Delta]) -> Result<u64> {
    let mut inserted = 0;
    for d in deltas {
        inserted += with_tx!(&mut *tx, |conn| {
            sqlx::query(
                "INSERT INTO telemetry_metric_deltas (series_id, start_ns, time_ns, ts, value)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (series_id, start_ns, time_ns) DO NOTHING",
            )
            .bind(d.series_id)
            .bind(d.start_ns)
            .bind(d.time_ns)
            .bind(d.time_ns.div_euclid(1_000_000))
            .bind(d.value)
            .execute(&mut *conn)
            .await?
            .rows_affected()
        });
    }
    Ok(inserted)
}

/// Records the point each cumulative series counted last.
pub async fn save_last_points(tx: &mut Transaction, points: &[(i64, LastPoint)]) -> Result<()> {
    for (series_id, last) in points {
        with_tx!(&mut *tx, |conn| {
            sqlx::query(
                "UPDATE telemetry_series SET last_start_ns = $2, last_time_ns = $3, last_value = $4
                 WHERE id = $1",
            )
            .bind(series_id)
            .bind(last.start_ns)
            .bind(last.time_ns)
            .bind(last.value)
            .execute(&mut *conn)
            .await?;
        });
    }
    Ok(())
}

/// Stores log events; one already stored (same record) is left alone. Returns how many were new.
pub async fn insert_events(db: &Db, user_id: i64, events: &[TelemetryEvent]) -> Result<u64> {
    // The dialects differ only in how the JSON attributes are written.
    macro_rules! insert {
        ($attributes:literal) => {
            concat!(
                "INSERT INTO telemetry_events (user_id, record_key, event_name, session_id,
                    prompt_id, request_id, ts, model, tool_name, decision, cost_usd, attributes)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, ",
                $attributes,
                ") ON CONFLICT (user_id, record_key) DO NOTHING"
            )
        };
    }
    if events.is_empty() {
        return Ok(0);
    }
    let mut tx = db.begin().await?;
    let sql = match tx {
        Transaction::Sqlite(_) => insert!("$12"),
        Transaction::Postgres(_) => insert!("CAST($12 AS JSONB)"),
    };
    let mut inserted = 0;
    for e in events {
        inserted += with_tx!(&mut tx, |conn| {
            sqlx::query(sql)
                .bind(user_id)
                .bind(&e.record_key)
                .bind(&e.event_name)
                .bind(&e.session_id)
                .bind(&e.prompt_id)
                .bind(&e.request_id)
                .bind(e.ts_ms)
                .bind(&e.model)
                .bind(&e.tool_name)
                .bind(&e.decision)
                .bind(e.cost_usd)
                .bind(&e.attributes)
                .execute(&mut *conn)
                .await?
                .rows_affected()
        });
    }
    tx.commit().await?;
    Ok(inserted)
}

/// One per-session sum the activity report reads. `figure` names what `value` counts:
/// `lines_added`, `lines_removed`, `edit_accept`, `edit_reject`, `active_seconds`,
/// `api_request`, `api_error`.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SessionSum {
    pub user_id: i64,
    pub session_id: String,
    pub from_telemetry: bool,
    pub figure: String,
    pub tool_name: Option<String>,
    pub value: f64,
}

/// The metric sums of telemetry, per session. Metric names and figure labels are constants
/// here, never input.
const TELEMETRY_METRIC_SUMS: &str = "SELECT s.user_id, s.session_id, TRUE AS from_telemetry,
        CASE
            WHEN s.metric = 'claude_code.lines_of_code.count' AND s.kind = 'added' THEN 'lines_added'
            WHEN s.metric = 'claude_code.lines_of_code.count' AND s.kind = 'removed' THEN 'lines_removed'
            WHEN s.metric = 'claude_code.code_edit_tool.decision' AND s.decision = 'accept' THEN 'edit_accept'
            WHEN s.metric = 'claude_code.code_edit_tool.decision' AND s.decision = 'reject' THEN 'edit_reject'
            ELSE 'active_seconds'
        END AS figure,
        CASE WHEN s.metric = 'claude_code.code_edit_tool.decision' THEN s.tool_name END AS tool_name,
        CAST(SUM(d.value) AS DOUBLE PRECISION) AS value
    FROM telemetry_metric_deltas d JOIN telemetry_series s ON s.id = d.series_id
    WHERE (s.metric = 'claude_code.lines_of_code.count' AND s.kind IN ('added', 'removed')
        OR s.metric = 'claude_code.code_edit_tool.decision' AND s.decision IN ('accept', 'reject')
        OR s.metric = 'claude_code.active_time.total')
      AND d.ts >= ";

const TELEMETRY_EVENT_SUMS: &str = "SELECT user_id, session_id, TRUE AS from_telemetry,
        event_name AS figure, CAST(NULL AS TEXT) AS tool_name,
        CAST(COUNT(*) AS DOUBLE PRECISION) AS value
    FROM telemetry_events
    WHERE event_name IN ('api_request', 'api_error') AND ts >= ";

const UPLOADED_LINE_SUMS: &str = "SELECT user_id, session_id, FALSE AS from_telemetry,
        CAST(NULL AS TEXT) AS tool_name,
        CAST(SUM(lines_added) AS DOUBLE PRECISION) AS value,
        CAST(SUM(lines_removed) AS DOUBLE PRECISION) AS removed
    FROM usage_events
    WHERE (lines_added > 0 OR lines_removed > 0) AND ts >= ";

const UPLOADED_DECISION_SUMS: &str = "SELECT user_id, session_id, FALSE AS from_telemetry,
        tool_name,
        CAST(SUM(accepted) AS DOUBLE PRECISION) AS value,
        CAST(SUM(rejected) AS DOUBLE PRECISION) AS removed
    FROM uploaded_edit_decisions WHERE ts >= ";

/// A sum of the uploader's with two values (lines added and removed, edits accepted and
/// rejected), split into two [`SessionSum`]s.
#[derive(sqlx::FromRow)]
struct UploadedPair {
    user_id: i64,
    session_id: String,
    from_telemetry: bool,
    tool_name: Option<String>,
    value: f64,
    removed: f64,
}

/// Every per-session sum of the users given (everyone for `None`) in `[from_ms, to_ms)`.
pub async fn session_sums(
    db: &Db,
    user_ids: Option<&[i64]>,
    from_ms: i64,
    to_ms: i64,
) -> Result<Vec<SessionSum>> {
    let mut sums: Vec<SessionSum> = Vec::new();
    for (sql, user_column, group) in [
        (TELEMETRY_METRIC_SUMS, "s.user_id", "d.ts"),
        (TELEMETRY_EVENT_SUMS, "user_id", "ts"),
    ] {
        let rows: Vec<SessionSum> = with_pool!(db, |pool| {
            let mut select = QueryBuilder::new(sql);
            select
                .push_bind(from_ms)
                .push(format!(" AND {group} < "))
                .push_bind(to_ms);
            if let Some(ids) = user_ids {
                select.push(format!(" AND {user_column}"));
                push_in_list(&mut select, ids);
            }
            select.push(" GROUP BY 1, 2, 3, 4, 5");
            select.build_query_as().fetch_all(pool).await?
        });
        sums.extend(rows);
    }
    for (sql, first, second) in [
        (UPLOADED_LINE_SUMS, "lines_added", "lines_removed"),
        (UPLOADED_DECISION_SUMS, "edit_accept", "edit_reject"),
    ] {
        let rows: Vec<UploadedPair> = with_pool!(db, |pool| {
            let mut select = QueryBuilder::new(sql);
            select
                .push_bind(from_ms)
                .push(" AND ts < ")
                .push_bind(to_ms);
            if let Some(ids) = user_ids {
                select.push(" AND user_id");
                push_in_list(&mut select, ids);
            }
            select.push(" GROUP BY 1, 2, 3, 4");
            select.build_query_as().fetch_all(pool).await?
        });
        for pair in rows {
            for (figure, value) in [(first, pair.value), (second, pair.removed)] {
                sums.push(SessionSum {
                    user_id: pair.user_id,
                    session_id: pair.session_id.clone(),
                    from_telemetry: pair.from_telemetry,
                    figure: figure.to_owned(),
                    tool_name: pair.tool_name.clone(),
                    value,
                });
            }
        }
    }
    Ok(sums)
}
