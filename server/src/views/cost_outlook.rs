//! This month's cost outlook on the pages: the overview's first row ("is it worth it and what
//! does it cost"), the spend page's month chart (spent so far, month-end forecast, budget) and
//! the budget line on its weekly chart.

use agentmeter_metrics::spend::{SpendChange, SpendReport};
use agentmeter_web::charts::{line_chart, LineChart, Series, Unit};
use agentmeter_web::format;
use agentmeter_web::pages::{KpiCard, SpendMonthOutlook};
use chrono::{Datelike, NaiveDate};

use super::change;
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
        match outlook.paid_forecast_usd {
            Some(forecast) => format!(
                "so far; {} by the month's end · {before}: {}",
                format::usd_whole(forecast),
                format::usd_whole(outlook.paid_last_month_usd)
            ),
            None => format!(
                "{before}: {}",
                format::usd_whole(outlook.paid_last_month_usd)
            ),
        },
    )
    .linking_to("/plans");
    // The month is still running: its month-end forecast, a whole month, is what compares with
    // last month.
    paid.delta = outlook.paid_forecast_usd.and_then(|forecast| {
        let change = SpendChange::between(forecast, outlook.paid_last_month_usd);
        change::delta(&change, &format!("forecast vs {before}"), None)
    });
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
    let monthly = api_equivalent_budget(outlook);
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

/// Σ monthly budgets of the view on the API-equivalent basis (what the spend page charts).
fn api_equivalent_budget(outlook: &CostOutlook) -> f64 {
    outlook
        .budgets
        .iter()
        .filter(|b| b.budget.basis == BudgetBasis::ApiEquivalent)
        .map(|b| b.figures.budget_usd)
        .sum()
}

/// The spend page's month card: cumulative API-equivalent spend per day of the month so far,
/// the spend report's month-end forecast reached by a straight dashed line from the last day
/// begun, and the view's API-equivalent budget as a level line.
pub(crate) fn month_outlook(days: &SpendReport, outlook: &CostOutlook) -> SpendMonthOutlook {
    let month = outlook.month;
    let dates: Vec<NaiveDate> = month
        .first_day()
        .iter_days()
        .take_while(|d| *d <= month.last_day())
        .collect();
    let total_days = dates.len();
    // The days begun so far: the forecast's elapsed days rounded up (the first day before it).
    let begun = days
        .forecast
        .as_ref()
        .map_or(1, |f| (f.elapsed_days.ceil() as usize).clamp(1, total_days));
    let mut so_far = 0.0;
    let cumulative: Vec<f64> = dates
        .iter()
        .enumerate()
        .map(|(i, date)| {
            let key = date.format("%Y-%m-%d").to_string();
            so_far += days
                .groups
                .iter()
                .filter(|g| g.key == key)
                .map(|g| g.cost_usd)
                .sum::<f64>();
            if i < begun {
                so_far
            } else {
                f64::NAN
            }
        })
        .collect();
    let spent = cumulative[begun - 1];
    let budget = api_equivalent_budget(outlook);
    let mut series = vec![Series::new("Spent so far", cumulative)];
    let mut note = format!("{} spent so far", format::usd_whole(spent));
    if let Some(forecast) = days.forecast.as_ref().map(|f| f.forecast_cost_usd) {
        let remaining = (total_days - begun).max(1) as f64;
        series.push(Series::reference(
            "Month-end forecast",
            (0..total_days)
                .map(|i| match i + 1 {
                    day if day < begun => f64::NAN,
                    day => spent + (forecast - spent) * (day - begun) as f64 / remaining,
                })
                .collect(),
        ));
        note.push_str(&format!(
            "; {} forecast for the whole month",
            format::usd_whole(forecast)
        ));
        if budget > 0.0 {
            note.push_str(&format!(
                ", {} of the {} budget",
                format::percent(forecast / budget),
                format::usd_whole(budget)
            ));
        }
    }
    if budget > 0.0 {
        series.push(Series::reference("Budget", vec![budget; total_days]));
    } else {
        note.push_str(" (no API-equivalent budget in this view)");
    }
    SpendMonthOutlook {
        title: format!("This month, {}", month.name()),
        note,
        chart: line_chart(&LineChart {
            title: format!(
                "Cumulative spend in {} (USD), month-end forecast and budget",
                month.name()
            ),
            unit: Unit::Usd,
            periods: dates.iter().map(|d| format::short_date(*d)).collect(),
            series,
            area: true,
        }),
    }
}
