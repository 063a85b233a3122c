//! Reviews: review-skip rates of merged PRs by team, developer and repository (split AI-assisted
//! vs not and critical vs not), time to first review, alerts for critical AI-assisted PRs merged
//! unreviewed, and the share of AI edits made with per-edit review off (docs/metrics.md, "Reviews").

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::blocks::median;
use crate::calendar::{day_number, local_date, DateRange};
use crate::error::Result;
use crate::frames::{i64_values, membership_frame, pull_request_frame, UsageFrame};
use crate::rows::{DeveloperRow, PullRequestRow, ReviewOutcome, TeamRow};

mod peers;
mod times;
pub use peers::{peer_medians, PeerMedians, MIN_PEERS};
pub use times::{ReviewTime, WeekReviewTime};

/// Parameters of [`reviews_report`].
#[derive(Debug, Clone)]
pub struct ReviewsParams {
    /// PRs merged on these local dates (inclusive); usage edits of these dates.
    pub range: DateRange,
    /// Organisation time zone (the usage frame must have been built with it).
    pub tz: Tz,
    /// The skip rate the organisation aims to stay under, in percent (a setting).
    pub skip_rate_target_pct: f64,
}

/// Counts of merged PRs and their skip rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SkipCounts {
    pub merged: i64,
    /// Merged PRs with a review outcome (the rate's denominator).
    pub classified: i64,
    pub unreviewed: i64,
    pub rubber_stamped: i64,
    /// `(unreviewed + rubber_stamped) / classified * 100`; `None` when nothing is classified.
    pub skip_rate_pct: Option<f64>,
}

/// Skip counts of one group, whole and split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReviewSkip {
    pub key: String,
    /// The author's user id in `by_developer` (none for `(unmatched)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
    pub all: SkipCounts,
    pub ai_assisted: SkipCounts,
    pub not_ai_assisted: SkipCounts,
    pub critical: SkipCounts,
    pub not_critical: SkipCounts,
}

/// A critical, AI-assisted PR merged without review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnreviewedCriticalAlert {
    pub repository: String,
    pub number: i64,
    pub url: String,
    pub title: String,
    pub author_user_id: Option<i64>,
    pub author: Option<String>,
    pub merged_at: DateTime<Utc>,
    /// The changed files that matched a critical-path glob.
    pub critical_paths: Vec<String>,
    /// Why it counts as AI-assisted, as [`PullRequestRow::ai_evidence`] says.
    pub ai_evidence: Vec<String>,
}

/// AI edits and those made with per-edit review off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EditReview {
    pub key: String,
    /// The developer's user id in `edits_by_developer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
    pub edits: i64,
    pub edits_unreviewed: i64,
    /// `edits_unreviewed / edits * 100`; `None` without edits.
    pub unreviewed_share_pct: Option<f64>,
}

/// The `/api/v1/reviews/summary` report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReviewsReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub overall: ReviewSkip,
    pub by_team: Vec<ReviewSkip>,
    pub by_developer: Vec<ReviewSkip>,
    pub by_repository: Vec<ReviewSkip>,
    /// The skip rate the organisation aims to stay under, in percent (drawn on the weekly chart).
    pub skip_rate_target_pct: f64,
    /// Median hours from PR creation to its first review, over merged PRs that had one.
    pub time_to_first_review_median_hours: Option<f64>,
    pub reviewed_prs: usize,
    /// The same median per split of the merged PRs.
    pub time_to_first_review_by_split: Vec<ReviewTime>,
    /// Per week of merge, every week the range touches.
    pub weeks: Vec<WeekReviewTime>,
    /// Newest first.
    pub alerts: Vec<UnreviewedCriticalAlert>,
    /// All edits in scope, keyed `all` (a share of `None` without edits).
    pub edits_overall: EditReview,
    pub edits_by_team: Vec<EditReview>,
    pub edits_by_developer: Vec<EditReview>,
    pub edits_by_repository: Vec<EditReview>,
}

const SPLITS: [&str; 5] = ["all", "ai", "not_ai", "critical", "not_critical"];

