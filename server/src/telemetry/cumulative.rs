//! Cumulative sums to deltas: each point counts what it adds to the point last counted in its
//! series, so a re-sent or late point adds nothing and a restarted series counts from zero.

/// The point of a series counted last.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LastPoint {
    pub start_ns: i64,
    pub time_ns: i64,
    pub value: f64,
}

/// What a cumulative point does to its series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Counted {
    /// The point is newer: `delta` is what it adds; it becomes the last point.
    New { delta: f64, last: LastPoint },
    /// Already counted (a retry) or older than what was (a late copy): adds nothing.
    Seen,
}

/// Counts `point` against `last`. A later start time is a restart (the exporter's process began
/// again), so the whole value is new. In a monotonic sum a value below the last one, with the
/// same start, is also a restart.
pub fn count(last: Option<LastPoint>, point: LastPoint, monotonic: bool) -> Counted {
    let fresh = Counted::New {
        delta: point.value,
        last: point,
    };
    let Some(last) = last else {
        return fresh;
    };
    if point.start_ns > last.start_ns {
        return fresh;
    }
    if point.start_ns < last.start_ns || point.time_ns <= last.time_ns {
        return Counted::Seen;
    }
    let delta = point.value - last.value;
    if monotonic && delta < 0.0 {
        return fresh;
    }
    Counted::New { delta, last: point }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(start_ns: i64, time_ns: i64, value: f64) -> LastPoint {
        LastPoint {
            start_ns,
            time_ns,
            value,
        }
    }

    fn delta(counted: Counted) -> Option<f64> {
        match counted {
            Counted::New { delta, .. } => Some(delta),
            Counted::Seen => None,
        }
    }

    #[test]
    fn a_series_adds_the_growth_between_points() {
        assert_eq!(delta(count(None, point(1, 10, 5.0), true)), Some(5.0));
        assert_eq!(
            delta(count(Some(point(1, 10, 5.0)), point(1, 20, 8.0), true)),
            Some(3.0)
        );
    }

    #[test]
    fn a_retried_or_late_point_adds_nothing() {
        let last = Some(point(1, 20, 8.0));
        assert_eq!(count(last, point(1, 20, 8.0), true), Counted::Seen);
        assert_eq!(count(last, point(1, 10, 5.0), true), Counted::Seen);
        assert_eq!(count(last, point(0, 30, 9.0), true), Counted::Seen);
    }

    #[test]
    fn a_restarted_series_counts_from_zero() {
        let last = Some(point(1, 20, 8.0));
        assert_eq!(delta(count(last, point(25, 30, 2.0), true)), Some(2.0));
        assert_eq!(delta(count(last, point(1, 30, 2.0), true)), Some(2.0));
        assert_eq!(delta(count(last, point(1, 30, 2.0), false)), Some(-6.0));
    }
}
