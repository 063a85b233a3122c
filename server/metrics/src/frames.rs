//! Turning input rows into polars frames.
//!
//! Strings that repeat on every usage row (model, project, repository, session) are interned into
//! `u32` ids; the frame holds only numbers and [`UsageLabels`] maps ids back to names. Local
//! day/week/month buckets are computed here with chrono-tz (see [`crate::calendar`]).

use std::collections::HashMap;

use chrono_tz::Tz;
use polars::prelude::*;

use crate::calendar::{day_number, local_date, month_index, week_of};
use crate::error::Result;
use crate::rows::{tool_code, CommitRow, DeveloperRow, PullRequestRow, ReviewOutcome, UsageRow};

/// Label shown for a missing project or repository.
pub const NONE_LABEL: &str = "(none)";

/// Names behind the interned ids of a usage frame.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UsageLabels {
    /// `model` id -> model name.
    pub models: Vec<String>,
    /// `project` id -> project (id 0 is [`NONE_LABEL`]).
    pub projects: Vec<String>,
    /// `repository` id -> repository (id 0 is [`NONE_LABEL`]).
    pub repositories: Vec<String>,
}

/// A usage frame and its labels.
///
/// Columns: `user_id` i64, `ts_ms` i64, `day`/`week`/`month` i32 (local, see [`crate::calendar`]),
/// `tool` u32 (0 claude-code, 1 codex), `model`/`project`/`repository`/`session` u32 ids, `events`,
/// `input_tokens`, `output_tokens`, `cache_write_tokens`, `cache_read_tokens`, `tokens` i64,
/// `cost_usd` f64 (null = unknown price), `edits`, `edits_unreviewed` i64.
#[derive(Debug, Clone)]
pub struct UsageFrame {
    /// The frame.
    pub df: DataFrame,
    /// Names of the interned ids.
    pub labels: UsageLabels,
}

struct Interner<'a> {
    ids: HashMap<&'a str, u32>,
    names: Vec<String>,
}

impl<'a> Interner<'a> {
    fn new(reserved: Option<&str>) -> Self {
        Self {
            ids: HashMap::new(),
            names: reserved.map(str::to_owned).into_iter().collect(),
        }
    }

    fn id(&mut self, name: &'a str) -> u32 {
        let next = self.names.len() as u32;
        *self.ids.entry(name).or_insert_with(|| {
            self.names.push(name.to_owned());
            next
        })
    }

    fn optional_id(&mut self, name: Option<&'a str>) -> u32 {
        name.map_or(0, |n| self.id(n))
    }
}

/// A model id without the release date its vendor may append (`claude-sonnet-4-5-20250929`,
/// `gpt-4.1-2025-04-14`): logs name one model both ways, and people read them as one model.
/// Families stay apart (`claude-sonnet-4` is not `claude-sonnet-4-5`).
pub fn undated_model(id: &str) -> &str {
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let bytes = id.as_bytes();
    let compact = id.len() > 9 && bytes[id.len() - 9] == b'-' && digits(&id[id.len() - 8..]);
    if compact {
        return &id[..id.len() - 9];
    }
    let dashed = id.len() > 11
        && bytes[id.len() - 11] == b'-'
        && digits(&id[id.len() - 10..id.len() - 6])
        && bytes[id.len() - 6] == b'-'
        && digits(&id[id.len() - 5..id.len() - 3])
        && bytes[id.len() - 3] == b'-'
        && digits(&id[id.len() - 2..]);
    if dashed {
        return &id[..id.len() - 11];
    }
    id
}

