//! The figures of a budget, as pure functions of the engine's reports (definitions in
//! docs/metrics.md, "Budgets and alerts"): what a month cost on the budget's basis, the month-end
//! forecast, and the shares of the budget they make.

use std::collections::HashMap;

use agentmeter_metrics::plans::PlanLine;
use agentmeter_metrics::rows::{PlanKind, PlanRow};
use agentmeter_metrics::spend::SpendForecast;
use serde::Serialize;

/// How far into its month the forecast is made: the engine's spend forecast says.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MonthProgress {
    /// Elapsed share of the month, in days (at least 1).
    pub elapsed_days: f64,
    pub days_in_month: i64,
}

impl From<&SpendForecast> for MonthProgress {
    fn from(forecast: &SpendForecast) -> MonthProgress {
        MonthProgress {
            elapsed_days: forecast.elapsed_days,
            days_in_month: forecast.days_in_month,
        }
    }
}

/// What a month costs on a budget's basis, split into the part fixed for the month (flat seat
/// prices, usage-based seat fees) and the part that grows with usage (API-equivalent cost).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct MonthCost {
    pub fixed_usd: f64,
    pub usage_usd: f64,
}

impl MonthCost {
    pub fn total_usd(&self) -> f64 {
        self.fixed_usd + self.usage_usd
    }

    /// Month-end forecast: the fixed part, plus the usage part so far extended at its average
    /// daily rate to the whole month: `fixed + usage / elapsed_days × days_in_month`.
    pub fn month_end_forecast(&self, progress: MonthProgress) -> f64 {
        self.fixed_usd + self.usage_usd / progress.elapsed_days * progress.days_in_month as f64
    }
}

/// API-equivalent cost: all of it grows with usage.
pub fn api_equivalent_cost(cost_usd: f64) -> MonthCost {
    MonthCost {
        fixed_usd: 0.0,
        usage_usd: cost_usd,
    }
}

/// Plan spend of one month's plan lines (the plans report's `current_cost_usd`, summed): a
/// flat plan's price is fixed; a usage-based plan's seat fee is fixed and its API-equivalent
/// cost grows; pay-as-you-go is all usage.
pub fn plan_spend(lines: &[&PlanLine], catalog: &[PlanRow]) -> MonthCost {
    let kinds: HashMap<i64, PlanKind> = catalog.iter().map(|p| (p.id, p.kind)).collect();
    let mut cost = MonthCost::default();
    for line in lines {
        let flat = line
            .current_plan_id
            .and_then(|id| kinds.get(&id))
            .is_some_and(|kind| *kind == PlanKind::Flat);
        let usage = if flat { 0.0 } else { line.api_cost_usd };
        cost.usage_usd += usage;
        cost.fixed_usd += line.current_cost_usd - usage;
    }
    cost
}

/// How a month stands against its budget.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct BudgetFigures {
    pub budget_usd: f64,
    pub actual_usd: f64,
    /// `actual / budget × 100`.
    pub actual_pct: f64,
    /// Month-end forecast; only for the month in progress.
    pub forecast_usd: Option<f64>,
    /// `forecast / budget × 100`.
    pub forecast_pct: Option<f64>,
}

impl BudgetFigures {
    pub fn new(budget_usd: f64, actual_usd: f64, forecast_usd: Option<f64>) -> BudgetFigures {
        let pct = |value: f64| value / budget_usd * 100.0;
        BudgetFigures {
            budget_usd,
            actual_usd,
            actual_pct: pct(actual_usd),
            forecast_usd,
            forecast_pct: forecast_usd.map(pct),
        }
    }

    /// Spent more than the budget.
    pub fn over(&self) -> bool {
        self.actual_pct > 100.0
    }

    /// Spent more than 80 % of it.
    pub fn above_80(&self) -> bool {
        self.actual_pct > 80.0
    }

    /// Heading for more than the budget by the month's end.
    pub fn forecast_over(&self) -> bool {
        self.forecast_pct.is_some_and(|pct| pct > 100.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentmeter_metrics::rows::Tool;

    fn plan(id: i64, kind: PlanKind, price: f64) -> PlanRow {
        PlanRow {
            id,
            vendor: "Anthropic".into(),
            name: format!("plan {id}"),
            kind,
            usd_per_seat_month: Some(price),
            limit_5h_usd: None,
            limit_week_usd: None,
            valid_from: None,
            valid_to: None,
            source: "test".into(),
        }
    }

    fn line(plan_id: Option<i64>, api_cost: f64, current_cost: f64) -> PlanLine {
        PlanLine {
            user_id: 1,
            name: "Ana".into(),
            month: "2026-11".into(),
            tool: Tool::ClaudeCode,
            vendor: "Anthropic".into(),
            api_cost_usd: api_cost,
            unknown_cost_events: 0,
            current_plan_id: plan_id,
            current_plan: String::new(),
            current_cost_usd: current_cost,
            windows: 0,
            window_p90_usd: None,
            window_max_usd: None,
            weeks: 0,
            week_p90_usd: None,
            recommended_plan_id: None,
            recommended_plan: String::new(),
            recommended_cost_usd: 0.0,
            monthly_saving_usd: 0.0,
            current_limit_exceeded: false,
            payg_would_save: false,
            seat_underused: false,
        }
    }

    #[test]
    fn api_equivalent_spend_is_extended_at_its_daily_rate() {
        // $300 in the first 10 of 30 days: $30 a day, $900 by the month's end.
        let progress = MonthProgress {
            elapsed_days: 10.0,
            days_in_month: 30,
        };
        let forecast = api_equivalent_cost(300.0).month_end_forecast(progress);
        assert!((forecast - 900.0).abs() < 1e-9, "{forecast}");
    }

    #[test]
    fn plan_spend_keeps_seat_prices_fixed_and_extends_usage_only() {
        // A flat $25 seat with $40 of use, a usage-based seat ($10 fee + $20 of use = $30), and
        // pay-as-you-go with $15 of use: paid $70 so far, of which $35 grows with usage.
        let catalog = [
            plan(1, PlanKind::Flat, 25.0),
            plan(2, PlanKind::UsageBased, 10.0),
        ];
        let lines = [
            line(Some(1), 40.0, 25.0),
            line(Some(2), 20.0, 30.0),
            line(None, 15.0, 15.0),
        ];
        let cost = plan_spend(&lines.iter().collect::<Vec<_>>(), &catalog);
        assert!((cost.fixed_usd - 35.0).abs() < 1e-9, "{cost:?}");
        assert!((cost.usage_usd - 35.0).abs() < 1e-9, "{cost:?}");
        assert!((cost.total_usd() - 70.0).abs() < 1e-9);
        // Seven of 28 days gone: $35 fixed + $35 × 4 = $175.
        let progress = MonthProgress {
            elapsed_days: 7.0,
            days_in_month: 28,
        };
        assert!((cost.month_end_forecast(progress) - 175.0).abs() < 1e-9);
    }

    #[test]
    fn the_thresholds_are_strictly_above_80_and_100_percent() {
        let at_80 = BudgetFigures::new(500.0, 400.0, None);
        assert!((at_80.actual_pct - 80.0).abs() < 1e-9);
        assert!(!at_80.above_80() && !at_80.over() && !at_80.forecast_over());
        let heading_over = BudgetFigures::new(500.0, 401.0, Some(600.0));
        assert!(heading_over.above_80() && !heading_over.over());
        assert_eq!(heading_over.forecast_pct, Some(120.0));
        assert!(heading_over.forecast_over());
        let over = BudgetFigures::new(500.0, 500.01, None);
        assert!(over.over());
    }
}
