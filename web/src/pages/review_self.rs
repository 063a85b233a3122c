//! The developer page's review section: the developer's own review figures beside their teams'
//! medians (no one else's figure), and their merged pull requests flagged critical or skipped.

use super::widgets::web_href;
use crate::figure::Figure;

/// One figure: theirs and the team median.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewSelfRow {
    /// e.g. `Review-skip rate of your merged PRs`.
    pub figure: String,
    pub yours: Figure,
    /// A dash when withheld (too few developers) or without a team.
    pub team_median: Figure,
    /// What the figures are based on, e.g. `2 of 5 classified · median of 4 developers`.
    pub basis: String,
}

/// A merged pull request of theirs that touched a critical path or skipped review.
#[derive(Debug, Clone, PartialEq)]
pub struct FlaggedPullRequestRow {
    pub repository: String,
    pub number: u64,
    pub title: String,
    pub url: String,
    pub merged_at: Figure,
    /// e.g. `Critical path · unreviewed`.
    pub flags: String,
}

impl FlaggedPullRequestRow {
    /// The link target, or `None` unless the URL is `http://` or `https://`.
    pub fn pr_href(&self) -> Option<&str> {
        web_href(&self.url)
    }
}

/// The section.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReviewSelfView {
    pub rows: Vec<ReviewSelfRow>,
    pub flagged: Vec<FlaggedPullRequestRow>,
}