/// Builds the usage frame, bucketing each row into its local day, week and month in `tz`.
/// Models are labelled by [`undated_model`].
pub fn usage_frame(rows: &[UsageRow], tz: Tz) -> Result<UsageFrame> {
    let (mut models, mut projects, mut repos) = (
        Interner::new(None),
        Interner::new(Some(NONE_LABEL)),
        Interner::new(Some(NONE_LABEL)),
    );
    let mut sessions: HashMap<&str, u32> = HashMap::new();
    let n = rows.len();
    let (mut day, mut week, mut month) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let (mut model, mut project, mut repo, mut session, mut tool) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for row in rows {
        let date = local_date(row.ts_utc_ms, tz)?;
        let d = day_number(date);
        day.push(d);
        week.push(week_of(d));
        month.push(month_index(date));
        tool.push(tool_code(row.tool));
        model.push(models.id(undated_model(&row.model)));
        project.push(projects.optional_id(row.project.as_deref()));
        repo.push(repos.optional_id(row.repository.as_deref()));
        let next = sessions.len() as u32;
        session.push(*sessions.entry(row.session_id.as_str()).or_insert(next));
    }
    let int = |name: &str, f: fn(&UsageRow) -> i64| {
        Column::new(name.into(), rows.iter().map(f).collect::<Vec<i64>>())
    };
    let df = DataFrame::new(
        n,
        vec![
            int("user_id", |r| r.user_id),
            int("ts_ms", |r| r.ts_utc_ms),
            Column::new("day".into(), day),
            Column::new("week".into(), week),
            Column::new("month".into(), month),
            Column::new("tool".into(), tool),
            Column::new("model".into(), model),
            Column::new("project".into(), project),
            Column::new("repository".into(), repo),
            Column::new("session".into(), session),
            int("events", |r| r.events),
            int("input_tokens", |r| r.input_tokens),
            int("output_tokens", |r| r.output_tokens),
            int("cache_write_tokens", |r| r.cache_write_tokens),
            int("cache_read_tokens", |r| r.cache_read_tokens),
            int("tokens", |r| {
                r.input_tokens + r.output_tokens + r.cache_write_tokens + r.cache_read_tokens
            }),
            Column::new(
                "cost_usd".into(),
                rows.iter()
                    .map(|r| r.cost_usd)
                    .collect::<Vec<Option<f64>>>(),
            ),
            int("edits", |r| r.edits),
            int("edits_unreviewed", |r| r.edits_unreviewed),
        ],
    )?;
    let labels = UsageLabels {
        models: models.names,
        projects: projects.names,
        repositories: repos.names,
    };
    Ok(UsageFrame { df, labels })
}

/// One row per (developer, team) membership: `user_id`, `team_id` (i64).
pub fn membership_frame(developers: &[DeveloperRow]) -> Result<DataFrame> {
    let pairs: Vec<(i64, i64)> = developers
        .iter()
        .flat_map(|d| d.teams.iter().map(move |t| (d.user_id, *t)))
        .collect();
    Ok(DataFrame::new(
        pairs.len(),
        vec![
            Column::new(
                "user_id".into(),
                pairs.iter().map(|p| p.0).collect::<Vec<i64>>(),
            ),
            Column::new(
                "team_id".into(),
                pairs.iter().map(|p| p.1).collect::<Vec<i64>>(),
            ),
        ],
    )?)
}

