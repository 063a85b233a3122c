//! 5-hour usage windows, as `agentmeter usage --by window` shows them: the periods Claude's
//! subscription limits are counted over, grouped by the rule ccusage's `blocks` report uses. A
//! window starts at its first message's time floored to the UTC hour and lasts 5 hours; a message
//! more than 5 hours after its window's start opens the next one (one exactly 5 hours after stays
//! in). A window is active while it has not ended and its last message is under 5 hours old.

use chrono::{DateTime, Duration, DurationRound, Utc};
use serde::{Deserialize, Serialize};

/// How long a window lasts.
pub fn window_length() -> Duration {
    Duration::hours(5)
}

/// One window: when it starts and ends, and its last message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowSpan {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub last_activity: DateTime<Utc>,
    /// Still open at the time of the report.
    pub active: bool,
}

/// The window of each message: `times` must be sorted; the result gives, for every message, the
/// index of its window in the returned list.
pub fn assign(times: &[DateTime<Utc>], now: DateTime<Utc>) -> (Vec<WindowSpan>, Vec<usize>) {
    let mut windows: Vec<WindowSpan> = Vec::new();
    let mut of_message = Vec::with_capacity(times.len());
    for &t in times {
        match windows.last_mut() {
            Some(w) if t - w.start <= window_length() => w.last_activity = t,
            _ => {
                let start = t.duration_trunc(Duration::hours(1)).unwrap_or(t);
                windows.push(WindowSpan {
                    start,
                    end: start + window_length(),
                    last_activity: t,
                    active: false,
                });
            }
        }
        of_message.push(windows.len() - 1);
    }
    for w in &mut windows {
        w.active = now < w.end && now - w.last_activity < window_length();
    }
    (windows, of_message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> DateTime<Utc> {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn a_window_starts_at_the_first_messages_hour_and_keeps_messages_up_to_five_hours_later() {
        let times = [
            t("2026-01-09T10:55:30Z"),
            t("2026-01-09T14:59:00Z"),
            t("2026-01-09T15:00:00Z"),
            t("2026-01-09T15:00:01Z"),
        ];
        let (windows, of) = assign(&times, t("2026-02-01T00:00:00Z"));
        assert_eq!(of, vec![0, 0, 0, 1]);
        assert_eq!(windows[0].start, t("2026-01-09T10:00:00Z"));
        assert_eq!(windows[0].end, t("2026-01-09T15:00:00Z"));
        assert_eq!(windows[0].last_activity, t("2026-01-09T15:00:00Z"));
        assert_eq!(windows[1].start, t("2026-01-09T15:00:00Z"));
        assert!(windows.iter().all(|w| !w.active));
    }

    #[test]
    fn a_gap_of_more_than_five_hours_opens_a_new_window_at_the_next_messages_hour() {
        let times = [t("2026-01-09T10:10:00Z"), t("2026-01-09T18:40:00Z")];
        let (windows, of) = assign(&times, t("2026-01-09T19:00:00Z"));
        assert_eq!(of, vec![0, 1]);
        assert_eq!(windows[1].start, t("2026-01-09T18:00:00Z"));
        assert!(!windows[0].active);
        assert!(windows[1].active, "open and used 20 minutes ago");
    }
}
