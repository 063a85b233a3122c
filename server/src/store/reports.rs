//! What the metrics loaders read: developers and their teams and seats, usage summed from the
//! hourly rollup (or the raw events), first uses, and when the review history starts.

use sqlx::{Database, Encode, QueryBuilder, Type};

use crate::db::Db;
use crate::error::Result;
use crate::store::json_rows::{exact_f64, fetch_json_rows, flag, json_rows_of};
use crate::store::pool::{with_pool, Pool};
use crate::store::rollup::unreviewed_edits;
use crate::store::sql::{push_in_list, IntegerList};

/// A developer a report may cover.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeveloperRecord {
    pub id: i64,
    pub name: String,
    pub email: String,
}

/// Users in `user_ids` (everyone when `None`) who have the developer role, use an assistant or
/// hold a seat, by id.
pub async fn developers(db: &Db, user_ids: Option<&[i64]>) -> Result<Vec<DeveloperRecord>> {
    Ok(with_pool!(db, |pool| {
        let mut select = QueryBuilder::new(
            "SELECT u.id, u.name, u.email FROM users u
             WHERE (u.role = 'developer'
                 OR EXISTS (SELECT 1 FROM usage_hourly h WHERE h.user_id = u.id)
                 OR EXISTS (SELECT 1 FROM seat_assignments s WHERE s.user_id = u.id))",
        );
        if let Some(ids) = user_ids {
            select.push(" AND u.id");
            push_in_list(&mut select, ids);
        }
        select.push(" ORDER BY u.id");
        select.build_query_as().fetch_all(pool).await?
    }))
}

/// A user's membership of a team.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct Membership {
    pub user_id: i64,
    pub team_id: i64,
}

/// Every membership, by team.
pub async fn memberships(db: &Db) -> Result<Vec<Membership>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as("SELECT user_id, team_id FROM team_members ORDER BY team_id")
            .fetch_all(pool)
            .await?
    }))
}

/// A developer's plan of one vendor.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct SeatPlan {
    pub user_id: i64,
    pub plan_id: i64,
}

/// Every seat assignment, by vendor.
pub async fn seat_plans(db: &Db) -> Result<Vec<SeatPlan>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as("SELECT user_id, plan_id FROM seat_assignments ORDER BY vendor")
            .fetch_all(pool)
            .await?
    }))
}

/// A team's id and name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TeamRecord {
    pub id: i64,
    pub name: String,
}

/// Every team, by id.
pub async fn teams(db: &Db) -> Result<Vec<TeamRecord>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as("SELECT id, name FROM teams ORDER BY id")
            .fetch_all(pool)
            .await?
    }))
}

/// Which usage dimensions a report needs beyond user, time and tool.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Dims {
    pub model: bool,
    pub project: bool,
    pub repository: bool,
    pub session: bool,
}

impl Dims {
    /// Every dimension.
    pub const ALL: Dims = Dims {
        model: true,
        project: true,
        repository: true,
        session: true,
    };
}

/// How usage rows are cut in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeBucket<'a> {
    /// Each stored hour (each event's own time when reading raw events).
    Hour,
    /// Local days: days since 1970-01-01 of the time plus the zone's UTC offset, which is
    /// `first_offset_ms` until the first of `changes` (instant, new offset), and so on. Each row
    /// is stamped with its first hour.
    LocalDay {
        first_offset_ms: i64,
        changes: &'a [(i64, i64)],
    },
}

/// The usage a report reads.
#[derive(Debug, Clone, Copy)]
pub struct UsageSelection<'a> {
    /// Everyone when `None`.
    pub user_ids: Option<&'a [i64]>,
    pub from_ms: i64,
    pub to_ms: i64,
    pub dims: Dims,
    pub bucket: TimeBucket<'a>,
    /// Read the raw events (one row each, at its exact time) instead of the hourly rollup: a
    /// UTC hour straddles two local days in a zone not a whole number of hours from UTC.
    pub raw_events: bool,
}

