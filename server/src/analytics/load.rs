//! Loaders: database rows in the caller's scope -> the engine's input rows.
//!
//! Usage comes from the hourly rollup (`usage_hourly`), summed further in SQL over the dimensions
//! a report does not need; every figure stays exact because the engine only sums. When the
//! organisation's time zone is not a whole number of hours from UTC (India, Nepal, Lord Howe in
//! summer...), a UTC hour straddles two local days and the raw events are read instead.

use std::collections::HashMap;

use agentmeter_metrics::rows::{DeveloperRow, TeamRow, Tool, UsageRow};
use chrono::{Offset, TimeZone};
use chrono_tz::Tz;
use sqlx::Row;

use crate::analytics::rollup::UNREVIEWED_MODES;
use crate::auth::Scope;
use crate::db::Db;
use crate::error::{Error, Result};

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

/// How finely usage rows are cut in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grain {
    /// UTC hours (raw events in zones not a whole number of hours from UTC): for figures that
    /// look inside a day, such as 5-hour plan windows.
    Hour,
    /// Local days of the organisation's time zone, each row stamped with the start of its first
    /// active hour (or its first event): for figures built from days, weeks and months. Several
    /// times fewer rows cross from the database, which is most of a report's time.
    Day,
}

/// `AND <column> IN (...)` for a scope (ids are integers, formatted inline), or `None` when the
/// scope holds nobody.
pub fn scope_sql(column: &str, ids: Option<&[i64]>) -> Option<String> {
    match ids {
        None => Some(String::new()),
        Some([]) => None,
        Some(ids) => Some(format!(
            " AND {column} IN ({})",
            ids.iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The developers a report covers: users in scope who have the developer role, use an assistant
/// or hold a seat (so admins and managers who never code are not counted as "not started").
pub async fn developers(db: &Db, scope: &Scope) -> Result<Vec<DeveloperRow>> {
    let Some(filter) = scope_sql("u.id", scope.user_ids()) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT u.id, u.name, u.email FROM users u
         WHERE (u.role = 'developer'
             OR EXISTS (SELECT 1 FROM usage_hourly h WHERE h.user_id = u.id)
             OR EXISTS (SELECT 1 FROM seat_assignments s WHERE s.user_id = u.id)){filter}
         ORDER BY u.id"
    );
    let mut developers: Vec<DeveloperRow> = Vec::new();
    for row in sqlx::query(&sql).fetch_all(&db.pool).await? {
        developers.push(DeveloperRow {
            user_id: row.try_get("id")?,
            name: row.try_get("name")?,
            email: row.try_get("email")?,
            teams: Vec::new(),
            plans: Vec::new(),
        });
    }
    let index: HashMap<i64, usize> = developers
        .iter()
        .enumerate()
        .map(|(i, d)| (d.user_id, i))
        .collect();
    for row in sqlx::query("SELECT user_id, team_id FROM team_members ORDER BY team_id")
        .fetch_all(&db.pool)
        .await?
    {
        if let Some(&i) = index.get(&row.try_get::<i64, _>("user_id")?) {
            developers[i].teams.push(row.try_get("team_id")?);
        }
    }
    for row in sqlx::query("SELECT user_id, plan_id FROM seat_assignments ORDER BY vendor")
        .fetch_all(&db.pool)
        .await?
    {
        if let Some(&i) = index.get(&row.try_get::<i64, _>("user_id")?) {
            developers[i].plans.push(row.try_get("plan_id")?);
        }
    }
    Ok(developers)
}

/// Every team (names for labels; membership comes with the developers).
pub async fn teams(db: &Db) -> Result<Vec<TeamRow>> {
    let rows = sqlx::query("SELECT id, name FROM teams ORDER BY id")
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(TeamRow {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
            })
        })
        .collect()
}

/// Usage of the developers in `user_ids` (all when `None`) in `[from_ms, to_ms)`, summed per
/// user, hour, tool, price-known flag and the requested dimensions.
pub async fn usage(
    db: &Db,
    tz: Tz,
    user_ids: Option<&[i64]>,
    from_ms: i64,
    to_ms: i64,
    dims: Dims,
    grain: Grain,
) -> Result<Vec<UsageRow>> {
    let Some(filter) = scope_sql("user_id", user_ids) else {
        return Ok(Vec::new());
    };
    let pick = |on: bool, column: &str, none: &str| {
        if on {
            column.to_owned()
        } else {
            format!("{none} AS {column}")
        }
    };
    let keys = [
        pick(dims.model, "model", "''"),
        pick(dims.project, "project", "NULL"),
        pick(dims.repository, "repository", "NULL"),
        pick(dims.session, "session_id", "''"),
    ];
    let grouped: Vec<&str> = [
        (dims.model, "model"),
        (dims.project, "project"),
        (dims.repository, "repository"),
        (dims.session, "session_id"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, c)| *c)
    .collect();
    let offsets = Offsets::over(tz, from_ms, to_ms);
    let (time, bucket) = match grain {
        Grain::Hour => ("hour".to_owned(), "hour".to_owned()),
        Grain::Day => (
            "MIN(hour) AS hour".to_owned(),
            offsets.local_day_sql("hour"),
        ),
    };
    let group_by = [
        "user_id".to_owned(),
        bucket,
        "tool".to_owned(),
        "priced".to_owned(),
    ]
    .into_iter()
    .chain(grouped.into_iter().map(str::to_owned))
    .collect::<Vec<_>>()
    .join(", ");
    let source = if offsets.whole_hours() {
        "usage_hourly".to_owned()
    } else {
        // Raw events shaped like rollup rows (one event each, at its exact time).
        format!(
            "(SELECT user_id, ts AS hour, tool, model, project, repository, session_id,
                 CASE WHEN cost_usd IS NULL THEN 0 ELSE 1 END AS priced, 1 AS events, input_tokens, output_tokens,
                 cache_write_5m_tokens + cache_write_1h_tokens AS cache_write_tokens, cache_read_tokens, cost_usd,
                 edit_calls AS edits,
                 CASE WHEN permission_mode IN ({UNREVIEWED_MODES}) THEN edit_calls ELSE 0 END AS edits_unreviewed
             FROM usage_events) raw"
        )
    };
    let sql = format!(
        "SELECT user_id, {time}, tool, priced, {keys},
                CAST(SUM(events) AS BIGINT) AS events, CAST(SUM(input_tokens) AS BIGINT) AS input_tokens,
                CAST(SUM(output_tokens) AS BIGINT) AS output_tokens, CAST(SUM(cache_write_tokens) AS BIGINT) AS cache_write_tokens,
                CAST(SUM(cache_read_tokens) AS BIGINT) AS cache_read_tokens, CAST(SUM(cost_usd) AS DOUBLE PRECISION) AS cost_usd,
                CAST(SUM(edits) AS BIGINT) AS edits, CAST(SUM(edits_unreviewed) AS BIGINT) AS edits_unreviewed
         FROM {source} WHERE hour >= $1 AND hour < $2{filter}
         GROUP BY {group_by}",
        keys = keys.join(", "),
    );
    let rows: Vec<RolledUsage> = db
        .fetch_json_rows(
            &sql,
            &ROLLED_USAGE_COLUMNS,
            &["cost_usd"],
            &[from_ms, to_ms],
        )
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let tool = match row.tool.as_str() {
                "claude-code" => Tool::ClaudeCode,
                "codex" => Tool::Codex,
                _ => return None, // a tool the engine does not meter
            };
            Some(UsageRow {
                user_id: row.user_id,
                ts_utc_ms: row.hour,
                tool,
                model: row.model,
                project: row.project,
                repository: row.repository,
                session_id: row.session_id,
                events: row.events,
                input_tokens: row.input_tokens,
                output_tokens: row.output_tokens,
                cache_write_tokens: row.cache_write_tokens,
                cache_read_tokens: row.cache_read_tokens,
                cost_usd: (row.priced != 0).then(|| row.cost_usd.unwrap_or(0.0)),
                edits: row.edits,
                edits_unreviewed: row.edits_unreviewed,
            })
        })
        .collect())
}

