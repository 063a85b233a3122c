//! Totals over the lines of a plans report: per team and month, and per month (the history).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::plans::PlanLine;
use crate::rows::{DeveloperRow, TeamRow};

/// A team's month: paid now vs recommended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TeamPlanTotal {
    pub team_id: i64,
    pub team: String,
    pub month: String,
    pub paid_now_usd: f64,
    pub recommended_usd: f64,
    pub monthly_saving_usd: f64,
}

/// A month's recommendations in total (the Plans page's history).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanMonthTotal {
    /// `2026-11`.
    pub month: String,
    /// Developers with a line in the month.
    pub developers: usize,
    pub api_cost_usd: f64,
    pub paid_now_usd: f64,
    pub recommended_usd: f64,
    /// Sum of the lines' savings.
    pub monthly_saving_usd: f64,
    /// Lines whose recommended plan differs from the current one.
    pub plan_changes: usize,
}

/// Each month's totals over its lines: the history of recommendations.
pub(crate) fn month_totals(lines: &[PlanLine]) -> Vec<PlanMonthTotal> {
    let mut totals: BTreeMap<&str, PlanMonthTotal> = BTreeMap::new();
    let mut developers: BTreeMap<&str, BTreeSet<i64>> = BTreeMap::new();
    for line in lines {
        let t = totals.entry(&line.month).or_insert_with(|| PlanMonthTotal {
            month: line.month.clone(),
            developers: 0,
            api_cost_usd: 0.0,
            paid_now_usd: 0.0,
            recommended_usd: 0.0,
            monthly_saving_usd: 0.0,
            plan_changes: 0,
        });
        t.api_cost_usd += line.api_cost_usd;
        t.paid_now_usd += line.current_cost_usd;
        t.recommended_usd += line.recommended_cost_usd;
        t.monthly_saving_usd += line.monthly_saving_usd;
        t.plan_changes += usize::from(line.recommended_plan_id != line.current_plan_id);
        developers
            .entry(&line.month)
            .or_default()
            .insert(line.user_id);
    }
    totals
        .into_values()
        .map(|mut t| {
            t.developers = developers.get(t.month.as_str()).map_or(0, BTreeSet::len);
            t
        })
        .collect()
}

pub(crate) fn team_totals(
    lines: &[PlanLine],
    developers: &[DeveloperRow],
    teams: &[TeamRow],
) -> Vec<TeamPlanTotal> {
    let mut totals: BTreeMap<(String, i64), (f64, f64)> = BTreeMap::new();
    for line in lines {
        let member_of = developers
            .iter()
            .find(|d| d.user_id == line.user_id)
            .map(|d| d.teams.as_slice())
            .unwrap_or_default();
        for team in member_of {
            let t = totals.entry((line.month.clone(), *team)).or_default();
            t.0 += line.current_cost_usd;
            t.1 += line.recommended_cost_usd;
        }
    }
    totals
        .into_iter()
        .map(|((month, team_id), (now, rec))| TeamPlanTotal {
            team_id,
            team: teams
                .iter()
                .find(|t| t.id == team_id)
                .map_or_else(|| format!("team {team_id}"), |t| t.name.clone()),
            month,
            paid_now_usd: now,
            recommended_usd: rec,
            monthly_saving_usd: now - rec,
        })
        .collect()
}
