//! The lift net of what developers who have not adopted did over the same weeks: a difference in
//! differences. Output moves for reasons of its own (a quarter's end, holidays, a reorganisation);
//! developers without an assistant live through the same weeks, so how their merged PRs moved over
//! each adopter's own before and after windows estimates what the adopters would have done without
//! one (definition in docs/metrics.md, "Productivity").

use serde::{Deserialize, Serialize};

use crate::bootstrap::two_group_bootstrap_interval;

use super::ProductivityParams;

const WEEK_MS: f64 = 7.0 * 86_400_000.0;

/// One included adopter: their baseline and after windows (UTC ms, end excluded) and their merged
/// PRs per week in each.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdopterWindows {
    pub baseline: (i64, i64),
    pub after: (i64, i64),
    pub rate_before: f64,
    pub rate_after: f64,
}

/// The adopters' lift against the developers who have not adopted (`non_adopters` in the report).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NonAdopterComparison {
    /// Developers of the scope with no assistant session up to `to`.
    pub developers: usize,
    /// Their merged PRs per developer-week over each adopter's baseline, summed over the adopters
    /// (as the lift's `before_per_week` sums the adopters' rates).
    pub before_per_week: f64,
    /// The same over each adopter's after window.
    pub after_per_week: f64,
    /// `(after / before − 1) × 100`: how their output moved over the adopters' weeks; given only
    /// together with the net lift's interval.
    pub change_pct: Option<f64>,
    /// The adopters' lift minus `change_pct`, in percentage points; only with its interval.
    pub net_lift_pp: Option<f64>,
    pub ci_low_pp: Option<f64>,
    pub ci_high_pp: Option<f64>,
    /// The interval excludes 0.
    pub significant: bool,
    /// `false` with fewer than `min_developers` (at least 2) adopters or non-adopters, or no
    /// merged PR of the non-adopters in the adopters' baselines.
    pub sufficient_data: bool,
}

fn weeks((start, end): (i64, i64)) -> f64 {
    (end - start).max(0) as f64 / WEEK_MS
}

/// Merged PRs per week of one non-adopter (`merges`: merge instants) in a window.
fn rate(merges: &[i64], window: (i64, i64)) -> f64 {
    let length = weeks(window);
    if length <= 0.0 {
        return 0.0;
    }
    let count = merges
        .iter()
        .filter(|&&t| t >= window.0 && t < window.1)
        .count();
    count as f64 / length
}