/// Pull requests: `row` u32 (index into the input slice), `author` i64?, `repository` str,
/// `created_ms` i64, `merged_ms` i64?, `merged_day` i32? (local), `first_review_ms` i64?,
/// `classified`/`unreviewed`/`rubber_stamped`/`ai`/`critical` bool, `lines_added`, `lines_removed` i64.
pub fn pull_request_frame(prs: &[PullRequestRow], tz: Tz) -> Result<DataFrame> {
    let merged_day = prs
        .iter()
        .map(|p| {
            p.merged_at
                .map(|m| local_date(m.timestamp_millis(), tz).map(day_number))
                .transpose()
        })
        .collect::<Result<Vec<Option<i32>>>>()?;
    let flag = |name: &str, f: &dyn Fn(&PullRequestRow) -> bool| {
        Column::new(name.into(), prs.iter().map(f).collect::<Vec<bool>>())
    };
    Ok(DataFrame::new(
        prs.len(),
        vec![
            Column::new("row".into(), (0..prs.len() as u32).collect::<Vec<u32>>()),
            Column::new(
                "author".into(),
                prs.iter().map(|p| p.author_user_id).collect::<Vec<_>>(),
            ),
            Column::new(
                "repository".into(),
                prs.iter()
                    .map(|p| p.repository.as_str())
                    .collect::<Vec<&str>>(),
            ),
            Column::new(
                "created_ms".into(),
                prs.iter()
                    .map(|p| p.created_at.timestamp_millis())
                    .collect::<Vec<i64>>(),
            ),
            Column::new(
                "merged_ms".into(),
                prs.iter()
                    .map(|p| p.merged_at.map(|m| m.timestamp_millis()))
                    .collect::<Vec<_>>(),
            ),
            Column::new("merged_day".into(), merged_day),
            Column::new(
                "first_review_ms".into(),
                prs.iter()
                    .map(|p| p.first_review_at.map(|m| m.timestamp_millis()))
                    .collect::<Vec<_>>(),
            ),
            flag("classified", &|p| p.outcome.is_some()),
            flag("unreviewed", &|p| {
                p.outcome == Some(ReviewOutcome::Unreviewed)
            }),
            flag("rubber_stamped", &|p| {
                p.outcome == Some(ReviewOutcome::RubberStamped)
            }),
            flag("ai", &|p| p.ai_assisted),
            flag("critical", &|p| p.critical),
            Column::new(
                "lines_added".into(),
                prs.iter().map(|p| p.lines_added).collect::<Vec<i64>>(),
            ),
            Column::new(
                "lines_removed".into(),
                prs.iter().map(|p| p.lines_removed).collect::<Vec<i64>>(),
            ),
        ],
    )?)
}

/// Commits: `author` i64?, `ts_ms` i64, `test_lines` and `all_lines` i64 (added + removed).
pub fn commit_frame(commits: &[CommitRow]) -> Result<DataFrame> {
    Ok(DataFrame::new(
        commits.len(),
        vec![
            Column::new(
                "author".into(),
                commits.iter().map(|c| c.author_user_id).collect::<Vec<_>>(),
            ),
            Column::new(
                "ts_ms".into(),
                commits
                    .iter()
                    .map(|c| c.ts.timestamp_millis())
                    .collect::<Vec<i64>>(),
            ),
            Column::new(
                "test_lines".into(),
                commits
                    .iter()
                    .map(|c| c.lines_added_test + c.lines_removed_test)
                    .collect::<Vec<i64>>(),
            ),
            Column::new(
                "all_lines".into(),
                commits
                    .iter()
                    .map(|c| {
                        c.lines_added_test
                            + c.lines_removed_test
                            + c.lines_added_nontest
                            + c.lines_removed_nontest
                    })
                    .collect::<Vec<i64>>(),
            ),
        ],
    )?)
}

/// The values of an integer column of a collected frame (nulls read as 0).
pub(crate) fn i64_values(df: &DataFrame, name: &str) -> Result<Vec<i64>> {
    let column = df.column(name)?.cast(&DataType::Int64)?;
    Ok(column.i64()?.iter().map(|v| v.unwrap_or(0)).collect())
}

/// The values of a float column of a collected frame (nulls kept).
pub(crate) fn f64_options(df: &DataFrame, name: &str) -> Result<Vec<Option<f64>>> {
    let column = df.column(name)?.cast(&DataType::Float64)?;
    Ok(column.f64()?.iter().collect())
}

/// The values of a float column of a collected frame (nulls read as 0).
pub(crate) fn f64_values(df: &DataFrame, name: &str) -> Result<Vec<f64>> {
    Ok(f64_options(df, name)?
        .into_iter()
        .map(|v| v.unwrap_or(0.0))
        .collect())
}