fn split_aggs() -> Vec<Expr> {
    let mut out = Vec::new();
    for name in SPLITS {
        let cond = match name {
            "all" => col("row").is_not_null(),
            "ai" => col("ai"),
            "not_ai" => col("ai").not(),
            "critical" => col("critical"),
            _ => col("critical").not(),
        };
        let count = |e: Expr, what: &str| {
            e.cast(DataType::Int64)
                .sum()
                .alias(format!("{name}_{what}"))
        };
        out.push(count(cond.clone(), "merged"));
        out.push(count(cond.clone().and(col("classified")), "classified"));
        out.push(count(cond.clone().and(col("unreviewed")), "unreviewed"));
        out.push(count(cond.and(col("rubber_stamped")), "rubber_stamped"));
    }
    out
}

/// Skip counts per value of `key`; `keys_are_users` when the values are user ids.
fn skips(
    merged: &LazyFrame,
    key: Expr,
    label: &dyn Fn(&AnyValue) -> String,
    keys_are_users: bool,
) -> Result<Vec<ReviewSkip>> {
    let df = merged
        .clone()
        .group_by([key.alias("key")])
        .agg(split_aggs())
        .sort(["key"], SortMultipleOptions::default())
        .collect()?;
    let keys = df.column("key")?.as_materialized_series().clone();
    let counts = |name: &str| -> Result<Vec<SkipCounts>> {
        let [m, c, u, r] = ["merged", "classified", "unreviewed", "rubber_stamped"]
            .map(|w| i64_values(&df, &format!("{name}_{w}")));
        let (m, c, u, r) = (m?, c?, u?, r?);
        Ok((0..df.height())
            .map(|i| SkipCounts {
                merged: m[i],
                classified: c[i],
                unreviewed: u[i],
                rubber_stamped: r[i],
                skip_rate_pct: (c[i] > 0).then(|| (u[i] + r[i]) as f64 / c[i] as f64 * 100.0),
            })
            .collect())
    };
    let [all, ai, not_ai, critical, not_critical] = SPLITS.map(counts);
    let (all, ai, not_ai, critical, not_critical) = (all?, ai?, not_ai?, critical?, not_critical?);
    (0..df.height())
        .map(|i| {
            let key = keys.get(i)?;
            Ok(ReviewSkip {
                key: label(&key),
                user_id: keys_are_users.then(|| key.extract::<i64>()).flatten(),
                all: all[i],
                ai_assisted: ai[i],
                not_ai_assisted: not_ai[i],
                critical: critical[i],
                not_critical: not_critical[i],
            })
        })
        .collect()
}

/// Edit counts per value of column `key`; `keys_are_users` when the values are user ids.
fn edits(
    usage: &LazyFrame,
    key: &str,
    label: &dyn Fn(i64) -> String,
    keys_are_users: bool,
) -> Result<Vec<EditReview>> {
    let df = usage
        .clone()
        .group_by([col(key)])
        .agg([col("edits").sum(), col("edits_unreviewed").sum()])
        .sort([key], SortMultipleOptions::default())
        .collect()?;
    let (k, e, u) = (
        i64_values(&df, key)?,
        i64_values(&df, "edits")?,
        i64_values(&df, "edits_unreviewed")?,
    );
    Ok((0..k.len())
        .filter(|&i| e[i] > 0)
        .map(|i| EditReview {
            key: label(k[i]),
            user_id: keys_are_users.then_some(k[i]),
            edits: e[i],
            edits_unreviewed: u[i],
            unreviewed_share_pct: Some(u[i] as f64 / e[i] as f64 * 100.0),
        })
        .collect())
}

