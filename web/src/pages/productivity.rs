//! Productivity: output before and after adopting an assistant, per team and per developer, with
//! intervals and sample sizes so nobody reads noise as a result.

use askama::Template;

use super::{EmptyState, FilterBar, KpiCard, PageChrome};
use crate::figure::Figure;

/// What an interval says about the lift.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiftVerdict {
    /// The whole interval is above zero.
    Up,
    /// The whole interval is below zero.
    Down,
    /// The interval contains zero.
    Inconclusive,
}

impl LiftVerdict {
    /// Reads the verdict off an interval's ends.
    pub fn from_interval(low: f64, high: f64) -> Self {
        if low > 0.0 {
            LiftVerdict::Up
        } else if high < 0.0 {
            LiftVerdict::Down
        } else {
            LiftVerdict::Inconclusive
        }
    }

    /// Text of the badge.
    pub fn label(self) -> &'static str {
        match self {
            LiftVerdict::Up => "Higher",
            LiftVerdict::Down => "Lower",
            LiftVerdict::Inconclusive => "Not clear yet",
        }
    }

    /// CSS class of the badge.
    pub fn badge_class(self) -> &'static str {
        match self {
            LiftVerdict::Up => "badge good",
            LiftVerdict::Down => "badge bad",
            LiftVerdict::Inconclusive => "badge",
        }
    }
}

/// Before/after output of one team or developer.
#[derive(Debug, Clone, PartialEq)]
pub struct LiftRow {
    pub name: String,
    pub href: Option<String>,
    /// Small print under the name: the team of a developer, the head count of a team.
    pub detail: String,
    /// Output per week before adoption, e.g. `3.1 PRs`.
    pub before: Figure,
    /// Output per week after adoption.
    pub after: Figure,
    /// Relative change, e.g. `+18.0%`.
    pub lift: Figure,
    /// The 90% interval, e.g. `+6.0% to +31.0%`.
    pub interval: String,
    /// Sample behind it, e.g. `11 devs · 12 + 12 wk`.
    pub sample: String,
    pub verdict: LiftVerdict,
}

/// A guardrail beside the lift: a figure before and after adoption that a lift bought with
/// slower reviews, bigger pull requests or fewer tests would move.
#[derive(Debug, Clone, PartialEq)]
pub struct GuardrailRow {
    pub name: String,
    /// What it measures, e.g. `median hours from opening to merge`.
    pub detail: String,
    pub before: Figure,
    pub after: Figure,
    /// Where the JSON API gives each side (`productivity.cycle_time_median_hours.before`), when
    /// shown: written as `data-metric` for the browser tests to compare.
    pub before_metric: Option<String>,
    pub after_metric: Option<String>,
    /// What each side rests on, e.g. `212 PRs before · 340 after`.
    pub sample: String,
}

/// The Productivity page.
#[derive(Debug, Clone, PartialEq, Template)]
#[template(path = "productivity.html")]
pub struct ProductivityPage {
    pub chrome: PageChrome,
    pub filters: FilterBar,
    pub empty: Option<EmptyState>,
    /// The output measure in words, e.g. `merged pull requests per developer-week`.
    pub metric: String,
    /// How the lift and interval are computed, in a sentence or two.
    pub method: String,
    /// SVG: lift per team with intervals.
    pub lift_chart: String,
    /// The lift and the lift net of developers who have not adopted, each with its interval.
    pub headline: Vec<KpiCard>,
    /// Cycle time, PR size and test-line share before and after.
    pub guardrails: Vec<GuardrailRow>,
    pub teams: Vec<LiftRow>,
    pub developers: Vec<LiftRow>,
    /// What the assistant did in the range: lines of code, edit acceptance, active time, API
    /// errors (none without such activity).
    pub activity: Vec<KpiCard>,
}
