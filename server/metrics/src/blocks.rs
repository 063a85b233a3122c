//! ccusage-style 5-hour windows ("blocks"), the nearest-rank 90th percentile and the median.
//!
//! A window starts at its first event's timestamp floored to the hour and lasts 5 hours; the
//! first event at or after its end starts the next one. Because window starts and ends fall on
//! whole hours, hourly rollups (timestamped at the start of their hour) give exactly the windows
//! of the raw events; daily rollups would not.

use serde::{Deserialize, Serialize};

/// One hour in milliseconds.
pub const HOUR_MS: i64 = 3_600_000;
/// Length of a window.
pub const WINDOW_MS: i64 = 5 * HOUR_MS;

/// One 5-hour window of one developer and tool.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct UsageWindow {
    /// Window start (UTC ms, a whole hour).
    pub start_ms: i64,
    /// API-equivalent cost of the events in the window (known prices only).
    pub cost_usd: f64,
}

/// Splits `(ts_ms, cost_usd)` points, sorted by time, into windows.
pub fn windows(points: &[(i64, f64)]) -> Vec<UsageWindow> {
    let mut out: Vec<UsageWindow> = Vec::new();
    for &(ts, cost) in points {
        match out.last_mut() {
            Some(w) if ts < w.start_ms + WINDOW_MS => w.cost_usd += cost,
            _ => out.push(UsageWindow {
                start_ms: ts.div_euclid(HOUR_MS) * HOUR_MS,
                cost_usd: cost,
            }),
        }
    }
    out
}

/// Nearest-rank 90th percentile: the value of rank `ceil(0.9 n)` in ascending order, so with
/// fewer than 10 values it is the largest. `None` for no values.
pub fn p90(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = (sorted.len() * 9).div_ceil(10);
    sorted.get(rank.checked_sub(1)?).copied()
}

/// The median (mean of the two middle values for an even count); `None` for no values.
pub fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    (n > 0).then(|| {
        if n % 2 == 1 {
            values[n / 2]
        } else {
            (values[n / 2 - 1] + values[n / 2]) / 2.0
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_starts_at_the_floored_hour_and_the_first_event_after_five_hours_opens_the_next() {
        let h = HOUR_MS;
        // 10:20, 14:59 -> window 10:00-15:00; 15:00 -> new window 15:00; 23:10 -> 23:00.
        let points = [
            (10 * h + 20 * 60_000, 1.0),
            (15 * h - 60_000, 2.0),
            (15 * h, 4.0),
            (23 * h + 10 * 60_000, 8.0),
        ];
        let got = windows(&points);
        assert_eq!(
            got,
            vec![
                UsageWindow {
                    start_ms: 10 * h,
                    cost_usd: 3.0
                },
                UsageWindow {
                    start_ms: 15 * h,
                    cost_usd: 4.0
                },
                UsageWindow {
                    start_ms: 23 * h,
                    cost_usd: 8.0
                },
            ]
        );
    }

    #[test]
    fn hourly_rollups_give_the_same_windows_as_raw_events() {
        let h = HOUR_MS;
        let raw = [
            (10 * h + 20 * 60_000, 1.0),
            (14 * h + 59 * 60_000, 2.0),
            (15 * h + 5 * 60_000, 4.0),
        ];
        let rollup = [(10 * h, 1.0), (14 * h, 2.0), (15 * h, 4.0)];
        assert_eq!(windows(&raw), windows(&rollup));
    }

    #[test]
    fn p90_is_the_nearest_rank_value() {
        assert_eq!(p90(&[]), None);
        assert_eq!(p90(&[3.0, 1.0, 2.0]), Some(3.0));
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(p90(&ten), Some(9.0));
        let eleven: Vec<f64> = (1..=11).map(f64::from).collect();
        assert_eq!(p90(&eleven), Some(10.0)); // rank ceil(9.9) = 10
    }

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(vec![5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(vec![]), None);
    }
}
