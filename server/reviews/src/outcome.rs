//! Review outcome of a merged pull request, and time to first review.
//!
//! Definitions (also in docs/metrics.md, "Reviews"):
//! - A reviewer's *verdict* is their latest review before (or at) the merge whose state is
//!   approved, changes requested or dismissed; comments and pending reviews are no verdict.
//! - A *counting approval* is a verdict that is an approval, not dismissed, by someone other
//!   than the author.
//! - *Last push*: the latest of the PR's opening and the pushes to its head branch at or before
//!   the merge. *Change size*: lines added + removed of the PR.
//! - `unreviewed`: no counting approval. `rubber-stamped`: the latest counting approval is within
//!   N minutes (either side) of the last push and the change size is over M lines. Else `approved`.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::events::ReviewState;
use crate::facts::{PullRequestHistory, ReviewFact, ReviewPolicy};

/// How a merged pull request was reviewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReviewOutcome {
    Approved,
    Unreviewed,
    RubberStamped,
}

impl ReviewOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewOutcome::Approved => "approved",
            ReviewOutcome::Unreviewed => "unreviewed",
            ReviewOutcome::RubberStamped => "rubber-stamped",
        }
    }

    /// Whether the outcome counts as a review skip (unreviewed or rubber-stamped).
    pub fn is_skip(self) -> bool {
        self != ReviewOutcome::Approved
    }
}

fn same_person(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// Change size: the forge's additions + deletions, else the sum over the commits.
pub fn change_size(history: &PullRequestHistory) -> u64 {
    let pr = &history.pull_request;
    match (pr.lines_added, pr.lines_removed) {
        (Some(added), Some(removed)) => added + removed,
        _ => history
            .commits
            .iter()
            .map(|c| c.lines_added + c.lines_removed)
            .sum(),
    }
}

/// The last time new code arrived for review before `merged_at`.
pub fn last_push(history: &PullRequestHistory, merged_at: DateTime<Utc>) -> DateTime<Utc> {
    let opened = history.pull_request.created_at;
    history
        .pushes
        .iter()
        .copied()
        .filter(|p| *p <= merged_at)
        .fold(opened, DateTime::max)
}

/// The counting approvals of a merged PR, oldest first.
pub fn counting_approvals(
    history: &PullRequestHistory,
    merged_at: DateTime<Utc>,
) -> Vec<&ReviewFact> {
    let author = &history.pull_request.author;
    let mut verdicts: BTreeMap<String, &ReviewFact> = BTreeMap::new();
    let candidates = history.reviews.iter().filter(|r| {
        !same_person(&r.reviewer, author)
            && r.submitted_at <= merged_at
            && matches!(
                r.state,
                ReviewState::Approved | ReviewState::ChangesRequested | ReviewState::Dismissed
            )
    });
    for review in candidates {
        let key = review.reviewer.trim().to_lowercase();
        match verdicts.get(&key) {
            Some(kept) if kept.submitted_at > review.submitted_at => {}
            _ => {
                verdicts.insert(key, review);
            }
        }
    }
    let mut approvals: Vec<&ReviewFact> = verdicts
        .into_values()
        .filter(|r| r.state == ReviewState::Approved && !r.dismissed)
        .collect();
    approvals.sort_by_key(|r| r.submitted_at);
    approvals
}

/// The outcome of a merged PR; `None` while it is not merged.
pub fn review_outcome(
    history: &PullRequestHistory,
    policy: &ReviewPolicy,
) -> Option<ReviewOutcome> {
    let merged_at = history.pull_request.merged_at?;
    let Some(decisive) = counting_approvals(history, merged_at).last().copied() else {
        return Some(ReviewOutcome::Unreviewed);
    };
    let gap = (decisive.submitted_at - last_push(history, merged_at)).abs();
    let quick = gap <= Duration::minutes(i64::from(policy.rubber_stamp_minutes));
    if quick && change_size(history) > policy.rubber_stamp_lines {
        Some(ReviewOutcome::RubberStamped)
    } else {
        Some(ReviewOutcome::Approved)
    }
}

/// From opening to the first review by someone other than the author, in any state (approved,
/// changes requested or commented; dismissed later or not; before or after the merge).
pub fn time_to_first_review(history: &PullRequestHistory) -> Option<Duration> {
    first_review_where(history, |r| {
        matches!(
            r.state,
            ReviewState::Approved | ReviewState::ChangesRequested | ReviewState::Commented
        )
    })
}

/// From opening to the first approval by someone other than the author (dismissed later or not).
pub fn time_to_first_approval(history: &PullRequestHistory) -> Option<Duration> {
    first_review_where(history, |r| r.state == ReviewState::Approved)
}

fn first_review_where(
    history: &PullRequestHistory,
    keep: impl Fn(&ReviewFact) -> bool,
) -> Option<Duration> {
    let pr = &history.pull_request;
    let first = history
        .reviews
        .iter()
        .filter(|r| !same_person(&r.reviewer, &pr.author) && keep(r))
        .map(|r| r.submitted_at)
        .min()?;
    Some((first - pr.created_at).max(Duration::zero()))
}
