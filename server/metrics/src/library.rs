//! Usage of the shared library's items (docs/metrics.md, section "Library"): uses per week,
//! users, installs, the tokens and cost of the sessions that used an item, and the items nobody
//! used for N weeks.
//!
//! A skill is used when the model calls it (a `Skill` call named `PLUGIN:SKILL`, as Claude Code
//! names the skills of an installed plugin). A hook is never called by the model: it runs on
//! every session of a machine that installed it, so a hook's uses are the sessions its
//! installers started after their first sync of it (and before it was withdrawn).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Days, NaiveDate};
use chrono_tz::Tz;
use serde::Serialize;

use crate::calendar::{date_of, day_number, local_date, week_of, DateRange};
use crate::error::Result;

/// An item of the library.
#[derive(Debug, Clone, PartialEq)]
pub struct LibraryItemRow {
    pub item_id: i64,
    pub is_hook: bool,
    /// The Skill names that count as a use of this skill (`PLUGIN:SKILL`).
    pub skill_names: Vec<String>,
    pub created_ms: i64,
    pub withdrawn_ms: Option<i64>,
}

/// Skill calls made in one model request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkillCallRow {
    pub user_id: i64,
    pub ts_ms: i64,
    /// The assistant session (tool and session id).
    pub session: String,
    pub skill: String,
    pub calls: u64,
}

/// One assistant session's totals.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRow {
    pub user_id: i64,
    pub session: String,
    pub first_ts_ms: i64,
    pub tokens: u64,
    /// Known cost only; `None` when no event of the session had a known price.
    pub cost_usd: Option<f64>,
    pub unknown_cost_events: u64,
}

/// A user's syncs of one version of an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallRow {
    pub user_id: i64,
    pub item_id: i64,
    pub version: i64,
    pub first_synced_ms: i64,
    pub last_synced_ms: i64,
}

/// One local week (labelled by its Monday).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeekUsage {
    pub week: NaiveDate,
    pub uses: u64,
    pub users: u64,
}

/// The figures of one item over a range.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemUsage {
    pub item_id: i64,
    pub uses: u64,
    pub users: u64,
    pub sessions: u64,
    pub tokens: u64,
    pub cost_usd: f64,
    pub unknown_cost_events: u64,
    /// Users who synced any version of the item.
    pub installs: u64,
    /// Per version, the users whose latest sync of the item brought that version.
    pub installs_by_version: BTreeMap<i64, u64>,
    pub weeks: Vec<WeekUsage>,
    pub last_used: Option<NaiveDate>,
    /// Existed for the whole of the last `unused_weeks` weeks up to `to`, and not used in them.
    pub unused: bool,
}

/// Everything the report reads.
pub struct LibraryInput<'a> {
    pub items: &'a [LibraryItemRow],
    pub skill_calls: &'a [SkillCallRow],
    pub sessions: &'a [SessionRow],
    pub installs: &'a [InstallRow],
    pub range: DateRange,
    pub tz: Tz,
    pub unused_weeks: u32,
}

/// A use of an item: who, when (local day number), in which session, how many calls.
struct Use<'a> {
    user_id: i64,
    day: i32,
    session: &'a str,
    count: u64,
}

/// The figures of every item, in the order of `input.items`.
pub fn library_usage(input: &LibraryInput<'_>) -> Result<Vec<ItemUsage>> {
    let (from, to) = (day_number(input.range.from), day_number(input.range.to));
    let sessions: HashMap<(i64, &str), &SessionRow> = input
        .sessions
        .iter()
        .map(|s| ((s.user_id, s.session.as_str()), s))
        .collect();
    let unused_from = to - 7 * i32::try_from(input.unused_weeks).unwrap_or(i32::MAX / 8) + 1;
    let mut report = Vec::with_capacity(input.items.len());
    for item in input.items {
        let uses = if item.is_hook {
            hook_uses(item, input)?
        } else {
            skill_uses(item, input)?
        };
        let in_range: Vec<&Use> = uses
            .iter()
            .filter(|u| (from..=to).contains(&u.day))
            .collect();
        let used_sessions: BTreeSet<(i64, &str)> =
            in_range.iter().map(|u| (u.user_id, u.session)).collect();
        let totals: Vec<&SessionRow> = used_sessions
            .iter()
            .filter_map(|key| sessions.get(key).copied())
            .collect();
        let created_day = day_number(local_date(item.created_ms, input.tz)?);
        report.push(ItemUsage {
            item_id: item.item_id,
            uses: in_range.iter().map(|u| u.count).sum(),
            users: distinct(in_range.iter().map(|u| u.user_id)),
            sessions: used_sessions.len() as u64,
            tokens: totals.iter().map(|s| s.tokens).sum(),
            cost_usd: totals.iter().filter_map(|s| s.cost_usd).sum(),
            unknown_cost_events: totals.iter().map(|s| s.unknown_cost_events).sum(),
            installs: distinct(
                input
                    .installs
                    .iter()
                    .filter(|i| i.item_id == item.item_id)
                    .map(|i| i.user_id),
            ),
            installs_by_version: installs_by_version(item.item_id, input.installs),
            weeks: weeks(&in_range, from, to)?,
            last_used: in_range
                .iter()
                .map(|u| u.day)
                .max()
                .map(date_of)
                .transpose()?,
            unused: created_day < unused_from
                && item.withdrawn_ms.is_none()
                && !uses.iter().any(|u| (unused_from..=to).contains(&u.day)),
        });
    }
    Ok(report)
}

