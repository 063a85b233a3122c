//! The productivity report's parameters and answer (`/api/v1/metrics/productivity`).

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::NonAdopterComparison;

/// Parameters of [`productivity_report`](super::productivity_report).
#[derive(Debug, Clone)]
pub struct ProductivityParams {
    /// Last day of the after window (inclusive, local).
    pub to: NaiveDate,
    /// Organisation time zone.
    pub tz: Tz,
    /// First day from which PR and commit history is complete: earlier baselines do not count.
    pub history_from: NaiveDate,
    /// Baseline length before the first session, in weeks.
    pub baseline_weeks: u32,
    /// Weeks after the first session left out as ramp.
    pub ramp_weeks: u32,
    /// Fewer included developers than this: no lift, no interval.
    pub min_developers: usize,
    /// Bootstrap resamples.
    pub bootstrap_iterations: usize,
    /// Bootstrap seed.
    pub seed: u64,
    /// Interval level, e.g. 0.9.
    pub confidence: f64,
}

/// Why a developer is or is not in the lift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeveloperStatus {
    Included,
    NotStarted,
    /// Baseline before `history_from`, or no merged PR and no commit in it.
    NoBaseline,
    /// Less than a week between the end of the ramp and `to`.
    NoAfterWindow,
}

/// One developer's windows and counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeveloperProductivity {
    pub user_id: i64,
    pub name: String,
    pub first_use: Option<NaiveDate>,
    pub status: DeveloperStatus,
    pub baseline_weeks: f64,
    pub after_weeks: f64,
    pub merged_prs_before: i64,
    pub merged_prs_after: i64,
    pub commits_before: i64,
    pub commits_after: i64,
}

/// A team lift; `lift_pct` is only given together with its interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Lift {
    /// `(Σ after rate / Σ before rate - 1) * 100` over included developers.
    pub lift_pct: Option<f64>,
    pub ci_low_pct: Option<f64>,
    pub ci_high_pct: Option<f64>,
    /// The interval excludes 0.
    pub significant: bool,
    /// `false` when too few developers (or no baseline activity) to measure.
    pub sufficient_data: bool,
    pub developers: usize,
    /// Σ of per-developer rates (per week) before and after.
    pub before_per_week: f64,
    pub after_per_week: f64,
}

/// A figure before and after, with the number of items behind each side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BeforeAfter {
    pub before: Option<f64>,
    pub after: Option<f64>,
    pub before_n: usize,
    pub after_n: usize,
}

/// The `/api/v1/metrics/productivity` report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProductivityReport {
    pub to: NaiveDate,
    pub baseline_weeks: u32,
    pub ramp_weeks: u32,
    pub developers_included: usize,
    pub developers_no_baseline: usize,
    pub developers_no_after_window: usize,
    pub developers_not_started: usize,
    pub merged_prs_per_week: Lift,
    pub commits_per_week: Lift,
    /// The merged-PR lift against developers who have not adopted, over the same weeks.
    pub non_adopters: NonAdopterComparison,
    /// Median hours from PR creation to merge, pooled over included developers.
    pub cycle_time_median_hours: BeforeAfter,
    /// Test lines / all changed lines in commits, percent (n = commits).
    pub test_lines_share_pct: BeforeAfter,
    /// Mean lines added per merged PR.
    pub lines_added_per_pr: BeforeAfter,
    pub per_developer: Vec<DeveloperProductivity>,
}