/// The columns [`usage`] selects, in the order of [`RolledUsage`]'s fields.
const ROLLED_USAGE_COLUMNS: [&str; 16] = [
    "user_id",
    "hour",
    "tool",
    "priced",
    "model",
    "project",
    "repository",
    "session_id",
    "events",
    "input_tokens",
    "output_tokens",
    "cache_write_tokens",
    "cache_read_tokens",
    "cost_usd",
    "edits",
    "edits_unreviewed",
];

/// One row of [`usage`]'s query, decoded from its JSON array.
#[derive(serde::Deserialize)]
struct RolledUsage {
    user_id: i64,
    hour: i64,
    tool: String,
    priced: i64,
    model: String,
    project: Option<String>,
    repository: Option<String>,
    session_id: String,
    events: i64,
    input_tokens: i64,
    output_tokens: i64,
    cache_write_tokens: i64,
    cache_read_tokens: i64,
    #[serde(deserialize_with = "crate::db::exact_f64")]
    cost_usd: Option<f64>,
    edits: i64,
    edits_unreviewed: i64,
}

/// One usage row per developer at the exact time of their first event before `end_ms`: all the
/// productivity report needs from usage.
pub async fn first_uses(db: &Db, user_ids: Option<&[i64]>, end_ms: i64) -> Result<Vec<UsageRow>> {
    let Some(filter) = scope_sql("u.id", user_ids) else {
        return Ok(Vec::new());
    };
    // One index seek per user on (user_id, ts); a grouped MIN would read every event.
    let sql = format!(
        "SELECT user_id, first_ts FROM (
             SELECT u.id AS user_id,
                    (SELECT MIN(e.ts) FROM usage_events e WHERE e.user_id = u.id AND e.ts < $1) AS first_ts
             FROM users u WHERE 1 = 1{filter}) firsts
         WHERE first_ts IS NOT NULL"
    );
    let rows = sqlx::query(&sql).bind(end_ms).fetch_all(&db.pool).await?;
    rows.iter()
        .map(|r| {
            Ok(UsageRow {
                user_id: r.try_get("user_id")?,
                ts_utc_ms: r.try_get("first_ts")?,
                tool: Tool::ClaudeCode,
                model: String::new(),
                project: None,
                repository: None,
                session_id: String::new(),
                events: 1,
                input_tokens: 0,
                output_tokens: 0,
                cache_write_tokens: 0,
                cache_read_tokens: 0,
                cost_usd: None,
                edits: 0,
                edits_unreviewed: 0,
            })
        })
        .collect()
}

