//! Plans: what each developer's usage would cost at API prices against their subscription plan,
//! the recommended plan and the saving; team totals; the plan catalog with dates and sources.

use askama::Template;

use super::widgets::web_href;
use super::{EmptyState, FilterBar, KpiCard, PageChrome};
use crate::figure::Figure;

/// What the recommendation asks of a developer's plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanVerdict {
    /// The current plan fits.
    Keep,
    /// Usage exceeds the plan; a bigger plan costs less than the overage.
    Upgrade,
    /// The plan is larger than the usage needs.
    Downgrade,
    /// Paying API prices would be cheaper than any plan.
    PayAsYouGo,
}

impl PlanVerdict {
    /// Text of the badge.
    pub fn label(self) -> &'static str {
        match self {
            PlanVerdict::Keep => "Keep",
            PlanVerdict::Upgrade => "Upgrade",
            PlanVerdict::Downgrade => "Downgrade",
            PlanVerdict::PayAsYouGo => "Pay as you go",
        }
    }

    /// CSS class of the badge.
    pub fn badge_class(self) -> &'static str {
        match self {
            PlanVerdict::Keep => "badge",
            PlanVerdict::Upgrade => "badge warn",
            PlanVerdict::Downgrade | PlanVerdict::PayAsYouGo => "badge good",
        }
    }
}

/// One developer's plan recommendation.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRecommendationRow {
    pub developer: String,
    pub developer_href: Option<String>,
    pub team: String,
    /// What the usage would cost at API list prices.
    pub api_cost: Figure,
    /// Current plan name, or `None` for no plan.
    pub current_plan: String,
    /// Monthly price of the current plan.
    pub current_cost: Figure,
    pub recommended_plan: String,
    pub recommended_cost: Figure,
    /// Monthly saving if the recommendation is followed (negative: it costs more).
    pub saving: Figure,
    pub verdict: PlanVerdict,
}

/// A team's plan totals.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanTeamTotalRow {
    pub team: String,
    pub developers: Figure,
    pub api_cost: Figure,
    pub current_cost: Figure,
    pub recommended_cost: Figure,
    pub saving: Figure,
}

/// One plan in the catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanCatalogRow {
    /// e.g. `Claude Code`.
    pub tool: String,
    /// e.g. `Max 5x`.
    pub plan: String,
    pub monthly_price: Figure,
    /// What the price includes, in words.
    pub included: String,
    /// Formatted date the price took effect.
    pub valid_from: String,
    /// Formatted end date, or empty while current.
    pub valid_to: String,
    /// Where the price comes from (a pricing page); only `http(s)` becomes a link.
    pub source_url: String,
}

impl PlanCatalogRow {
    /// The source link target, if it is a web URL.
    pub fn source_href(&self) -> Option<&str> {
        web_href(&self.source_url)
    }
}

/// The Plans page.
#[derive(Debug, Clone, PartialEq, Template)]
#[template(path = "plans.html")]
pub struct PlansPage {
    pub chrome: PageChrome,
    pub filters: FilterBar,
    pub empty: Option<EmptyState>,
    /// Current plans' cost, API-equivalent cost, recommended cost, saving.
    pub kpis: Vec<KpiCard>,
    /// SVG: monthly saving per developer, ranked.
    pub saving_chart: String,
    /// SVG: API-equivalent cost vs plan price per developer (grouped bars).
    pub cost_vs_plan_chart: String,
    pub developers: Vec<PlanRecommendationRow>,
    pub teams: Vec<PlanTeamTotalRow>,
    pub catalog: Vec<PlanCatalogRow>,
}
