//! This month's cost outlook on the pages: the overview's first row ("is it worth it and what
//! does it cost") and the budget line on the spend page's weekly chart.

use agentmeter_metrics::spend::SpendReport;
use agentmeter_web::charts::{line_chart, LineChart, Series, Unit};
use agentmeter_web::pages::KpiCard;
use agentmeter_web::{format, Delta};
use chrono::{Datelike, NaiveDate};

use crate::budgets::outlook::CostOutlook;
use crate::budgets::{BudgetBasis, Month};

/// Four cards: paid for plans this month vs last, the API-equivalent value, the possible saving,
/// the month-end forecast against the budget.
pub(crate) fn cards(outlook: &CostOutlook) -> Vec<KpiCard> {
    let month = outlook.month.name();
    let before = outlook.month.previous().name();
    let mut paid = KpiCard::new(
        format!("Paid for plans, {month}"),
        format::usd_whole(outlook.paid_usd),
        format!(
            "{before}: {}",
            format::usd_whole(outlook.paid_last_month_usd)
        ),
    )
    .linking_to("/plans");
    if outlook.paid_last_month_usd > 0.0 {
        paid = paid.with_delta(Delta::relative(
            outlook.paid_usd / outlook.paid_last_month_usd - 1.0,
            format!("vs {before}"),
            false,
        ));
    }
    let value_basis = if outlook.paid_usd > 0.0 {
        format!(
            "{:.1}× what is paid, at list API prices",
            outlook.api_equivalent_usd / outlook.paid_usd
        )
    } else {
        "What the usage would cost at list API prices".to_owned()
    };
    let value = KpiCard::new(
        "API-equivalent value",
        format::usd_whole(outlook.api_equivalent_usd),
        value_basis,
    )
    .linking_to("/spend");
    let saving = KpiCard::new(
        "Possible saving",
        format::usd_whole(outlook.possible_saving_usd),
        format!(
            "a month, on the recommended plans ({})",
            format::usd_whole(outlook.recommended_usd)
        ),
    )
    .alerting(outlook.possible_saving_usd >= 0.5)
    .linking_to("/plans");
    vec![paid, value, saving, budget_card(outlook)]
}

fn budget_card(outlook: &CostOutlook) -> KpiCard {
    if outlook.budgets.is_empty() {
        return KpiCard::new(
            "Forecast vs budget",
            "No budget",
            "Admins set monthly budgets under Admin › Budgets",
        );
    }
    let budget: f64 = outlook.budgets.iter().map(|b| b.figures.budget_usd).sum();
    let forecast: f64 = outlook
        .budgets
        .iter()
        .map(|b| b.figures.forecast_usd.unwrap_or(b.figures.actual_usd))
        .sum();
    let heading_over = outlook
        .budgets
        .iter()
        .any(|b| b.figures.over() || b.figures.forecast_over());
    let bases: Vec<&str> = outlook
        .budgets
        .iter()
        .map(|b| b.budget.basis.label())
        .collect();
    let basis = if bases.iter().all(|b| *b == bases[0]) {
        bases[0].to_owned()
    } else {
        "mixed bases".to_owned()
    };
    KpiCard::new(
        "Forecast vs budget",
        format!(
            "{} of {}",
            format::usd_whole(forecast),
            format::usd_whole(budget)
        ),
        format!(
            "{} of the budget by the month's end · {basis}",
            format::percent(forecast / budget)
        ),
    )
    .alerting(heading_over)
    .linking_to("/spend")
}

/// The view's API-equivalent budgets, per week: Σ monthly budget × 7 / days in the month of the
/// week's Monday (docs/metrics.md, "Budgets"). None without an API-equivalent budget.
fn weekly_budget(outlook: &CostOutlook, monday: NaiveDate) -> Option<f64> {
    let monthly: f64 = outlook
        .budgets
        .iter()
        .filter(|b| b.budget.basis == BudgetBasis::ApiEquivalent)
        .map(|b| b.figures.budget_usd)
        .sum();
    let month = Month::of(monday);
    let days = (month.last_day().day0() + 1) as f64;
    (monthly > 0.0).then(|| monthly * 7.0 / days)
}

/// The spend page's weekly chart with the budget as a dashed line; `None` when the view has no
/// API-equivalent budget (the page keeps its own chart).
pub(crate) fn spend_chart_with_budget(
    report: &SpendReport,
    outlook: &CostOutlook,
) -> Option<String> {
    let mondays: Vec<NaiveDate> = report
        .groups
        .iter()
        .filter_map(|g| NaiveDate::parse_from_str(&g.key, "%Y-%m-%d").ok())
        .collect();
    let budget: Vec<f64> = mondays
        .iter()
        .map(|m| weekly_budget(outlook, *m))
        .collect::<Option<_>>()?;
    if mondays.len() != report.groups.len() {
        return None;
    }
    Some(line_chart(&LineChart {
        title: "Spend per week (USD), with the weekly share of the budget".into(),
        unit: Unit::Usd,
        periods: mondays.iter().map(|m| format::short_date(*m)).collect(),
        series: vec![
            Series::new("Spend", report.groups.iter().map(|g| g.cost_usd).collect()),
            Series::reference("Budget per week", budget),
        ],
        area: true,
    }))
}
