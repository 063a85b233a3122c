//! Loaders: database rows in the caller's scope -> the engine's input rows.
//!
//! Usage comes from the hourly rollup (`usage_hourly`), summed further in SQL over the dimensions
//! a report does not need; every figure stays exact because the engine only sums. When the
//! organisation's time zone is not a whole number of hours from UTC (India, Nepal, Lord Howe in
//! summer...), a UTC hour straddles two local days and the raw events are read instead.

use std::collections::HashMap;

use agentmeter_metrics::calendar::{local_midnight_utc_ms, DateRange};
use agentmeter_metrics::rows::{DeveloperRow, TeamRow, Tool, UsageRow};
use chrono::{Offset, TimeZone};
use chrono_tz::Tz;

use crate::auth::Scope;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::store::reports::{self, TimeBucket, UsageSelection};

pub use crate::store::reports::Dims;

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

/// The developers a report covers: users in scope who have the developer role, use an assistant
/// or hold a seat (so admins and managers who never code are not counted as "not started").
pub async fn developers(db: &Db, scope: &Scope) -> Result<Vec<DeveloperRow>> {
    if scope.user_ids().is_some_and(<[i64]>::is_empty) {
        return Ok(Vec::new());
    }
    let mut developers: Vec<DeveloperRow> = reports::developers(db, scope.user_ids())
        .await?
        .into_iter()
        .map(|d| DeveloperRow {
            user_id: d.id,
            name: d.name,
            email: d.email,
            teams: Vec::new(),
            plans: Vec::new(),
        })
        .collect();
    let index: HashMap<i64, usize> = developers
        .iter()
        .enumerate()
        .map(|(i, d)| (d.user_id, i))
        .collect();
    for membership in reports::memberships(db).await? {
        if let Some(&i) = index.get(&membership.user_id) {
            developers[i].teams.push(membership.team_id);
        }
    }
    for seat in reports::seat_plans(db).await? {
        if let Some(&i) = index.get(&seat.user_id) {
            developers[i].plans.push(seat.plan_id);
        }
    }
    Ok(developers)
}

/// Every team (names for labels; membership comes with the developers).
pub async fn teams(db: &Db) -> Result<Vec<TeamRow>> {
    Ok(reports::teams(db)
        .await?
        .into_iter()
        .map(|t| TeamRow {
            id: t.id,
            name: t.name,
        })
        .collect())
}

/// Usage of the developers in `user_ids` (all when `None`) in `[from_ms, to_ms)`, summed per
/// user, hour (or local day), tool, price-known flag and the requested dimensions.
pub async fn usage(
    db: &Db,
    tz: Tz,
    user_ids: Option<&[i64]>,
    from_ms: i64,
    to_ms: i64,
    dims: Dims,
    grain: Grain,
) -> Result<Vec<UsageRow>> {
    let offsets = Offsets::over(tz, from_ms, to_ms);
    let selection = UsageSelection {
        user_ids,
        from_ms,
        to_ms,
        dims,
        bucket: match grain {
            Grain::Hour => TimeBucket::Hour,
            Grain::Day => TimeBucket::LocalDay {
                first_offset_ms: offsets.first,
                changes: &offsets.changes,
            },
        },
        raw_events: !offsets.whole_hours(),
    };
    let rows = reports::usage(db, &selection).await?;
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
                cost_usd: row.priced.then(|| row.cost_usd.unwrap_or(0.0)),
                edits: row.edits,
                edits_unreviewed: row.edits_unreviewed,
            })
        })
        .collect())
}

/// One usage row per developer at the exact time of their first event before `end_ms`: all the
/// productivity report needs from usage.
pub async fn first_uses(db: &Db, user_ids: Option<&[i64]>, end_ms: i64) -> Result<Vec<UsageRow>> {
    Ok(reports::first_uses(db, user_ids, end_ms)
        .await?
        .into_iter()
        .map(|first| UsageRow {
            user_id: first.user_id,
            ts_utc_ms: first.first_ts,
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
        .collect())
}

/// When PR and commit history starts: the earliest PR opened or commit authored (reads the
/// reviews collector's tables), `None` when there is none.
pub async fn history_start_ms(db: &Db) -> Result<Option<i64>> {
    let start = reports::history_start(db).await?;
    Ok(start.first_pr.into_iter().chain(start.first_commit).min())
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
}

/// The UTC instants `[start, end)` of a range of local days.
pub fn utc_bounds(range: DateRange, tz: Tz) -> Result<(i64, i64)> {
    let after = range
        .to
        .succ_opt()
        .ok_or_else(|| Error::BadRequest(format!("to {} is out of range", range.to)))?;
    Ok((
        local_midnight_utc_ms(range.from, tz)?,
        local_midnight_utc_ms(after, tz)?,
    ))
}

/// The engine's error as the API's: kept for callers written before `Error` took the engine's
/// errors with `?` (`From<MetricsError>`).
pub fn engine_error(err: agentmeter_metrics::MetricsError) -> Error {
    Error::from(err)
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
        // 23:00 UTC on 31 Dec 2025 is midnight in Berlin: local day 20454 (1 Jan 2026).
        let day = |ms: i64| (ms + offset_ms(berlin, ms)) / 86_400_000;
        assert_eq!(
            (day(JAN_2026 - 3_600_000), day(JAN_2026 - 3_600_001)),
            (20_454, 20_453)
        );
    }
}
