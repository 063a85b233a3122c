//! Overview: the Monday-morning page. Five headline numbers, each linking to its page, the spend
//! trend, lift per team, and the latest critical unreviewed AI merges; or, before any usage has
//! arrived, how to install the uploader.

use askama::Template;

use super::{EmptyState, FilterBar, KpiCard, PageChrome, ReviewAlertEntry};

/// The Overview page.
#[derive(Debug, Clone, PartialEq, Template)]
#[template(path = "overview.html")]
pub struct OverviewPage {
    pub chrome: PageChrome,
    pub filters: FilterBar,
    /// What the numbers cover, e.g. `March 2025 · All teams`.
    pub period: String,
    pub content: OverviewContent,
}

impl OverviewPage {
    /// "All reviews", under the page's filters.
    pub fn reviews_href(&self) -> String {
        self.filters.link("/reviews", &[])
    }
}

/// Either the numbers or, when nothing has been uploaded, what to do next.
#[derive(Debug, Clone, PartialEq)]
pub enum OverviewContent {
    /// No usage yet; usually [`EmptyState::install_uploader`].
    Empty(EmptyState),
    /// The organisation's (or the selected team's) numbers.
    Summary(Box<OverviewSummary>),
}

/// The numbers on the Overview.
#[derive(Debug, Clone, PartialEq)]
pub struct OverviewSummary {
    /// The first row, what it costs and whether it is worth it: paid for plans this month vs
    /// last, API-equivalent value, possible saving, forecast vs budget.
    pub cost: Vec<KpiCard>,
    /// Spend this month, change vs last month, forecast in the basis; links to `/spend`.
    pub spend: KpiCard,
    /// Active developers vs seats; links to `/adoption`.
    pub active_developers: KpiCard,
    /// Team lift with its interval in the basis; links to `/productivity`.
    pub lift: KpiCard,
    /// Review-skip rate of AI-assisted pull requests; links to `/reviews`.
    pub review_skips: KpiCard,
    /// Count of critical unreviewed AI merges (alerting when above zero); links to `/reviews`.
    pub critical_unreviewed: KpiCard,
    /// SVG: spend per week or month, by team or tool.
    pub spend_chart: String,
    /// SVG: lift per team with intervals.
    pub lift_chart: String,
    /// The most recent critical unreviewed AI merges (a handful), each with its acknowledgement.
    pub alerts: Vec<ReviewAlertEntry>,
}

impl OverviewSummary {
    /// The five cards in display order.
    pub fn kpis(&self) -> Vec<KpiCard> {
        [
            &self.spend,
            &self.active_developers,
            &self.lift,
            &self.review_skips,
            &self.critical_unreviewed,
        ]
        .into_iter()
        .cloned()
        .collect()
    }
}
