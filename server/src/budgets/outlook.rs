//! This month's cost outlook for what a page shows (the overview's first row, the spend page's
//! budget line): paid for plans this month and last, the API-equivalent value, the possible
//! saving, and the budgets of the view with their month-end forecast. All from the report
//! functions the API answers with, for the page's scope.

use agentmeter_metrics::spend::{SpendGroupBy, SpendReport};
use chrono::Utc;

use super::forecast::{plan_spend, MonthProgress};
use super::{list, statuses, Budget, BudgetStatus, Month};
use crate::analytics::params::SpendQuery;
use crate::analytics::{catalog, reports};
use crate::auth::{CurrentUser, Scope};
use crate::error::Result;
use crate::state::AppState;

/// The figures of the outlook.
#[derive(Debug, Clone, PartialEq)]
pub struct CostOutlook {
    pub month: Month,
    /// Σ `current_cost_usd` of the plans lines of this month, and of last month.
    pub paid_usd: f64,
    pub paid_last_month_usd: f64,
    /// Month-end forecast of what is paid (the plan-spend forecast, docs/metrics.md); none
    /// before one full day of the month has passed.
    pub paid_forecast_usd: Option<f64>,
    /// The spend report's cost of this month so far.
    pub api_equivalent_usd: f64,
    /// Σ `monthly_saving_usd` and Σ `recommended_cost_usd` of this month's lines.
    pub possible_saving_usd: f64,
    pub recommended_usd: f64,
    /// The budgets of the view, this month.
    pub budgets: Vec<BudgetStatus>,
}

/// The budgets a page's view covers: the team chosen in its filter, else the organisation's for
/// an admin, else the teams a manager manages.
pub async fn budgets_in_view(
    state: &AppState,
    user: &CurrentUser,
    team: Option<&str>,
) -> Result<Vec<Budget>> {
    let managed = user.managed_team_ids();
    Ok(list(&state.db)
        .await?
        .into_iter()
        .filter(|b| match (team, b.team.as_deref()) {
            (Some(chosen), Some(name)) => chosen == name,
            (Some(_), None) => false,
            (None, None) => user.is_admin(),
            (None, Some(_)) => !user.is_admin() && b.team_id.is_some_and(|t| managed.contains(&t)),
        })
        .collect())
}

/// The outlook of `scope` this month (org time zone), with the budgets of the view.
pub async fn this_month(
    state: &AppState,
    user: &CurrentUser,
    scope: &Scope,
    team: Option<&str>,
) -> Result<CostOutlook> {
    let month = Month::at(Utc::now(), state.org_tz);
    let label = month.to_string();
    let query = SpendQuery {
        range: month.range(),
        group_by: SpendGroupBy::Month,
        tool: None,
    };
    let (plans, plans_before, spend, budgets, catalog) = tokio::try_join!(
        reports::plans(state, scope, month.range()),
        reports::plans(state, scope, month.previous().range()),
        reports::spend(state, scope, &query),
        budgets_in_view(state, user, team),
        catalog::plan_rows(&state.db),
    )?;
    let lines: Vec<_> = plans.lines.iter().filter(|l| l.month == label).collect();
    let before = month.previous().to_string();
    let paid = plan_spend(&lines, &catalog);
    Ok(CostOutlook {
        month,
        paid_usd: lines.iter().map(|l| l.current_cost_usd).sum(),
        paid_forecast_usd: spend
            .forecast
            .as_ref()
            .map(|f| paid.month_end_forecast(MonthProgress::from(f))),
        paid_last_month_usd: plans_before
            .lines
            .iter()
            .filter(|l| l.month == before)
            .map(|l| l.current_cost_usd)
            .sum(),
        api_equivalent_usd: spend
            .months
            .iter()
            .find(|m| m.month == label)
            .map_or(0.0, |m| m.cost_usd),
        possible_saving_usd: lines.iter().map(|l| l.monthly_saving_usd).sum(),
        recommended_usd: lines.iter().map(|l| l.recommended_cost_usd).sum(),
        budgets: statuses(state, month, &budgets).await?,
    })
}

/// This month's API-equivalent cost of `scope` per day so far, with the spend report's month-end
/// forecast: the spend page's month chart.
pub async fn days_this_month(state: &AppState, scope: &Scope) -> Result<SpendReport> {
    let month = Month::at(Utc::now(), state.org_tz);
    let query = SpendQuery {
        range: month.range(),
        group_by: SpendGroupBy::Day,
        tool: None,
    };
    reports::spend(state, scope, &query).await
}
