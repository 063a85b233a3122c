//! The figures the generator planted, measured on what it generated with the engine's
//! definitions (docs/metrics.md), so tests compare the server's answers with exact expectations.

use agentmeter_ingest::pricing::PriceTable;
use chrono::{DateTime, Duration, Utc};

use crate::model::{request_cost, PullRequest, Session};
use crate::org::DEVELOPERS;
use crate::timeline::{midnight, Calendar};

/// First usage instant of every developer (`None` for those who never start).
pub fn first_use_instants(sessions: &[Session]) -> Vec<Option<DateTime<Utc>>> {
    (0..DEVELOPERS.len())
        .map(|i| {
            sessions
                .iter()
                .filter(|s| s.developer == i)
                .flat_map(|s| s.requests.iter().map(|r| r.at))
                .min()
        })
        .collect()
}

/// Team lift of merged PRs per week: `Σ after rates / Σ before rates − 1`, in percent, over
/// developers with baseline activity, with the engine's windows (baseline weeks before first use,
/// after from first use + ramp weeks to the end of the calendar's last day).
pub fn merged_pr_lift_pct(
    calendar: &Calendar,
    sessions: &[Session],
    prs: &[PullRequest],
    baseline_weeks: i64,
    ramp_weeks: i64,
) -> f64 {
    let end = calendar.end_instant();
    let (mut before, mut after) = (0.0, 0.0);
    for (index, first) in first_use_instants(sessions).into_iter().enumerate() {
        let Some(first) = first else { continue };
        let (base_start, after_start) = (
            first - Duration::weeks(baseline_weeks),
            first + Duration::weeks(ramp_weeks),
        );
        let own = || prs.iter().filter(|p| p.author == index);
        let b = own()
            .filter(|p| p.merged_at >= base_start && p.merged_at < first)
            .count() as f64;
        let a = own()
            .filter(|p| p.merged_at >= after_start && p.merged_at < end)
            .count() as f64;
        let after_weeks = (end - after_start).num_milliseconds() as f64
            / Duration::weeks(1).num_milliseconds() as f64;
        if b > 0.0 && after_weeks >= 1.0 {
            before += b / baseline_weeks as f64;
            after += a / after_weeks;
        }
    }
    (after / before - 1.0) * 100.0
}

/// Share of the adoption period's spend taken by the `ceil(0.2 n)` heaviest of all `n`
/// developers (non-starters included), percent.
pub fn top20_share_pct(calendar: &Calendar, sessions: &[Session], prices: &PriceTable) -> f64 {
    let start = midnight(calendar.adoption_start);
    let end = calendar.end_instant();
    let mut costs = vec![0.0; DEVELOPERS.len()];
    for s in sessions {
        costs[s.developer] += s
            .requests
            .iter()
            .filter(|r| r.at >= start && r.at < end)
            .map(|r| request_cost(prices, s.tool, r))
            .sum::<f64>();
    }
    costs.sort_by(|a, b| b.total_cmp(a));
    let top = DEVELOPERS.len().div_ceil(5);
    costs[..top].iter().sum::<f64>() / costs.iter().sum::<f64>() * 100.0
}
