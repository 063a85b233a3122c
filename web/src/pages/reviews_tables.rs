//! The Reviews page's detail tables: skip counts per developer and repository, the share of edits
//! made with review off, alerts with their acknowledgement, and the merged pull-request list.

use super::widgets::web_href;
use super::{Choice, Pager, ReviewAlertRow};
use crate::figure::Figure;

/// Skip counts of one developer or repository.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewSkipRow {
    /// The developer's name or the repository's.
    pub name: String,
    pub merged: Figure,
    /// Merged with a review outcome: the rate's denominator.
    pub classified: Figure,
    /// No review by anyone but the author before the merge.
    pub unreviewed: Figure,
    /// Approved too fast for the change's size.
    pub rubber_stamped: Figure,
    pub skip_rate: Figure,
}

/// AI edits of one team or developer and those made with per-edit review off.
#[derive(Debug, Clone, PartialEq)]
pub struct EditReviewRow {
    /// `Team` or `Developer`.
    pub kind: String,
    pub name: String,
    pub edits: Figure,
    pub edits_unreviewed: Figure,
    pub share: Figure,
}

/// Who acknowledged an alert and who reviews the pull request after its merge.
#[derive(Debug, Clone, PartialEq)]
pub struct AcknowledgementCell {
    pub acknowledged_by: String,
    pub acknowledged_at: Figure,
    pub reviewer: String,
    pub note: String,
}

/// An alert row of the Reviews page: the alert, its acknowledgement, and whether the reader may
/// acknowledge it (a manager of the author's team or an admin).
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewAlertEntry {
    pub alert: ReviewAlertRow,
    pub acknowledgement: Option<AcknowledgementCell>,
    pub can_acknowledge: bool,
}

impl ReviewAlertEntry {
    /// An alert nobody answered, which the reader may not answer.
    pub fn unacknowledged(alert: ReviewAlertRow) -> Self {
        Self {
            alert,
            acknowledgement: None,
            can_acknowledge: false,
        }
    }
}

/// One merged pull request of the list.
#[derive(Debug, Clone, PartialEq)]
pub struct MergedPullRequestRow {
    pub repository: String,
    pub number: u64,
    pub title: String,
    pub url: String,
    pub author: String,
    pub merged_at: Figure,
    /// `Approved`, `Unreviewed`, `Rubber-stamped` or `Not classified`.
    pub outcome: String,
    pub ai_assisted: bool,
    pub critical: bool,
}

impl MergedPullRequestRow {
    /// The link target, or `None` unless the URL is `http://` or `https://`.
    pub fn pr_href(&self) -> Option<&str> {
        web_href(&self.url)
    }
}

/// The merged pull-request list: one page of rows, its filters and its pager.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PullRequestList {
    pub rows: Vec<MergedPullRequestRow>,
    /// Matching pull requests, all pages.
    pub total: usize,
    pub repositories: Vec<Choice>,
    pub authors: Vec<Choice>,
    pub outcomes: Vec<Choice>,
    /// Every other filter of the page (team, range, tool, comparison, search), kept by the
    /// list's form as hidden fields.
    pub kept: Vec<(String, String)>,
    /// `None` for a CSV export, which takes every matching row.
    pub pager: Option<Pager>,
}
