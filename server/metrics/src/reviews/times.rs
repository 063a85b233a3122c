//! Time to first review of merged pull requests: per split (AI-assisted or not, critical or not)
//! and per week of merge, every week of the range listed, with the week's skip counts
//! (docs/metrics.md, "Reviews").

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::blocks::median;
use crate::calendar::{local_date, DateRange};
use crate::rows::{PullRequestRow, ReviewOutcome};

use super::SkipCounts;

/// The median time to first review of one split's merged PRs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReviewTime {
    /// `all`, `ai`, `not_ai`, `critical` or `not_critical`.
    pub split: String,
    /// Merged PRs of the split that had a first review: the median's count.
    pub reviewed_prs: usize,
    pub median_hours: Option<f64>,
}

/// One week of merges: how many, their median time to first review and their skip counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WeekReviewTime {
    /// Its Monday.
    pub week_start: NaiveDate,
    /// The range leaves out some of its days.
    pub partial: bool,
    pub merged_prs: usize,
    pub reviewed_prs: usize,
    /// `None` for a week without a reviewed merge.
    pub median_hours: Option<f64>,
    /// The week's merged PRs counted as the review-skip rate counts them.
    pub skips: SkipCounts,
}

/// Skip counts of a list of merged PRs (the engine's frames give the same for groups).
fn skip_counts(merged: &[&PullRequestRow]) -> SkipCounts {
    let count = |outcome: ReviewOutcome| {
        merged.iter().filter(|p| p.outcome == Some(outcome)).count() as i64
    };
    let classified = merged.iter().filter(|p| p.outcome.is_some()).count() as i64;
    let (unreviewed, rubber_stamped) = (
        count(ReviewOutcome::Unreviewed),
        count(ReviewOutcome::RubberStamped),
    );
    SkipCounts {
        merged: merged.len() as i64,
        classified,
        unreviewed,
        rubber_stamped,
        skip_rate_pct: (classified > 0)
            .then(|| (unreviewed + rubber_stamped) as f64 / classified as f64 * 100.0),
    }
}

/// Hours from opening to the first review by someone other than the author.
pub(super) fn hours_to_first_review(p: &PullRequestRow) -> Option<f64> {
    p.first_review_at
        .map(|r| (r - p.created_at).num_milliseconds() as f64 / 3_600_000.0)
}

pub(super) fn by_split(merged: &[&PullRequestRow]) -> Vec<ReviewTime> {
    type Keep = fn(&PullRequestRow) -> bool;
    let splits: [(&str, Keep); 5] = [
        ("all", |_| true),
        ("ai", |p| p.ai_assisted),
        ("not_ai", |p| !p.ai_assisted),
        ("critical", |p| p.critical),
        ("not_critical", |p| !p.critical),
    ];
    splits
        .iter()
        .map(|(split, keep)| {
            let hours: Vec<f64> = merged
                .iter()
                .filter(|p| keep(p))
                .filter_map(|p| hours_to_first_review(p))
                .collect();
            ReviewTime {
                split: (*split).to_owned(),
                reviewed_prs: hours.len(),
                median_hours: median(hours),
            }
        })
        .collect()
}

pub(super) fn by_week(merged: &[&PullRequestRow], range: DateRange, tz: Tz) -> Vec<WeekReviewTime> {
    range
        .weeks()
        .into_iter()
        .map(|week| {
            let end = week.start + chrono::TimeDelta::days(7);
            let of_week: Vec<&PullRequestRow> = merged
                .iter()
                .copied()
                .filter(|p| {
                    p.merged_at
                        .and_then(|m| local_date(m.timestamp_millis(), tz).ok())
                        .is_some_and(|d| d >= week.start && d < end)
                })
                .collect();
            let hours: Vec<f64> = of_week
                .iter()
                .filter_map(|p| hours_to_first_review(p))
                .collect();
            WeekReviewTime {
                week_start: week.start,
                partial: week.partial,
                merged_prs: of_week.len(),
                reviewed_prs: hours.len(),
                median_hours: median(hours),
                skips: skip_counts(&of_week),
            }
        })
        .collect()
}
