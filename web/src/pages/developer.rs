//! The developer page: one person's usage, cost, sessions, pull requests and reviews. A developer
//! sees only their own (`/me`); managers reach their team members' pages from the other pages.

use askama::Template;

use super::review_self::ReviewSelfView;
use super::widgets::web_href;
use super::{EmptyState, FilterBar, KpiCard, PageChrome, Pager};
use crate::figure::Figure;

/// Who the page is about.
#[derive(Debug, Clone, PartialEq)]
pub struct DeveloperProfile {
    pub name: String,
    pub email: String,
    /// Team names, comma-separated.
    pub teams: String,
    /// Subscription plan, or empty.
    pub plan: String,
    pub github: String,
    pub gitlab: String,
}

/// One assistant session.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRow {
    /// Formatted start time, sorting on the timestamp.
    pub started: Figure,
    /// e.g. `Claude Code`.
    pub tool: String,
    pub model: String,
    /// Repository or directory the session ran in.
    pub project: String,
    /// Time with activity (hour buckets with at least one request).
    pub duration: Figure,
    pub tokens: Figure,
    pub cost: Figure,
}

/// Whether a merged pull request was reviewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewState {
    Reviewed,
    MergedWithoutReview,
    Open,
    /// The verdict of a review the developer gave.
    Approved,
    ChangesRequested,
    Commented,
    Dismissed,
}

impl ReviewState {
    /// Text of the badge.
    pub fn label(self) -> &'static str {
        match self {
            ReviewState::Reviewed => "Reviewed",
            ReviewState::MergedWithoutReview => "No review",
            ReviewState::Open => "Open",
            ReviewState::Approved => "Approved",
            ReviewState::ChangesRequested => "Changes requested",
            ReviewState::Commented => "Commented",
            ReviewState::Dismissed => "Dismissed",
        }
    }

    /// CSS class of the badge.
    pub fn badge_class(self) -> &'static str {
        match self {
            ReviewState::Reviewed => "badge good",
            ReviewState::MergedWithoutReview => "badge bad",
            ReviewState::Approved => "badge good",
            ReviewState::ChangesRequested => "badge warn",
            ReviewState::Open | ReviewState::Commented | ReviewState::Dismissed => "badge",
        }
    }
}

/// A pull request the developer authored, or one they reviewed.
#[derive(Debug, Clone, PartialEq)]
pub struct PullRequestRow {
    pub repository: String,
    pub number: u64,
    pub title: String,
    /// Only `http(s)` URLs become links.
    pub url: String,
    /// Merge or review time, formatted, sorting on the timestamp.
    pub at: Figure,
    pub ai_share: Figure,
    pub review: ReviewState,
    /// Touched a critical path.
    pub critical: bool,
}

impl PullRequestRow {
    /// The link target, if the URL is a web URL.
    pub fn pr_href(&self) -> Option<&str> {
        web_href(&self.url)
    }
}

/// The developer page.
#[derive(Debug, Clone, PartialEq, Template)]
#[template(path = "developer.html")]
pub struct DeveloperPage {
    pub chrome: PageChrome,
    /// Date range and tool (no team select for a developer).
    pub filters: FilterBar,
    pub profile: DeveloperProfile,
    /// Shown instead of the content when the developer has uploaded nothing yet.
    pub empty: Option<EmptyState>,
    /// Spend, tokens, sessions, merged PRs, plan fit.
    pub kpis: Vec<KpiCard>,
    /// SVG: daily spend or tokens by tool.
    pub usage_chart: String,
    /// The page of sessions shown (every session matching the search, for CSV).
    pub sessions: Vec<SessionRow>,
    /// Where `sessions` stands in the list; `None` for CSV.
    pub sessions_pager: Option<Pager>,
    pub pull_requests: Vec<PullRequestRow>,
    pub pull_requests_pager: Option<Pager>,
    /// Pull requests by others that this developer reviewed.
    pub reviews: Vec<PullRequestRow>,
    /// Their review figures beside their teams' medians, and their flagged pull requests.
    pub review_self: Option<ReviewSelfView>,
}
