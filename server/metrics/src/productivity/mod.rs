//! Productivity: merged PRs and commits per week before a developer's first assistant session vs
//! after a ramp, the team lift with its bootstrap interval, and before/after PR figures
//! (definitions in docs/metrics.md, section "Productivity").

use std::collections::HashMap;

use chrono::TimeDelta;
use polars::prelude::*;

use crate::blocks::median;
use crate::bootstrap::bootstrap_interval;
use crate::calendar::{local_date, local_midnight_utc_ms};
use crate::error::{MetricsError, Result};
use crate::frames::{commit_frame, i64_values, pull_request_frame, UsageFrame};
use crate::rows::{CommitRow, DeveloperRow, PullRequestRow};

mod comparison;
mod report;

pub use comparison::{against_non_adopters, AdopterWindows, NonAdopterComparison};
pub use report::{
    BeforeAfter, DeveloperProductivity, DeveloperStatus, Lift, ProductivityParams,
    ProductivityReport,
};

const WEEK_MS: i64 = 7 * 86_400_000;

/// Per developer: first use, baseline start, after start (UTC ms).
struct Windows {
    first: i64,
    baseline_start: i64,
    after_start: i64,
}

/// Items of one period: (user, period 0 = before / 1 = after, a, b) from a filtered join.
fn periods(
    items: DataFrame,
    ts: &str,
    windows: &DataFrame,
    end: i64,
    a: &str,
    b: &str,
) -> Result<Vec<(i64, i64, i64, i64)>> {
    let period = when(
        col(ts)
            .gt_eq(col("baseline_start"))
            .and(col(ts).lt(col("first"))),
    )
    .then(lit(0i64))
    .otherwise(
        when(col(ts).gt_eq(col("after_start")).and(col(ts).lt(lit(end))))
            .then(lit(1i64))
            .otherwise(lit(NULL)),
    );
    let df = items
        .lazy()
        .join(
            windows.clone().lazy(),
            [col("author")],
            [col("user_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .with_column(period.alias("period"))
        .filter(col("period").is_not_null())
        .select([
            col("author"),
            col("period"),
            col(a).alias("a"),
            col(b).alias("b"),
        ])
        .collect()?;
    let cols = [
        i64_values(&df, "author")?,
        i64_values(&df, "period")?,
        i64_values(&df, "a")?,
        i64_values(&df, "b")?,
    ];
    Ok((0..df.height())
        .map(|i| (cols[0][i], cols[1][i], cols[2][i], cols[3][i]))
        .collect())
}

fn lift(rates: &[(f64, f64)], params: &ProductivityParams) -> Lift {
    let stat = |idx: &[usize]| {
        let (b, a) = idx.iter().fold((0.0, 0.0), |acc, &i| {
            (acc.0 + rates[i].0, acc.1 + rates[i].1)
        });
        (b > 0.0).then(|| (a / b - 1.0) * 100.0)
    };
    let all: Vec<usize> = (0..rates.len()).collect();
    let point = stat(&all);
    let interval = (rates.len() >= params.min_developers.max(2))
        .then(|| {
            bootstrap_interval(
                rates.len(),
                params.bootstrap_iterations,
                params.seed,
                params.confidence,
                stat,
            )
        })
        .flatten()
        .filter(|_| point.is_some());
    let (before, after) = rates
        .iter()
        .fold((0.0, 0.0), |acc, r| (acc.0 + r.0, acc.1 + r.1));
    Lift {
        lift_pct: interval.and(point),
        ci_low_pct: interval.map(|i| i.low),
        ci_high_pct: interval.map(|i| i.high),
        significant: interval.is_some_and(|i| i.low > 0.0 || i.high < 0.0),
        sufficient_data: interval.is_some(),
        developers: rates.len(),
        before_per_week: before,
        after_per_week: after,
    }
}

/// Before/after productivity of every developer, and the team lifts.
///
/// `usage` must hold each developer's first usage (all history up to `to`).
pub fn productivity_report(
    usage: &UsageFrame,
    developers: &[DeveloperRow],
    prs: &[PullRequestRow],
    commits: &[CommitRow],
    params: &ProductivityParams,
) -> Result<ProductivityReport> {
    ProductivityInputs::new(usage, prs, commits, params)?.report(developers)
}

/// What [`productivity_report`] reads, prepared once for reports over several sets of
/// developers (a page's and each of its teams'): first uses, merged pull requests and commits.
pub struct ProductivityInputs {
    params: ProductivityParams,
    end: i64,
    history: i64,
    /// User -> first usage (UTC ms) before `end`.
    first: HashMap<i64, i64>,
    /// Merged pull requests, with `cycle_ms`.
    merged: DataFrame,
    /// Merge instants (UTC ms) by author, for the comparison with developers who have not adopted.
    merges_by_author: HashMap<i64, Vec<i64>>,
    commits: DataFrame,
}

impl ProductivityInputs {
    /// Checks the parameters and builds the frames; `usage`, `prs` and `commits` may cover more
    /// developers than a report asks for.
    pub fn new(
        usage: &UsageFrame,
        prs: &[PullRequestRow],
        commits: &[CommitRow],
        params: &ProductivityParams,
    ) -> Result<ProductivityInputs> {
        let end = local_midnight_utc_ms(params.to + TimeDelta::days(1), params.tz)?;
        let history = local_midnight_utc_ms(params.history_from, params.tz)?;
        if params.confidence <= 0.0 || params.confidence >= 1.0 {
            return Err(MetricsError::InvalidParams(format!(
                "confidence {} is not in (0, 1)",
                params.confidence
            )));
        }
        let firsts = usage
            .df
            .clone()
            .lazy()
            .filter(col("ts_ms").lt(lit(end)))
            .group_by([col("user_id")])
            .agg([col("ts_ms").min()])
            .collect()?;
        let first: HashMap<i64, i64> = i64_values(&firsts, "user_id")?
            .into_iter()
            .zip(i64_values(&firsts, "ts_ms")?)
            .collect();
        let merged = pull_request_frame(prs, params.tz)?
            .lazy()
            .filter(col("merged_ms").is_not_null())
            .with_column((col("merged_ms") - col("created_ms")).alias("cycle_ms"))
            .collect()?;
        let mut merges_by_author: HashMap<i64, Vec<i64>> = HashMap::new();
        for (author, at) in i64_values(&merged, "author")?
            .into_iter()
            .zip(i64_values(&merged, "merged_ms")?)
        {
            merges_by_author.entry(author).or_default().push(at);
        }
        Ok(ProductivityInputs {
            params: params.clone(),
            end,
            history,
            first,
            merged,
            merges_by_author,
            commits: commit_frame(commits)?,
        })
    }

    /// The report over `developers`.
    pub fn report(&self, developers: &[DeveloperRow]) -> Result<ProductivityReport> {
        let (params, end, history, first) = (&self.params, self.end, self.history, &self.first);
        let windows: HashMap<i64, Windows> = developers
            .iter()
            .filter_map(|d| {
                first.get(&d.user_id).map(|&f| {
                    (
                        d.user_id,
                        Windows {
                            first: f,
                            baseline_start: f - i64::from(params.baseline_weeks) * WEEK_MS,
                            after_start: f + i64::from(params.ramp_weeks) * WEEK_MS,
                        },
                    )
                })
            })
            .collect();
        let ids: Vec<i64> = windows.keys().copied().collect();
        let wdf = DataFrame::new(
            ids.len(),
            vec![
                Column::new("user_id".into(), ids.clone()),
                Column::new(
                    "first".into(),
                    ids.iter().map(|u| windows[u].first).collect::<Vec<i64>>(),
                ),
                Column::new(
                    "baseline_start".into(),
                    ids.iter()
                        .map(|u| windows[u].baseline_start)
                        .collect::<Vec<i64>>(),
                ),
                Column::new(
                    "after_start".into(),
                    ids.iter()
                        .map(|u| windows[u].after_start)
                        .collect::<Vec<i64>>(),
                ),
            ],
        )?;
        let pr_items = periods(
            self.merged.clone(),
            "merged_ms",
            &wdf,
            end,
            "cycle_ms",
            "lines_added",
        )?;
        let commit_items = periods(
            self.commits.clone(),
            "ts_ms",
            &wdf,
            end,
            "test_lines",
            "all_lines",
        )?;

        let mut counts: HashMap<(i64, i64), (i64, i64)> = HashMap::new(); // (user, period) -> (prs, commits)
        pr_items
            .iter()
            .for_each(|&(u, p, _, _)| counts.entry((u, p)).or_default().0 += 1);
        commit_items
            .iter()
            .for_each(|&(u, p, _, _)| counts.entry((u, p)).or_default().1 += 1);
        let count = |u: i64, p: i64| counts.get(&(u, p)).copied().unwrap_or_default();
        let mut per_developer = Vec::with_capacity(developers.len());
        for d in developers {
            let w = windows.get(&d.user_id);
            let (before, after) = (count(d.user_id, 0), count(d.user_id, 1));
            let after_weeks = w.map_or(0.0, |w| {
                (end - w.after_start).max(0) as f64 / WEEK_MS as f64
            });
            let status = match w {
                None => DeveloperStatus::NotStarted,
                Some(w) if w.baseline_start < history || before == (0, 0) => {
                    DeveloperStatus::NoBaseline
                }
                Some(_) if after_weeks < 1.0 => DeveloperStatus::NoAfterWindow,
                Some(_) => DeveloperStatus::Included,
            };
            per_developer.push(DeveloperProductivity {
                user_id: d.user_id,
                name: d.name.clone(),
                first_use: w.map(|w| local_date(w.first, params.tz)).transpose()?,
                status,
                baseline_weeks: if w.is_some() {
                    f64::from(params.baseline_weeks)
                } else {
                    0.0
                },
                after_weeks,
                merged_prs_before: before.0,
                merged_prs_after: after.0,
                commits_before: before.1,
                commits_after: after.1,
            });
        }
        let included: Vec<&DeveloperProductivity> = per_developer
            .iter()
            .filter(|d| d.status == DeveloperStatus::Included)
            .collect();
        let rates = |f: fn(&DeveloperProductivity) -> (i64, i64)| -> Vec<(f64, f64)> {
            included
                .iter()
                .map(|d| {
                    (
                        f(d).0 as f64 / d.baseline_weeks,
                        f(d).1 as f64 / d.after_weeks,
                    )
                })
                .collect()
        };
        let is_included = |u: i64| included.iter().any(|d| d.user_id == u);
        let side = |items: &[(i64, i64, i64, i64)], p: i64| -> Vec<(i64, i64)> {
            items
                .iter()
                .filter(|i| i.1 == p && is_included(i.0))
                .map(|i| (i.2, i.3))
                .collect()
        };
        type Measure<'a> = &'a dyn Fn(&[(i64, i64)]) -> Option<f64>;
        let before_after = |f: Measure, items: &[(i64, i64, i64, i64)]| {
            let (b, a) = (side(items, 0), side(items, 1));
            BeforeAfter {
                before: f(&b),
                after: f(&a),
                before_n: b.len(),
                after_n: a.len(),
            }
        };
        let status_count =
            |s: DeveloperStatus| per_developer.iter().filter(|d| d.status == s).count();
        let adopters: Vec<AdopterWindows> = included
            .iter()
            .filter_map(|d| {
                let w = windows.get(&d.user_id)?;
                Some(AdopterWindows {
                    baseline: (w.baseline_start, w.first),
                    after: (w.after_start, end),
                    rate_before: d.merged_prs_before as f64 / d.baseline_weeks,
                    rate_after: d.merged_prs_after as f64 / d.after_weeks,
                })
            })
            .collect();
        let non_adopters: Vec<Vec<i64>> = per_developer
            .iter()
            .filter(|d| d.status == DeveloperStatus::NotStarted)
            .map(|d| {
                self.merges_by_author
                    .get(&d.user_id)
                    .cloned()
                    .unwrap_or_default()
            })
            .collect();
        Ok(ProductivityReport {
            to: params.to,
            baseline_weeks: params.baseline_weeks,
            ramp_weeks: params.ramp_weeks,
            developers_included: included.len(),
            developers_no_baseline: status_count(DeveloperStatus::NoBaseline),
            developers_no_after_window: status_count(DeveloperStatus::NoAfterWindow),
            developers_not_started: status_count(DeveloperStatus::NotStarted),
            merged_prs_per_week: lift(
                &rates(|d| (d.merged_prs_before, d.merged_prs_after)),
                params,
            ),
            commits_per_week: lift(&rates(|d| (d.commits_before, d.commits_after)), params),
            non_adopters: against_non_adopters(&adopters, &non_adopters, params),
            cycle_time_median_hours: before_after(
                &|v| median(v.iter().map(|x| x.0 as f64 / 3_600_000.0).collect()),
                &pr_items,
            ),
            test_lines_share_pct: before_after(
                &|v| {
                    let (t, all) = v.iter().fold((0, 0), |acc, x| (acc.0 + x.0, acc.1 + x.1));
                    (all > 0).then(|| t as f64 / all as f64 * 100.0)
                },
                &commit_items,
            ),
            lines_added_per_pr: before_after(
                &|v| {
                    (!v.is_empty())
                        .then(|| v.iter().map(|x| x.1).sum::<i64>() as f64 / v.len() as f64)
                },
                &pr_items,
            ),
            per_developer,
        })
    }
}
