//! Spend: API-equivalent cost by team, developer, model and tool over time, month over month.

use askama::Template;

use super::{EmptyState, FilterBar, KpiCard, PageChrome};
use crate::figure::Figure;

/// One month in the month-over-month table.
#[derive(Debug, Clone, PartialEq)]
pub struct SpendMonthRow {
    /// e.g. `March 2025`, sorting on `202503`.
    pub month: Figure,
    pub spend: Figure,
    /// Change against the month before (`Figure::missing()` for the first).
    pub change: Figure,
    /// The same change in dollars, whatever `change` shows (exported, not displayed).
    pub change_usd: Option<f64>,
    pub tokens: Figure,
}

/// One team, developer, model or tool and its part of the spend.
#[derive(Debug, Clone, PartialEq)]
pub struct SpendShareRow {
    pub name: String,
    /// Drill-down link (e.g. the developer's page), if any.
    pub href: Option<String>,
    pub spend: Figure,
    /// Share of the total spend.
    pub share: Figure,
    pub tokens: Figure,
    /// Billed requests (API calls) made by the assistant.
    pub requests: Figure,
    /// Change against the previous period of the same length.
    pub change: Figure,
    /// The same change in dollars, whatever `change` shows (exported, not displayed).
    pub change_usd: Option<f64>,
}

/// A table of spend split along one dimension.
#[derive(Debug, Clone, PartialEq)]
pub struct SpendBreakdown {
    /// Card heading, e.g. `By developer`.
    pub title: String,
    /// Column heading for the names, e.g. `Developer`.
    pub dimension: String,
    /// File and `table=` name of the CSV export, e.g. `spend-by-developer`.
    pub csv_name: String,
    pub rows: Vec<SpendShareRow>,
}

/// This month on the Spend page: cumulative spend so far, the month-end forecast and the budget.
#[derive(Debug, Clone, PartialEq)]
pub struct SpendMonthOutlook {
    /// e.g. `December 2026`.
    pub title: String,
    /// Spent so far, the forecast and how it stands against the budget, in words.
    pub note: String,
    /// SVG: cumulative spend per day, the forecast to the month's end (dashed), the budget.
    pub chart: String,
}

/// The Spend page.
#[derive(Debug, Clone, PartialEq, Template)]
#[template(path = "spend.html")]
pub struct SpendPage {
    pub chrome: PageChrome,
    pub filters: FilterBar,
    /// Shown instead of the content when nothing was spent in range.
    pub empty: Option<EmptyState>,
    /// Total, change, forecast, cost per active developer.
    pub kpis: Vec<KpiCard>,
    /// This month's forecast against the budget; shown whatever the range.
    pub month: Option<SpendMonthOutlook>,
    /// SVG: spend per period stacked by team (or tool).
    pub over_time_chart: String,
    /// SVG: ranked spend per developer.
    pub by_developer_chart: String,
    /// SVG: spend per period by model.
    pub by_model_chart: String,
    pub months: Vec<SpendMonthRow>,
    /// Usually by team, developer, model and tool.
    pub breakdowns: Vec<SpendBreakdown>,
}