/// Compares the `adopters` with the non-adopters whose merge instants are `non_adopters` (one list
/// per developer). Per adopter i and non-adopter j, `c_before[i][j]` and `c_after[i][j]` are j's
/// merged PRs per week in i's baseline and after windows; with `A = Σ_i after_i / Σ_i before_i`
/// and `C = Σ_ij c_after / Σ_ij c_before`, the net lift is `(A − C) × 100` percentage points. Its
/// interval resamples adopters and non-adopters, each group within itself.
pub fn against_non_adopters(
    adopters: &[AdopterWindows],
    non_adopters: &[Vec<i64>],
    params: &ProductivityParams,
) -> NonAdopterComparison {
    let c_before: Vec<Vec<f64>> = adopters
        .iter()
        .map(|a| non_adopters.iter().map(|m| rate(m, a.baseline)).collect())
        .collect();
    let c_after: Vec<Vec<f64>> = adopters
        .iter()
        .map(|a| non_adopters.iter().map(|m| rate(m, a.after)).collect())
        .collect();
    let ratios = |ia: &[usize], ic: &[usize]| {
        let (mut before, mut after, mut c_b, mut c_a) = (0.0, 0.0, 0.0, 0.0);
        for &i in ia {
            before += adopters[i].rate_before;
            after += adopters[i].rate_after;
            for &j in ic {
                c_b += c_before[i][j];
                c_a += c_after[i][j];
            }
        }
        (before > 0.0 && c_b > 0.0).then(|| (after / before, c_a / c_b))
    };
    let net = |ia: &[usize], ic: &[usize]| ratios(ia, ic).map(|(a, c)| (a - c) * 100.0);
    let all_adopters: Vec<usize> = (0..adopters.len()).collect();
    let all_others: Vec<usize> = (0..non_adopters.len()).collect();
    let point = net(&all_adopters, &all_others);
    let enough = params.min_developers.max(2);
    let interval = (adopters.len() >= enough && non_adopters.len() >= enough)
        .then(|| {
            two_group_bootstrap_interval(
                [adopters.len(), non_adopters.len()],
                params.bootstrap_iterations,
                params.seed,
                params.confidence,
                net,
            )
        })
        .flatten()
        .filter(|_| point.is_some());
    let per_developer = |rates: &[Vec<f64>]| {
        let total: f64 = rates.iter().flatten().sum();
        if non_adopters.is_empty() {
            0.0
        } else {
            total / non_adopters.len() as f64
        }
    };
    let change = ratios(&all_adopters, &all_others).map(|(_, c)| (c - 1.0) * 100.0);
    NonAdopterComparison {
        developers: non_adopters.len(),
        before_per_week: per_developer(&c_before),
        after_per_week: per_developer(&c_after),
        change_pct: interval.and(change),
        net_lift_pp: interval.and(point),
        ci_low_pp: interval.map(|i| i.low),
        ci_high_pp: interval.map(|i| i.high),
        significant: interval.is_some_and(|i| i.low > 0.0 || i.high < 0.0),
        sufficient_data: interval.is_some(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    const DAY: i64 = 86_400_000;

    fn params() -> ProductivityParams {
        let day = NaiveDate::from_ymd_opt(2026, 1, 1).expect("a date");
        ProductivityParams {
            to: day,
            tz: chrono_tz::UTC,
            history_from: day,
            baseline_weeks: 1,
            ramp_weeks: 1,
            min_developers: 2,
            bootstrap_iterations: 1000,
            seed: 42,
            confidence: 0.9,
        }
    }

    /// Two adopters, each one week before (2 PRs) and one week after (3 PRs): a lift of +50 %.
    fn adopters() -> Vec<AdopterWindows> {
        let adopter = |start_day: i64| AdopterWindows {
            baseline: (start_day * DAY, (start_day + 7) * DAY),
            after: ((start_day + 14) * DAY, (start_day + 21) * DAY),
            rate_before: 2.0,
            rate_after: 3.0,
        };
        vec![adopter(0), adopter(7)]
    }

    fn days(list: &[i64]) -> Vec<i64> {
        list.iter().map(|d| d * DAY + DAY / 2).collect()
    }

    #[test]
    fn the_net_lift_is_the_adopters_lift_minus_the_non_adopters_change_over_the_same_weeks() {
        // x merges once in each baseline (days 1 and 8), twice in the first adopter's after window
        // (days 15, 16) and twice in the second's (days 22, 24); y once in each baseline (days 2,
        // 9), never in the first's after window and once in the second's (day 23).
        let others = vec![days(&[1, 8, 15, 16, 22, 24]), days(&[2, 9, 23])];

        let got = against_non_adopters(&adopters(), &others, &params());

        // Per developer-week: before (1 + 1 + 1 + 1) / 2 = 2, after (2 + 0 + 2 + 1) / 2 = 2.5, a
        // change of +25 %; the adopters' (3 + 3) / (2 + 2) = +50 %; net 50 − 25 = 25 points.
        assert_eq!(got.developers, 2);
        assert!((got.before_per_week - 2.0).abs() < 1e-9, "{got:?}");
        assert!((got.after_per_week - 2.5).abs() < 1e-9, "{got:?}");
        let change = got.change_pct.expect("a change");
        assert!((change - 25.0).abs() < 1e-9, "{got:?}");
        let net = got.net_lift_pp.expect("a net lift");
        assert!((net - 25.0).abs() < 1e-9, "{got:?}");
        let (low, high) = (got.ci_low_pp.expect("low"), got.ci_high_pp.expect("high"));
        assert!(low <= net && net <= high, "{got:?}");
        assert!(got.sufficient_data);
    }

    #[test]
    fn with_one_non_adopter_or_none_merging_in_the_baselines_no_net_lift_is_given() {
        let one = against_non_adopters(&adopters(), &[days(&[1, 8, 15, 22])], &params());
        assert_eq!(one.net_lift_pp, None);
        assert_eq!(one.change_pct, None);
        assert!(!one.sufficient_data && !one.significant);
        assert!((one.before_per_week - 2.0).abs() < 1e-9, "{one:?}");

        // Merges only after the baselines: no base to compare with.
        let idle = against_non_adopters(&adopters(), &[days(&[15]), days(&[22])], &params());
        assert_eq!(idle.net_lift_pp, None);
        assert_eq!(idle.ci_low_pp, None);
        assert!(!idle.sufficient_data);
    }
}
