//! Adoption: weekly active developers against seats, the ramp since rollout, how concentrated
//! usage is, and who has a seat but has not started.

use askama::Template;

use super::{EmptyState, FilterBar, KpiCard, PageChrome, Pager};
use crate::figure::Figure;

/// One team's adoption.
#[derive(Debug, Clone, PartialEq)]
pub struct AdoptionTeamRow {
    pub team: String,
    pub seats: Figure,
    /// Developers active in the last seven days.
    pub weekly_active: Figure,
    /// Weekly active over seats.
    pub adoption: Figure,
    /// Developers counted (seat holders, assistant users).
    pub developers: Figure,
    /// Share of the team's spend from its top fifth of developers.
    pub top_share: Figure,
}

/// A developer with a seat and no usage yet.
#[derive(Debug, Clone, PartialEq)]
pub struct NotStartedRow {
    pub name: String,
    pub email: String,
    pub team: String,
    /// Whether an API token exists for them (if so, the uploader is probably not installed).
    pub has_token: bool,
}

/// The Adoption page.
#[derive(Debug, Clone, PartialEq, Template)]
#[template(path = "adoption.html")]
pub struct AdoptionPage {
    pub chrome: PageChrome,
    pub filters: FilterBar,
    pub empty: Option<EmptyState>,
    /// Weekly actives vs seats, adoption rate, not started, concentration.
    pub kpis: Vec<KpiCard>,
    /// SVG: weekly active developers with seats as a dashed reference line.
    pub actives_chart: String,
    /// SVG: developers who have started, cumulative, since rollout.
    pub ramp_chart: String,
    /// SVG: ranked share of spend by developer.
    pub concentration_chart: String,
    /// One sentence on concentration, e.g. `The top 5 developers account for 48% of spend.`
    pub concentration_note: String,
    pub teams: Vec<AdoptionTeamRow>,
    /// The page of seat holders without usage shown (every match of the search, for CSV).
    pub not_started: Vec<NotStartedRow>,
    /// Where `not_started` stands in the list; `None` for CSV.
    pub not_started_pager: Option<Pager>,
}
