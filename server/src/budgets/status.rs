//! Each budget's figures for a month, from the report functions the API answers with: the spend
//! report of the budget's scope (the team's members, or everyone) for API-equivalent budgets, the
//! plans report for plan-spend budgets; the month-end forecast as of now for the month in progress.

use agentmeter_metrics::spend::SpendGroupBy;
use serde::Serialize;

use super::forecast::{plan_spend, BudgetFigures, MonthProgress};
use super::{Budget, BudgetBasis, Month};
use crate::analytics::params::SpendQuery;
use crate::analytics::{catalog, reports};
use crate::auth::Scope;
use crate::error::Result;
use crate::state::AppState;
use crate::store::accounts;

/// How one budget stands in one month.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct BudgetStatus {
    pub budget: Budget,
    pub month: Month,
    #[serde(flatten)]
    pub figures: BudgetFigures,
}

/// The developers a budget covers, as the API scopes a `team` filter (or no filter, for an admin).
pub async fn budget_scope(state: &AppState, budget: &Budget) -> Result<Scope> {
    Ok(match budget.team_id {
        None => Scope::Everyone,
        Some(team_id) => {
            let mut ids = accounts::team_member_ids(&state.db, team_id).await?;
            ids.sort_unstable();
            ids.dedup();
            Scope::Users(ids)
        }
    })
}

/// The status of each budget in `month`, in the order given.
pub async fn statuses(
    state: &AppState,
    month: Month,
    budgets: &[Budget],
) -> Result<Vec<BudgetStatus>> {
    let mut out = Vec::with_capacity(budgets.len());
    for budget in budgets {
        out.push(status(state, month, budget).await?);
    }
    Ok(out)
}

async fn status(state: &AppState, month: Month, budget: &Budget) -> Result<BudgetStatus> {
    let scope = budget_scope(state, budget).await?;
    let query = SpendQuery {
        range: month.range(),
        group_by: SpendGroupBy::Month,
        tool: None,
    };
    let spend = reports::spend(state, &scope, &query).await?;
    let label = month.to_string();
    let (actual, forecast) = match budget.basis {
        BudgetBasis::ApiEquivalent => {
            let actual = spend
                .months
                .iter()
                .find(|m| m.month == label)
                .map_or(0.0, |m| m.cost_usd);
            (actual, spend.forecast.as_ref().map(|f| f.forecast_cost_usd))
        }
        BudgetBasis::PlanSpend => {
            let (plans, catalog) = tokio::try_join!(
                reports::plans(state, &scope, month.range()),
                catalog::plan_rows(&state.db),
            )?;
            let lines: Vec<_> = plans.lines.iter().filter(|l| l.month == label).collect();
            let cost = plan_spend(&lines, &catalog);
            let forecast = spend
                .forecast
                .as_ref()
                .map(|f| cost.month_end_forecast(MonthProgress::from(f)));
            (cost.total_usd(), forecast)
        }
    };
    Ok(BudgetStatus {
        budget: budget.clone(),
        month,
        figures: BudgetFigures::new(budget.monthly_usd, actual, forecast),
    })
}
