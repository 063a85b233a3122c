//! Changes of a dollar figure against a base, and when a percentage of one says something
//! (docs/metrics.md, "Changes"). Every change of spend the pages, the API and the e-mailed reports
//! give comes from here.

use serde::{Deserialize, Serialize};

/// The smallest base, in dollars, a percent change is given against: below it a change reads as
/// "+1608.6 %" on a few cents of trial use.
pub const MIN_CHANGE_BASE_USD: f64 = 10.0;

/// The smallest base as a share of the current figure. Below a tenth the percentage passes
/// +900 %, which measures how little there was before rather than how much more there is now
/// ("+4108 %" on a first week of use).
pub const MIN_CHANGE_BASE_SHARE: f64 = 0.1;

/// `(current / base - 1) * 100` where the base is meaningful: the period is over (`ended`), and
/// the base is at least [`MIN_CHANGE_BASE_USD`] and at least [`MIN_CHANGE_BASE_SHARE`] of
/// `current`. A month still running, or not started, compared with a whole one would show a drop
/// that is only the calendar.
pub fn meaningful_change_pct(current: f64, base: f64, ended: bool) -> Option<f64> {
    (ended && base >= MIN_CHANGE_BASE_USD && base >= MIN_CHANGE_BASE_SHARE * current)
        .then(|| (current / base - 1.0) * 100.0)
}

/// A change of a dollar figure of a period that is over against its base period.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SpendChange {
    /// The figure of the base period, USD.
    pub base_usd: f64,
    /// `current - base`, USD.
    pub change_usd: f64,
    /// `(current / base - 1) * 100` where the base is meaningful ([`meaningful_change_pct`]);
    /// otherwise `null`, and the change is given in dollars (or as new, on a base of zero).
    pub change_pct: Option<f64>,
}

/// How a [`SpendChange`] reads on a page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ShownChange {
    /// A percent change (`+12.5` is +12.5 %).
    Percent(f64),
    /// The base is too small for a percentage: the difference in dollars.
    Usd(f64),
    /// Nothing in the base period, something now.
    New,
    /// Nothing in either period.
    Nothing,
}

impl SpendChange {
    /// `current` against `base`, both figures of periods that are over.
    pub fn between(current: f64, base: f64) -> SpendChange {
        SpendChange {
            base_usd: base,
            change_usd: current - base,
            change_pct: meaningful_change_pct(current, base, true),
        }
    }

    /// The percentage where there is one, else the dollars, else "new".
    pub fn shown(&self) -> ShownChange {
        match self.change_pct {
            Some(pct) => ShownChange::Percent(pct),
            None if self.base_usd > 0.0 => ShownChange::Usd(self.change_usd),
            None if self.change_usd > 0.0 => ShownChange::New,
            None => ShownChange::Nothing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_percentage_needs_a_period_over_and_a_base_of_ten_dollars_and_a_tenth_of_now() {
        // 150 / 100 - 1 = +50 %; 0 / 75 - 1 = -100 % (a whole month without use is a real drop).
        assert_eq!(meaningful_change_pct(150.0, 100.0, true), Some(50.0));
        assert_eq!(meaningful_change_pct(0.0, 75.0, true), Some(-100.0));
        // Exactly at both limits: $10 before, $100 now, +900 %.
        assert_eq!(meaningful_change_pct(100.0, 10.0, true), Some(900.0));
        // Under the floor ($9.99), under a tenth of now ($11 before $463 now would read +4109 %),
        // or a period still running.
        assert_eq!(meaningful_change_pct(12.0, 9.99, true), None);
        assert_eq!(meaningful_change_pct(463.0, 11.0, true), None);
        assert_eq!(meaningful_change_pct(150.0, 100.0, false), None);
    }

    #[test]
    fn without_a_percentage_the_change_reads_in_dollars_or_as_new() {
        let shown = |current, base| SpendChange::between(current, base).shown();
        assert_eq!(shown(150.0, 100.0), ShownChange::Percent(50.0));
        assert_eq!(shown(463.0, 11.0), ShownChange::Usd(452.0));
        assert_eq!(shown(2.0, 5.0), ShownChange::Usd(-3.0));
        assert_eq!(shown(40.0, 0.0), ShownChange::New);
        assert_eq!(shown(0.0, 0.0), ShownChange::Nothing);
        assert_eq!(
            SpendChange::between(463.0, 11.0),
            SpendChange {
                base_usd: 11.0,
                change_usd: 452.0,
                change_pct: None
            }
        );
    }
}