/// Usage summed per user, time bucket, tool, price-known flag and the selected dimensions (the
/// others are `''` or `NULL`).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Deserialize)]
pub struct UsageSum {
    pub user_id: i64,
    pub hour: i64,
    pub tool: String,
    /// Whether the row sums events of known cost (`cost_usd` is then their sum).
    #[serde(deserialize_with = "flag")]
    pub priced: bool,
    pub model: String,
    pub project: Option<String>,
    pub repository: Option<String>,
    pub session_id: String,
    pub events: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub cache_write_tokens: i64,
    pub cache_read_tokens: i64,
    /// `None` when no event in the row has a known cost.
    #[serde(deserialize_with = "exact_f64")]
    pub cost_usd: Option<f64>,
    pub edits: i64,
    pub edits_unreviewed: i64,
}

/// Raw events shaped like rollup rows (one event each, at its exact time). Read one user at a
/// time: the (user_id, ts) index is the only one on the events' times.
const RAW_EVENTS: &str = concat!(
    "(SELECT e.user_id, e.ts AS hour, e.tool, e.model, e.project, e.repository, e.session_id,
         e.cost_usd IS NOT NULL AS priced, 1 AS events,
         e.input_tokens, e.output_tokens, e.cache_write_5m_tokens + e.cache_write_1h_tokens AS cache_write_tokens,
         e.cache_read_tokens, e.cost_usd, e.edit_calls AS edits, ",
    unreviewed_edits!(),
    " AS edits_unreviewed FROM users u JOIN usage_events e ON e.user_id = u.id) raw"
);

/// The columns of [`UsageSum`] in order, for [`json_rows_of`].
const USAGE_SUM_COLUMNS: &str = "user_id, hour, tool, priced, model, project, repository, \
    session_id, events, input_tokens, output_tokens, cache_write_tokens, cache_read_tokens, \
    quote(cost_usd), edits, edits_unreviewed";

const USAGE_SUMS: &str = "CAST(SUM(events) AS BIGINT) AS events,
    CAST(SUM(input_tokens) AS BIGINT) AS input_tokens, CAST(SUM(output_tokens) AS BIGINT) AS output_tokens,
    CAST(SUM(cache_write_tokens) AS BIGINT) AS cache_write_tokens,
    CAST(SUM(cache_read_tokens) AS BIGINT) AS cache_read_tokens,
    CAST(SUM(cost_usd) AS DOUBLE PRECISION) AS cost_usd, CAST(SUM(edits) AS BIGINT) AS edits,
    CAST(SUM(edits_unreviewed) AS BIGINT) AS edits_unreviewed FROM ";

/// The selected usage; nothing when `user_ids` is empty.
pub async fn usage(db: &Db, selection: &UsageSelection<'_>) -> Result<Vec<UsageSum>> {
    if selection.user_ids.is_some_and(<[i64]>::is_empty) {
        return Ok(Vec::new());
    }
    match db.typed() {
        // Measured with bench_metrics (docs/bench-metrics.md) and again with the page benchmark
        // on the typed pool (docs/bench-pages.md): on SQLite one JSON text is faster than
        // row-by-row decoding for these reads; on PostgreSQL rows are.
        Pool::Sqlite(pool) => {
            let mut select = json_rows_of(USAGE_SUM_COLUMNS);
            push_usage_select(&mut select, selection);
            fetch_json_rows(pool, select).await
        }
        Pool::Postgres(pool) => {
            let mut select = QueryBuilder::new("");
            push_usage_select(&mut select, selection);
            Ok(select.build_query_as().fetch_all(pool).await?)
        }
    }
}