/// When PR and commit history starts: the earliest PR opened or commit authored (reads the
/// reviews collector's tables), `None` when there is none.
pub async fn history_start_ms(db: &Db) -> Result<Option<i64>> {
    let row = sqlx::query(
        "SELECT (SELECT MIN(created_at) FROM pull_requests) AS first_pr, (SELECT MIN(authored_at) FROM commits) AS first_commit",
    )
    .fetch_one(&db.pool)
    .await?;
    let (pr, commit): (Option<i64>, Option<i64>) =
        (row.try_get("first_pr")?, row.try_get("first_commit")?);
    Ok(pr.into_iter().chain(commit).min())
}

/// The UTC offset of `tz` at an instant, in milliseconds.
fn offset_ms(tz: Tz, ms: i64) -> i64 {
    chrono::DateTime::from_timestamp_millis(ms).map_or(0, |utc| {
        i64::from(
            tz.offset_from_utc_datetime(&utc.naive_utc())
                .fix()
                .local_minus_utc(),
        ) * 1000
    })
}

/// The UTC offsets of a time zone over `[from_ms, to_ms]`, in milliseconds.
#[derive(Debug, PartialEq, Eq)]
struct Offsets {
    first: i64,
    /// Each change: (instant, new offset).
    changes: Vec<(i64, i64)>,
}

impl Offsets {
    fn over(tz: Tz, from_ms: i64, to_ms: i64) -> Offsets {
        const DAY_MS: i64 = 86_400_000;
        let from = from_ms.max(946_684_800_000); // 2000-01-01: no usage is older
        let first = offset_ms(tz, from);
        let mut changes = Vec::new();
        let (mut day, mut offset) = (from, first);
        // Offsets change at most a few times a year: one look a day finds each, a bisection its
        // instant.
        while day < to_ms {
            let next = (day + DAY_MS).min(to_ms);
            let next_offset = offset_ms(tz, next);
            if next_offset != offset {
                let (mut before, mut after) = (day, next);
                while after - before > 1 {
                    let middle = before + (after - before) / 2;
                    if offset_ms(tz, middle) == offset {
                        before = middle;
                    } else {
                        after = middle;
                    }
                }
                changes.push((after, next_offset));
                offset = next_offset;
            }
            day = next;
        }
        Offsets { first, changes }
    }

