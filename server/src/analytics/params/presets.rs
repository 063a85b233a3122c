//! Named date ranges (`preset=`) and the comparison period (`compare=`), resolved against the
//! organisation's today and ended like every other range: at the last day with data when that
//! day falls inside the window (docs/metrics.md, "API parameters").

use agentmeter_metrics::calendar::DateRange;
use chrono::{Datelike, Days, Months, NaiveDate};

use crate::error::{Error, Result};

/// A named range the filter bar offers and the API accepts as `preset=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangePreset {
    ThisMonth,
    LastMonth,
    Last30Days,
    Last90Days,
    QuarterToDate,
}

impl RangePreset {
    /// Every preset, in the order the filter bar lists them.
    pub const ALL: [RangePreset; 5] = [
        RangePreset::ThisMonth,
        RangePreset::LastMonth,
        RangePreset::Last30Days,
        RangePreset::Last90Days,
        RangePreset::QuarterToDate,
    ];

    /// The `preset=` value, e.g. `last-30-days`.
    pub fn as_str(self) -> &'static str {
        match self {
            RangePreset::ThisMonth => "this-month",
            RangePreset::LastMonth => "last-month",
            RangePreset::Last30Days => "last-30-days",
            RangePreset::Last90Days => "last-90-days",
            RangePreset::QuarterToDate => "quarter-to-date",
        }
    }

    /// What people call it, e.g. `Last 30 days`.
    pub fn label(self) -> &'static str {
        match self {
            RangePreset::ThisMonth => "This month",
            RangePreset::LastMonth => "Last month",
            RangePreset::Last30Days => "Last 30 days",
            RangePreset::Last90Days => "Last 90 days",
            RangePreset::QuarterToDate => "Quarter to date",
        }
    }

    /// The preset named by a `preset=` value; anything else is a 400 listing the names.
    pub fn parse(value: &str) -> Result<RangePreset> {
        RangePreset::ALL
            .into_iter()
            .find(|p| p.as_str() == value)
            .ok_or_else(|| {
                Error::BadRequest(format!(
                    "preset must be one of this-month, last-month, last-30-days, last-90-days, \
                     quarter-to-date; got {value:?}"
                ))
            })
    }

    /// The whole window on `today`: `(first day, nominal last day)`, both inclusive.
    pub fn window(self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let first_of_month = today.with_day(1).unwrap_or(today);
        match self {
            RangePreset::ThisMonth => (first_of_month, today),
            RangePreset::LastMonth => {
                let end = first_of_month - Days::new(1);
                (end.with_day(1).unwrap_or(end), end)
            }
            RangePreset::Last30Days => (today - Days::new(29), today),
            RangePreset::Last90Days => (today - Days::new(89), today),
            RangePreset::QuarterToDate => {
                let back = today.month0() % 3;
                let start = first_of_month
                    .checked_sub_months(Months::new(back))
                    .unwrap_or(first_of_month);
                (start, today)
            }
        }
    }

    /// The window on `today`, ended at `last_day` (the scope's last day with data) when that day
    /// is inside it, so a preset stops where the data stops exactly as the default range does;
    /// a window without any data keeps its nominal end and shows as empty.
    pub fn resolve(self, today: NaiveDate, last_day: Option<NaiveDate>) -> DateRange {
        let (from, end) = self.window(today);
        let to = match last_day {
            Some(day) if day >= from && day < end => day,
            _ => end,
        };
        DateRange { from, to }
    }
}

/// What a page compares its range with (`compare=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// The same number of days just before the range.
    PreviousPeriod,
}

impl Comparison {
    /// `compare=` value: empty is none, `previous-period` the only period so far; else a 400.
    pub fn parse(value: Option<&str>) -> Result<Option<Comparison>> {
        match value.map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some("previous-period") => Ok(Some(Comparison::PreviousPeriod)),
            Some(other) => Err(Error::BadRequest(format!(
                "compare must be previous-period, got {other:?}"
            ))),
        }
    }

    /// The `compare=` value.
    pub fn as_str(self) -> &'static str {
        "previous-period"
    }
}

/// `compare=` of the spend report: only that report has a comparison period, so it is a
/// parameter of its own rather than one of [`super::MetricsQuery`]'s.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompareQuery {
    /// `previous-period`: the same number of days just before the range, as `comparison`.
    #[param(pattern = "^previous-period$")]
    pub compare: Option<String>,
}

