//! Assistant activity: lines of code the assistant added and removed, edit acceptance (accept vs
//! reject decisions per tool), active time and the API error rate (definitions in
//! docs/metrics.md, section "Assistant activity").
//!
//! Figures come from Claude Code's own telemetry and from the log uploader's transcripts. A
//! session that sent telemetry for a kind of figure (lines, or edit decisions) is counted from
//! telemetry alone for that kind, so a session seen both ways counts once.

use std::collections::HashMap;

use chrono::NaiveDate;
use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::calendar::DateRange;
use crate::error::Result;
use crate::frames::{f64_values, i64_values};
use crate::rows::DeveloperRow;

/// What a [`SessionActivity`] counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Figure {
    LinesAdded,
    LinesRemoved,
    EditAccepted,
    EditRejected,
    ActiveSeconds,
    ApiRequests,
    ApiErrors,
}

impl Figure {
    const ALL: [Figure; 7] = [
        Figure::LinesAdded,
        Figure::LinesRemoved,
        Figure::EditAccepted,
        Figure::EditRejected,
        Figure::ActiveSeconds,
        Figure::ApiRequests,
        Figure::ApiErrors,
    ];

    fn code(self) -> u32 {
        self as u32
    }

    fn of_code(code: i64) -> Option<Figure> {
        Figure::ALL
            .into_iter()
            .find(|f| i64::from(f.code()) == code)
    }

    /// Figures of one family come from one source per session.
    fn family(self) -> u32 {
        match self {
            Figure::LinesAdded | Figure::LinesRemoved => 0,
            Figure::EditAccepted | Figure::EditRejected => 1,
            Figure::ActiveSeconds => 2,
            Figure::ApiRequests | Figure::ApiErrors => 3,
        }
    }
}

/// A sum over one session of one developer, from one source, in the report's range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SessionActivity {
    pub user_id: i64,
    pub session_id: String,
    /// From Claude Code's telemetry (else from the log uploader).
    pub from_telemetry: bool,
    pub figure: Figure,
    /// The edit tool, for edit decisions.
    pub tool: Option<String>,
    pub value: f64,
}

/// The figures of one developer, or of everyone.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ActivityFigures {
    pub lines_added: i64,
    pub lines_removed: i64,
    pub edits_accepted: i64,
    pub edits_rejected: i64,
    /// `accepted / (accepted + rejected) × 100`; `None` without decisions.
    pub edit_acceptance_pct: Option<f64>,
    pub active_hours: f64,
    pub api_requests: i64,
    pub api_errors: i64,
    /// `errors / (requests + errors) × 100`; `None` without telemetry API events.
    pub api_error_rate_pct: Option<f64>,
}

impl ActivityFigures {
    fn from_sums(sums: &HashMap<Figure, f64>) -> ActivityFigures {
        let get = |f: Figure| sums.get(&f).copied().unwrap_or(0.0);
        let count = |f: Figure| get(f).round() as i64;
        let (accepted, rejected) = (count(Figure::EditAccepted), count(Figure::EditRejected));
        let (requests, errors) = (count(Figure::ApiRequests), count(Figure::ApiErrors));
        ActivityFigures {
            lines_added: count(Figure::LinesAdded),
            lines_removed: count(Figure::LinesRemoved),
            edits_accepted: accepted,
            edits_rejected: rejected,
            edit_acceptance_pct: percent(accepted, accepted + rejected),
            active_hours: get(Figure::ActiveSeconds) / 3600.0,
            api_requests: requests,
            api_errors: errors,
            api_error_rate_pct: percent(errors, requests + errors),
        }
    }
}

fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64 * 100.0)
}

/// One developer's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeveloperActivity {
    pub user_id: i64,
    pub name: String,
    #[serde(flatten)]
    pub figures: ActivityFigures,
}

/// Edit decisions of one tool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ToolDecisions {
    pub tool: String,
    pub accepted: i64,
    pub rejected: i64,
    pub acceptance_pct: Option<f64>,
}

/// The `/api/v1/metrics/activity` report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ActivityReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub total: ActivityFigures,
    pub per_developer: Vec<DeveloperActivity>,
    pub per_tool: Vec<ToolDecisions>,
}