/// Writes the statement of [`usage`] into `select`.
fn push_usage_select<'args, DB>(select: &mut QueryBuilder<DB>, s: &UsageSelection<'_>)
where
    DB: Database + IntegerList,
    i64: 'args + Encode<'args, DB> + Type<DB>,
{
    let d = s.dims;
    select.push(match s.bucket {
        TimeBucket::Hour => "SELECT user_id, hour, tool, priced, ",
        TimeBucket::LocalDay { .. } => "SELECT user_id, MIN(hour) AS hour, tool, priced, ",
    });
    select.push(if d.model { "model, " } else { "'' AS model, " });
    select.push(if d.project {
        "project, "
    } else {
        "NULL AS project, "
    });
    select.push(if d.repository {
        "repository, "
    } else {
        "NULL AS repository, "
    });
    select.push(if d.session {
        "session_id, "
    } else {
        "'' AS session_id, "
    });
    select.push(USAGE_SUMS);
    select.push(if s.raw_events {
        RAW_EVENTS
    } else {
        "usage_hourly"
    });
    select.push(" WHERE hour >= ").push_bind(s.from_ms);
    select.push(" AND hour < ").push_bind(s.to_ms);
    if let Some(ids) = s.user_ids {
        select.push(" AND user_id");
        push_in_list(select, ids);
    }
    select.push(" GROUP BY user_id, ");
    match s.bucket {
        TimeBucket::Hour => {
            select.push("hour");
        }
        TimeBucket::LocalDay {
            first_offset_ms,
            changes,
        } => {
            select.push("((hour + ");
            if changes.is_empty() {
                select.push_bind(first_offset_ms);
            } else {
                select.push("CASE");
                let mut current = first_offset_ms;
                for &(at, next) in changes {
                    select.push(" WHEN hour < ").push_bind(at);
                    select.push(" THEN ").push_bind(current);
                    current = next;
                }
                select.push(" ELSE ").push_bind(current).push(" END");
            }
            select.push(") / 86400000)");
        }
    }
    select.push(", tool, priced");
    for (on, column) in [
        (d.model, ", model"),
        (d.project, ", project"),
        (d.repository, ", repository"),
        (d.session, ", session_id"),
    ] {
        if on {
            select.push(column);
        }
    }
}

/// A developer's first event.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct FirstUse {
    pub user_id: i64,
    pub first_ts: i64,
}

/// The first event before `end_ms` of each user in `user_ids` (everyone when `None`) who has one.
pub async fn first_uses(db: &Db, user_ids: Option<&[i64]>, end_ms: i64) -> Result<Vec<FirstUse>> {
    if user_ids.is_some_and(<[i64]>::is_empty) {
        return Ok(Vec::new());
    }
    Ok(with_pool!(db, |pool| {
        // One index seek per user on (user_id, ts); a grouped MIN would read every event.
        let mut select = QueryBuilder::new(
            "SELECT user_id, first_ts FROM (
                 SELECT u.id AS user_id,
                        (SELECT MIN(e.ts) FROM usage_events e WHERE e.user_id = u.id AND e.ts < ",
        );
        select.push_bind(end_ms).push(") AS first_ts FROM users u");
        if let Some(ids) = user_ids {
            select.push(" WHERE u.id");
            push_in_list(&mut select, ids);
        }
        select.push(") firsts WHERE first_ts IS NOT NULL");
        select.build_query_as().fetch_all(pool).await?
    }))
}

/// The earliest pull request opened and commit authored.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct HistoryStart {
    pub first_pr: Option<i64>,
    pub first_commit: Option<i64>,
}

/// When PR and commit history starts (reads the reviews collector's tables).
pub async fn history_start(db: &Db) -> Result<HistoryStart> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT (SELECT MIN(created_at) FROM pull_requests) AS first_pr,
                    (SELECT MIN(authored_at) FROM commits) AS first_commit",
        )
        .fetch_one(pool)
        .await?
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_days_group_by_the_offsets_bound_as_parameters() {
        let selection = UsageSelection {
            user_ids: Some(&[3, 7]),
            from_ms: 0,
            to_ms: 10,
            dims: Dims {
                model: true,
                ..Dims::default()
            },
            bucket: TimeBucket::LocalDay {
                first_offset_ms: 3_600_000,
                changes: &[(5, 7_200_000)],
            },
            raw_events: false,
        };
        let mut select = QueryBuilder::<sqlx::Sqlite>::new("");
        push_usage_select(&mut select, &selection);
        let sql = select.sql();
        let sql = sql.as_str();
        assert!(sql.starts_with(
            "SELECT user_id, MIN(hour) AS hour, tool, priced, model, NULL AS project"
        ));
        assert!(
            sql.contains("FROM usage_hourly WHERE hour >= ? AND hour < ? AND user_id IN (?, ?)")
        );
        assert!(sql.ends_with(
            "GROUP BY user_id, ((hour + CASE WHEN hour < ? THEN ? ELSE ? END) / 86400000), tool, priced, model"
        ));
    }
}