impl CompareQuery {
    /// The comparison asked for; an unknown one is a 400.
    pub fn comparison(&self) -> Result<Option<Comparison>> {
        Comparison::parse(self.compare.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    fn resolved(preset: RangePreset, today: &str) -> (String, String) {
        let r = preset.resolve(day(today), None);
        (r.from.to_string(), r.to.to_string())
    }

    fn pair(from: &str, to: &str) -> (String, String) {
        (from.to_owned(), to.to_owned())
    }

    #[test]
    fn each_preset_resolves_to_hand_computed_dates_in_mid_november() {
        let today = "2026-11-18";
        assert_eq!(
            resolved(RangePreset::ThisMonth, today),
            pair("2026-11-01", "2026-11-18")
        );
        assert_eq!(
            resolved(RangePreset::LastMonth, today),
            pair("2026-10-01", "2026-10-31")
        );
        // 30 days including today: Oct 20 .. Nov 18 (12 days of October + 18 of November).
        assert_eq!(
            resolved(RangePreset::Last30Days, today),
            pair("2026-10-20", "2026-11-18")
        );
        // 90 days: Aug 21 .. Nov 18 (11 + 30 + 31 + 18).
        assert_eq!(
            resolved(RangePreset::Last90Days, today),
            pair("2026-08-21", "2026-11-18")
        );
        assert_eq!(
            resolved(RangePreset::QuarterToDate, today),
            pair("2026-10-01", "2026-11-18")
        );
    }

    #[test]
    fn quarters_start_on_january_april_july_and_october_first() {
        for (today, start) in [
            ("2026-01-01", "2026-01-01"),
            ("2026-03-31", "2026-01-01"),
            ("2026-04-01", "2026-04-01"),
            ("2026-06-30", "2026-04-01"),
            ("2026-08-15", "2026-07-01"),
            ("2026-12-31", "2026-10-01"),
        ] {
            assert_eq!(
                resolved(RangePreset::QuarterToDate, today),
                pair(start, today),
                "{today}"
            );
        }
    }

    #[test]
    fn in_early_january_the_presets_reach_back_into_the_previous_year() {
        let today = "2027-01-05";
        assert_eq!(
            resolved(RangePreset::LastMonth, today),
            pair("2026-12-01", "2026-12-31")
        );
        // Dec 7 .. Jan 5: 25 days of December + 5 of January.
        assert_eq!(
            resolved(RangePreset::Last30Days, today),
            pair("2026-12-07", "2027-01-05")
        );
        // Oct 8 .. Jan 5: 24 + 30 + 31 + 5.
        assert_eq!(
            resolved(RangePreset::Last90Days, today),
            pair("2026-10-08", "2027-01-05")
        );
        assert_eq!(
            resolved(RangePreset::ThisMonth, today),
            pair("2027-01-01", "2027-01-05")
        );
        // Last month of a leap February.
        assert_eq!(
            resolved(RangePreset::LastMonth, "2028-03-10"),
            pair("2028-02-01", "2028-02-29")
        );
    }

    #[test]
    fn a_preset_ends_at_the_last_day_with_data_only_when_that_day_is_inside_it() {
        let today = day("2026-11-18");
        let ends = |preset: RangePreset, last: &str| {
            let r = preset.resolve(today, Some(day(last)));
            (r.from.to_string(), r.to.to_string())
        };
        assert_eq!(
            ends(RangePreset::ThisMonth, "2026-11-17"),
            pair("2026-11-01", "2026-11-17")
        );
        // Data running on past last month's end leaves last month whole.
        assert_eq!(
            ends(RangePreset::LastMonth, "2026-11-17"),
            pair("2026-10-01", "2026-10-31")
        );
        assert_eq!(
            ends(RangePreset::LastMonth, "2026-10-20"),
            pair("2026-10-01", "2026-10-20")
        );
        // No data in the window at all: its nominal end, so the page says "nothing here".
        assert_eq!(
            ends(RangePreset::ThisMonth, "2026-10-31"),
            pair("2026-11-01", "2026-11-18")
        );
    }

    #[test]
    fn names_round_trip_and_unknown_names_are_bad_requests() {
        for p in RangePreset::ALL {
            assert_eq!(RangePreset::parse(p.as_str()).expect("known"), p);
        }
        assert!(matches!(
            RangePreset::parse("last-week"),
            Err(Error::BadRequest(m)) if m.contains("last-week")
        ));
        assert_eq!(Comparison::parse(Some(" ")).expect("blank"), None);
        assert_eq!(
            Comparison::parse(Some("previous-period")).expect("known"),
            Some(Comparison::PreviousPeriod)
        );
        assert!(Comparison::parse(Some("last-year")).is_err());
    }
}