    /// Whether every offset is a whole number of hours, so UTC hours never straddle local days.
    fn whole_hours(&self) -> bool {
        std::iter::once(self.first)
            .chain(self.changes.iter().map(|(_, offset)| *offset))
            .all(|offset| offset % 3_600_000 == 0)
    }

    /// SQL for the local day number (days since 1970-01-01 in the zone) of the epoch-ms `column`.
    fn local_day_sql(&self, column: &str) -> String {
        let offset = if self.changes.is_empty() {
            self.first.to_string()
        } else {
            let mut case = String::from("CASE");
            let mut current = self.first;
            for (at, next) in &self.changes {
                case.push_str(&format!(" WHEN {column} < {at} THEN {current}"));
                current = *next;
            }
            format!("{case} ELSE {current} END")
        };
        format!("(({column} + {offset}) / 86400000)")
    }
}

/// Maps an engine failure to the API error: bad parameters are the caller's, the rest ours.
pub fn engine_error(err: agentmeter_metrics::MetricsError) -> Error {
    match err {
        agentmeter_metrics::MetricsError::InvalidParams(message) => Error::BadRequest(message),
        other => Error::Internal(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JAN_2026: i64 = 1_767_225_600_000;
    const YEAR_MS: i64 = 365 * 86_400_000;

    #[test]
    fn berlin_is_whole_hours_from_utc_all_year_but_kolkata_and_lord_howe_are_not() {
        assert!(
            Offsets::over(chrono_tz::Europe::Berlin, JAN_2026, JAN_2026 + YEAR_MS).whole_hours()
        );
        assert!(
            !Offsets::over(chrono_tz::Asia::Kolkata, JAN_2026, JAN_2026 + YEAR_MS).whole_hours()
        );
        // Lord Howe is +10:30 in winter and +11 in summer: January alone is aligned, the year is not.
        assert!(Offsets::over(
            chrono_tz::Australia::Lord_Howe,
            JAN_2026,
            JAN_2026 + 20 * 86_400_000
        )
        .whole_hours());
        assert!(!Offsets::over(
            chrono_tz::Australia::Lord_Howe,
            JAN_2026,
            JAN_2026 + YEAR_MS
        )
        .whole_hours());
    }

    #[test]
    fn berlin_changes_offset_at_the_two_2026_transitions_and_days_follow_local_midnight() {
        let berlin = chrono_tz::Europe::Berlin;
        let march_29_0100_utc = 1_774_746_000_000;
        let october_25_0100_utc = 1_792_890_000_000;
        let year = Offsets::over(berlin, JAN_2026, JAN_2026 + YEAR_MS);
        assert_eq!(
            year,
            Offsets {
                first: 3_600_000,
                changes: vec![
                    (march_29_0100_utc, 7_200_000),
                    (october_25_0100_utc, 3_600_000)
                ]
            }
        );
        let january_1 = Offsets::over(berlin, JAN_2026, JAN_2026 + 86_400_000);
        assert_eq!(
            january_1,
            Offsets {
                first: 3_600_000,
                changes: vec![]
            }
        );
        assert_eq!(
            january_1.local_day_sql("hour"),
            "((hour + 3600000) / 86400000)"
        );
        // 23:00 UTC on 31 Dec 2025 is midnight in Berlin: local day 20454 (1 Jan 2026).
        let day = |ms: i64| (ms + offset_ms(berlin, ms)) / 86_400_000;
        assert_eq!(
            (day(JAN_2026 - 3_600_000), day(JAN_2026 - 3_600_001)),
            (20_454, 20_453)
        );
    }

    #[test]
    fn an_empty_scope_loads_nothing_and_everyone_needs_no_filter() {
        assert_eq!(scope_sql("user_id", Some(&[])), None);
        assert_eq!(scope_sql("user_id", None).as_deref(), Some(""));
        assert_eq!(
            scope_sql("user_id", Some(&[3, 7])).as_deref(),
            Some(" AND user_id IN (3, 7)")
        );
    }
}
