//! Plans: what each developer's usage would cost at API prices against their subscription plan,
//! the recommended plan and the saving, for one month picked from the history of months; team
//! totals; the plan policy in effect; the plan catalog with dates and sources.

use askama::Template;

use super::{Choice, EmptyState, FilterBar, KpiCard, Link, PageChrome};
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

/// One month of the history: what was paid against what the recommendations would have cost.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanMonthRow {
    /// `October 2026`.
    pub month: String,
    /// The Plans page for this month, under the current filters.
    pub href: String,
    /// Whether the page shows this month's recommendations.
    pub selected: bool,
    pub developers: Figure,
    pub api_cost: Figure,
    pub paid_now: Figure,
    pub recommended: Figure,
    pub saving: Figure,
    /// Developer-tool lines whose recommended plan differs from the current one.
    pub plan_changes: Figure,
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
    /// Where the price comes from: one link per web address of the source text (see
    /// [`source_links`]).
    pub sources: Vec<Link>,
    /// The source text when it holds no web address (shown as it is).
    pub source_text: String,
}

/// Every `http(s)` address in a catalog source text (addresses separated by `;`, spaces or
/// commas, with words around them), each its own link named by its host; punctuation that
/// closes a sentence or a parenthesis is not part of an address.
pub fn source_links(source: &str) -> Vec<Link> {
    source
        .split(|c: char| c.is_whitespace() || c == ';' || c == ',')
        .map(|word| word.trim_end_matches(['.', ')', ']', ',']))
        .filter(|word| {
            let lower = word.to_ascii_lowercase();
            (lower.starts_with("https://") || lower.starts_with("http://"))
                && word
                    .split("://")
                    .nth(1)
                    .is_some_and(|rest| !rest.is_empty())
        })
        .map(|url| Link {
            label: url
                .split("://")
                .nth(1)
                .and_then(|rest| rest.split(['/', '?', '#']).next())
                .unwrap_or(url)
                .trim_start_matches("www.")
                .to_owned(),
            href: url.to_owned(),
        })
        .collect()
}

/// The Plans page.
#[derive(Debug, Clone, PartialEq, Template)]
#[template(path = "plans.html")]
pub struct PlansPage {
    pub chrome: PageChrome,
    pub filters: FilterBar,
    pub empty: Option<EmptyState>,
    /// The month the recommendations are for, `October 2026` (empty when there is none).
    pub month: String,
    /// `2026-10`, carried by the CSV links (empty when there is none).
    pub month_key: String,
    /// The month picker: every month of the history, the shown one selected.
    pub months: Vec<Choice>,
    /// The plan policy in effect, one sentence per restricted vendor (empty: any plan).
    pub policy: Vec<String>,
    /// Current plans' cost, API-equivalent cost, recommended cost, saving.
    pub kpis: Vec<KpiCard>,
    /// SVG: monthly saving per developer, ranked.
    pub saving_chart: String,
    /// SVG: API-equivalent cost vs plan price per developer (grouped bars).
    pub cost_vs_plan_chart: String,
    pub developers: Vec<PlanRecommendationRow>,
    pub teams: Vec<PlanTeamTotalRow>,
    /// Paid vs recommended, month by month, oldest first.
    pub history: Vec<PlanMonthRow>,
    pub catalog: Vec<PlanCatalogRow>,
}

impl PlansPage {
    /// The CSV export of one table, for the shown month under the current filters.
    pub fn csv_href(&self, table: &str) -> String {
        let href = self.filters.csv_href(table);
        if self.month_key.is_empty() {
            href
        } else {
            format!("{href}&month={}", crate::url::component(&self.month_key))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_with_several_addresses_and_words_gives_one_link_per_address() {
        let links = source_links(
            "https://support.claude.com (Max/Pro plan articles); notice as reproduced at \
             https://ctok.ai/en/limits.html; https://www.example.com/a?b=1.",
        );
        let pairs: Vec<(&str, &str)> = links
            .iter()
            .map(|l| (l.label.as_str(), l.href.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("support.claude.com", "https://support.claude.com"),
                ("ctok.ai", "https://ctok.ai/en/limits.html"),
                ("example.com", "https://www.example.com/a?b=1"),
            ]
        );
        assert!(source_links("pricing page, by e-mail").is_empty());
        assert!(source_links("javascript:alert(1) https://").is_empty());
    }
}