/// The activity of `developers` over `range`, from the per-session sums of that range (sums of
/// other users are left out).
pub fn activity_report(
    sums: &[SessionActivity],
    developers: &[DeveloperRow],
    range: &DateRange,
) -> Result<ActivityReport> {
    let listed: Vec<&SessionActivity> = sums
        .iter()
        .filter(|s| developers.iter().any(|d| d.user_id == s.user_id))
        .collect();
    let (frame, tools) = counted_frame(&listed)?;
    let per_user = frame
        .clone()
        .group_by([col("user_id"), col("figure")])
        .agg([col("value").sum()])
        .collect()?;
    let mut by_user: HashMap<i64, HashMap<Figure, f64>> = HashMap::new();
    let mut total: HashMap<Figure, f64> = HashMap::new();
    for ((user, code), value) in i64_values(&per_user, "user_id")?
        .into_iter()
        .zip(i64_values(&per_user, "figure")?)
        .zip(f64_values(&per_user, "value")?)
    {
        if let Some(figure) = Figure::of_code(code) {
            *by_user.entry(user).or_default().entry(figure).or_default() += value;
            *total.entry(figure).or_default() += value;
        }
    }
    let per_developer = developers
        .iter()
        .map(|d| DeveloperActivity {
            user_id: d.user_id,
            name: d.name.clone(),
            figures: ActivityFigures::from_sums(&by_user.remove(&d.user_id).unwrap_or_default()),
        })
        .collect();
    Ok(ActivityReport {
        from: range.from,
        to: range.to,
        total: ActivityFigures::from_sums(&total),
        per_developer,
        per_tool: per_tool(frame, &tools)?,
    })
}

/// The sums that count: per (developer, session, family), telemetry's if it sent any; with the
/// names of the tool ids (id `i + 1` is `tools[i]`, 0 is none).
fn counted_frame(sums: &[&SessionActivity]) -> Result<(LazyFrame, Vec<String>)> {
    let mut sessions: HashMap<(i64, &str), u32> = HashMap::new();
    let mut tools: Vec<String> = Vec::new();
    let mut session_ids = Vec::with_capacity(sums.len());
    let mut tool_ids = Vec::with_capacity(sums.len());
    for s in sums {
        let next = sessions.len() as u32;
        session_ids.push(
            *sessions
                .entry((s.user_id, s.session_id.as_str()))
                .or_insert(next),
        );
        tool_ids.push(match s.tool.as_deref() {
            Some(tool) => match tools.iter().position(|t| t == tool) {
                Some(i) => i as u32 + 1,
                None => {
                    tools.push(tool.to_owned());
                    tools.len() as u32
                }
            },
            None => 0,
        });
    }
    let df = DataFrame::new(
        sums.len(),
        vec![
            Column::new(
                "user_id".into(),
                sums.iter().map(|s| s.user_id).collect::<Vec<_>>(),
            ),
            Column::new("session".into(), session_ids),
            Column::new(
                "telemetry".into(),
                sums.iter().map(|s| s.from_telemetry).collect::<Vec<_>>(),
            ),
            Column::new(
                "figure".into(),
                sums.iter().map(|s| s.figure.code()).collect::<Vec<_>>(),
            ),
            Column::new(
                "family".into(),
                sums.iter().map(|s| s.figure.family()).collect::<Vec<_>>(),
            ),
            Column::new("tool".into(), tool_ids),
            Column::new(
                "value".into(),
                sums.iter().map(|s| s.value).collect::<Vec<_>>(),
            ),
        ],
    )?;
    let from_telemetry_where_sent = col("telemetry")
        .max()
        .over([col("session"), col("family")])?;
    let counted = df
        .lazy()
        .filter(col("telemetry").eq(from_telemetry_where_sent));
    Ok((counted, tools))
}

/// Accepted and rejected edits per tool.
fn per_tool(frame: LazyFrame, tools: &[String]) -> Result<Vec<ToolDecisions>> {
    let decisions = frame
        .filter(col("tool").gt(lit(0u32)))
        .group_by([col("tool"), col("figure")])
        .agg([col("value").sum()])
        .collect()?;
    let mut counts: Vec<(i64, i64)> = vec![(0, 0); tools.len()];
    for ((tool, code), value) in i64_values(&decisions, "tool")?
        .into_iter()
        .zip(i64_values(&decisions, "figure")?)
        .zip(f64_values(&decisions, "value")?)
    {
        let Some(slot) = usize::try_from(tool - 1)
            .ok()
            .and_then(|i| counts.get_mut(i))
        else {
            continue;
        };
        match Figure::of_code(code) {
            Some(Figure::EditAccepted) => slot.0 += value.round() as i64,
            Some(Figure::EditRejected) => slot.1 += value.round() as i64,
            _ => {}
        }
    }
    let mut per_tool: Vec<ToolDecisions> = tools
        .iter()
        .zip(counts)
        .filter(|(_, (accepted, rejected))| accepted + rejected > 0)
        .map(|(tool, (accepted, rejected))| ToolDecisions {
            tool: tool.clone(),
            accepted,
            rejected,
            acceptance_pct: percent(accepted, accepted + rejected),
        })
        .collect();
    per_tool.sort_by(|a, b| a.tool.cmp(&b.tool));
    Ok(per_tool)
}

#[cfg(test)]
mod tests;