fn distinct(ids: impl Iterator<Item = i64>) -> u64 {
    ids.collect::<BTreeSet<_>>().len() as u64
}

fn skill_uses<'a>(item: &LibraryItemRow, input: &'a LibraryInput<'_>) -> Result<Vec<Use<'a>>> {
    input
        .skill_calls
        .iter()
        .filter(|c| item.skill_names.contains(&c.skill))
        .map(|c| {
            Ok(Use {
                user_id: c.user_id,
                day: day_number(local_date(c.ts_ms, input.tz)?),
                session: c.session.as_str(),
                count: c.calls,
            })
        })
        .collect()
}

fn hook_uses<'a>(item: &LibraryItemRow, input: &'a LibraryInput<'_>) -> Result<Vec<Use<'a>>> {
    let mut first_sync: HashMap<i64, i64> = HashMap::new();
    for install in input.installs.iter().filter(|i| i.item_id == item.item_id) {
        let first = first_sync.entry(install.user_id).or_insert(i64::MAX);
        *first = (*first).min(install.first_synced_ms);
    }
    input
        .sessions
        .iter()
        .filter(|s| {
            first_sync
                .get(&s.user_id)
                .is_some_and(|first| s.first_ts_ms >= *first)
                && item.withdrawn_ms.is_none_or(|w| s.first_ts_ms < w)
        })
        .map(|s| {
            Ok(Use {
                user_id: s.user_id,
                day: day_number(local_date(s.first_ts_ms, input.tz)?),
                session: s.session.as_str(),
                count: 1,
            })
        })
        .collect()
}

fn installs_by_version(item_id: i64, installs: &[InstallRow]) -> BTreeMap<i64, u64> {
    let mut latest: HashMap<i64, &InstallRow> = HashMap::new();
    for install in installs.iter().filter(|i| i.item_id == item_id) {
        let entry = latest.entry(install.user_id).or_insert(install);
        if (install.last_synced_ms, install.version) > (entry.last_synced_ms, entry.version) {
            *entry = install;
        }
    }
    let mut by_version = BTreeMap::new();
    for install in latest.values() {
        *by_version.entry(install.version).or_insert(0) += 1;
    }
    by_version
}

/// Every week the range touches, with its uses and distinct users.
fn weeks(uses: &[&Use], from: i32, to: i32) -> Result<Vec<WeekUsage>> {
    let mut out = Vec::new();
    let mut week = week_of(from);
    while week <= to {
        let of_week: Vec<&&Use> = uses.iter().filter(|u| week_of(u.day) == week).collect();
        out.push(WeekUsage {
            week: date_of(week)?,
            uses: of_week.iter().map(|u| u.count).sum(),
            users: distinct(of_week.iter().map(|u| u.user_id)),
        });
        week += 7;
    }
    Ok(out)
}

/// The default range of the library's figures: the `weeks` whole local weeks ending with the
/// week of `today`.
pub fn default_range(today: NaiveDate, weeks: u32) -> Result<DateRange> {
    let monday = date_of(week_of(day_number(today)))?;
    let from = monday
        .checked_sub_days(Days::new(7 * u64::from(weeks.max(1) - 1)))
        .unwrap_or(monday);
    DateRange::new(from, today)
}

#[cfg(test)]
#[path = "tests/library.rs"]
mod tests;