/// Review figures of PRs merged in the range and of the range's AI edits.
pub fn reviews_report(
    prs: &[PullRequestRow],
    usage: &UsageFrame,
    developers: &[DeveloperRow],
    teams: &[TeamRow],
    params: &ReviewsParams,
) -> Result<ReviewsReport> {
    let (from, to) = (day_number(params.range.from), day_number(params.range.to));
    let in_range = |c: &str| col(c).gt_eq(lit(from)).and(col(c).lt_eq(lit(to)));
    let merged = pull_request_frame(prs, params.tz)?
        .lazy()
        .filter(in_range("merged_day"));
    let name_of = |id: i64| {
        developers
            .iter()
            .find(|d| d.user_id == id)
            .map(|d| d.name.clone())
    };
    let id_label = |v: &AnyValue, none: &str, f: &dyn Fn(i64) -> Option<String>| {
        v.extract::<i64>().map_or_else(
            || none.to_owned(),
            |id| f(id).unwrap_or_else(|| format!("user {id}")),
        )
    };
    let team_name = |id: i64| teams.iter().find(|t| t.id == id).map(|t| t.name.clone());
    let with_teams = merged.clone().join(
        membership_frame(developers)?.lazy(),
        [col("author")],
        [col("user_id")],
        JoinArgs::new(JoinType::Inner),
    );
    let overall = skips(&merged, lit(0i64), &|_| "all".to_owned(), false)?
        .into_iter()
        .next();
    let zero = SkipCounts {
        merged: 0,
        classified: 0,
        unreviewed: 0,
        rubber_stamped: 0,
        skip_rate_pct: None,
    };
    let merged_prs: Vec<&PullRequestRow> = prs
        .iter()
        .filter(|p| {
            p.merged_at
                .and_then(|m| local_date(m.timestamp_millis(), params.tz).ok())
                .is_some_and(|d| d >= params.range.from && d <= params.range.to)
        })
        .collect();
    let review_hours: Vec<f64> = merged_prs
        .iter()
        .filter_map(|p| times::hours_to_first_review(p))
        .collect();
    let mut alerts: Vec<UnreviewedCriticalAlert> = merged_prs
        .iter()
        .filter(|p| p.critical && p.ai_assisted && p.outcome == Some(ReviewOutcome::Unreviewed))
        .filter_map(|p| {
            Some(UnreviewedCriticalAlert {
                repository: p.repository.clone(),
                number: p.number,
                url: p.url.clone(),
                title: p.title.clone(),
                author_user_id: p.author_user_id,
                author: p.author_user_id.and_then(name_of),
                merged_at: p.merged_at?,
                critical_paths: p.critical_paths.clone(),
                ai_evidence: p.ai_evidence.clone(),
            })
        })
        .collect();
    alerts.sort_by_key(|a| std::cmp::Reverse(a.merged_at));
    let usage_in_range = usage.df.clone().lazy().filter(in_range("day"));
    let edits_with_teams = usage_in_range.clone().join(
        membership_frame(developers)?.lazy(),
        [col("user_id")],
        [col("user_id")],
        JoinArgs::new(JoinType::Inner),
    );
    let edits_overall = edits(
        &usage_in_range.clone().with_column(lit(0i64).alias("all")),
        "all",
        &|_| "all".to_owned(),
        false,
    )?
    .into_iter()
    .next()
    .unwrap_or(EditReview {
        key: "all".to_owned(),
        user_id: None,
        edits: 0,
        edits_unreviewed: 0,
        unreviewed_share_pct: None,
    });
    let repo_label = |id: i64| {
        usage
            .labels
            .repositories
            .get(id as usize)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    };
    Ok(ReviewsReport {
        from: params.range.from,
        to: params.range.to,
        overall: overall.unwrap_or(ReviewSkip {
            key: "all".to_owned(),
            user_id: None,
            all: zero,
            ai_assisted: zero,
            not_ai_assisted: zero,
            critical: zero,
            not_critical: zero,
        }),
        by_team: skips(
            &with_teams,
            col("team_id"),
            &|v| id_label(v, "(no team)", &team_name),
            false,
        )?,
        by_developer: skips(
            &merged,
            col("author"),
            &|v| id_label(v, "(unmatched)", &name_of),
            true,
        )?,
        by_repository: skips(
            &merged,
            col("repository"),
            &|v| v.get_str().unwrap_or_default().to_owned(),
            false,
        )?,
        skip_rate_target_pct: params.skip_rate_target_pct,
        time_to_first_review_median_hours: median(review_hours.clone()),
        reviewed_prs: review_hours.len(),
        time_to_first_review_by_split: times::by_split(&merged_prs),
        weeks: times::by_week(&merged_prs, params.range, params.tz),
        alerts,
        edits_overall,
        edits_by_team: edits(
            &edits_with_teams,
            "team_id",
            &|id| team_name(id).unwrap_or_else(|| format!("team {id}")),
            false,
        )?,
        edits_by_developer: edits(
            &usage_in_range,
            "user_id",
            &|id| name_of(id).unwrap_or_else(|| format!("user {id}")),
            true,
        )?,
        edits_by_repository: edits(&usage_in_range, "repository", &repo_label, false)?,
    })
}
