//! Reviews: how often merged pull requests skipped review, split by AI share and critical paths,
//! time to first review, and the alert list of critical AI-written code merged unreviewed.

use askama::Template;

use super::reviews_tables::{EditReviewRow, PullRequestList, ReviewAlertEntry, ReviewSkipRow};
use super::widgets::web_href;
use super::{EmptyState, FilterBar, KpiCard, PageChrome};
use crate::figure::Figure;

/// Skip statistics for one slice of merged pull requests.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewSegmentRow {
    /// e.g. `AI-assisted · critical paths`.
    pub segment: String,
    pub merged: Figure,
    pub skipped: Figure,
    pub skip_rate: Figure,
    pub median_time_to_first_review: Figure,
}

/// A pull request that touched critical paths, was mostly AI-written and merged without review.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewAlertRow {
    /// `owner/name`.
    pub repository: String,
    pub number: u64,
    pub title: String,
    /// The pull request on GitHub or GitLab; only `http(s)` URLs become links.
    pub url: String,
    pub author: String,
    /// Merge time, formatted, with the timestamp for sorting.
    pub merged_at: Figure,
    /// Why it counts as AI-assisted, e.g. "commit 1a2b3c4 marked by claude-code".
    pub ai_evidence: String,
    /// The changed files that matched a critical-path glob, comma-separated.
    pub critical_paths: String,
}

impl ReviewAlertRow {
    /// The link target, or `None` unless the URL is `http://` or `https://`.
    pub fn pr_href(&self) -> Option<&str> {
        web_href(&self.url)
    }
}

/// The Reviews page.
#[derive(Debug, Clone, PartialEq, Template)]
#[template(path = "reviews.html")]
pub struct ReviewsPage {
    pub chrome: PageChrome,
    pub filters: FilterBar,
    /// Shown instead of the content when there are no merged pull requests in range.
    pub empty: Option<EmptyState>,
    /// Skip rate, AI skip rate, median time to first review, critical unreviewed merges.
    pub kpis: Vec<KpiCard>,
    /// SVG: skip rate of AI-assisted vs other pull requests per team or month (grouped bars).
    pub skip_rate_chart: String,
    /// SVG: median hours to first review over time.
    pub time_to_review_chart: String,
    pub segments: Vec<ReviewSegmentRow>,
    /// The alerts, each with its acknowledgement and form.
    pub alerts: Vec<ReviewAlertEntry>,
    /// SVG: skip rate per week of merge, every week of the range, with the target line.
    pub weekly_skip_chart: String,
    pub developer_skips: Vec<ReviewSkipRow>,
    pub repository_skips: Vec<ReviewSkipRow>,
    /// Per team, then per developer.
    pub edit_review: Vec<EditReviewRow>,
    pub pull_requests: PullRequestList,
    /// The page's filters as a query string, sent back by the acknowledge form.
    pub return_query: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_urls_become_links() {
        let mut alert = ReviewAlertRow {
            repository: "acme/api".into(),
            number: 7,
            title: "t".into(),
            url: "javascript:alert(1)".into(),
            author: "a".into(),
            merged_at: Figure::new("Mar 3", 0.0),
            ai_evidence: "description marked by claude-code".into(),
            critical_paths: "src/auth/login.rs".into(),
        };
        assert_eq!(alert.pr_href(), None);
        alert.url = "https://github.com/acme/api/pull/7".into();
        assert_eq!(alert.pr_href(), Some("https://github.com/acme/api/pull/7"));
    }
}
