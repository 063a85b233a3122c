//! Calendar arithmetic in the organisation's time zone.
//!
//! Frames carry local buckets as plain integers so polars needs no time-zone feature:
//! `day` = days since 1970-01-01 of the local date, `week` = `day` of that week's Monday,
//! `month` = `year * 12 + month - 1`.

use chrono::{Datelike, Days, NaiveDate, TimeZone};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::error::{MetricsError, Result};

const EPOCH: NaiveDate = match NaiveDate::from_ymd_opt(1970, 1, 1) {
    Some(d) => d,
    None => panic!("1970-01-01 is a date"),
};
const MS_PER_DAY: i64 = 86_400_000;

/// An inclusive range of local dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateRange {
    /// First day (inclusive).
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
}

impl DateRange {
    /// A range; fails when `from` is after `to`.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self> {
        if from > to {
            return Err(MetricsError::InvalidParams(format!(
                "from {from} is after to {to}"
            )));
        }
        Ok(Self { from, to })
    }

    /// Every week (Monday to Sunday) the range touches, in order, each with whether the range
    /// cuts it (a partial first or last week, which charts mark rather than draw as a dip).
    pub fn weeks(&self) -> Vec<RangeWeek> {
        let (first, last) = (day_number(self.from), day_number(self.to));
        (week_of(first)..=week_of(last))
            .step_by(7)
            .filter_map(|monday| {
                Some(RangeWeek {
                    start: date_of(monday).ok()?,
                    partial: monday < first || monday + 6 > last,
                })
            })
            .collect()
    }

    /// Month indices of every calendar month the range touches, in order.
    pub(crate) fn months(&self) -> Vec<i32> {
        (month_index(self.from)..=month_index(self.to)).collect()
    }

    /// UTC instants `[start, end)` covering the whole calendar months the range touches, plus the
    /// month before: the usage a caller must load for spend and plan reports.
    pub fn load_window_utc_ms(&self, tz: Tz) -> Result<(i64, i64)> {
        let first = month_first_day(month_index(self.from) - 1)?;
        let last = month_first_day(month_index(self.to) + 1)?;
        Ok((
            local_midnight_utc_ms(first, tz)?,
            local_midnight_utc_ms(last, tz)?,
        ))
    }
}

/// A week a [`DateRange`] touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RangeWeek {
    /// Its Monday.
    pub start: NaiveDate,
    /// The range leaves out some of its days.
    pub partial: bool,
}

/// Days since 1970-01-01.
pub fn day_number(date: NaiveDate) -> i32 {
    // Dates chrono can hold are within +-262,000 years: the difference fits an i32.
    (date - EPOCH).num_days() as i32
}

/// The date of a day number.
pub fn date_of(day: i32) -> Result<NaiveDate> {
    let offset = Days::new(u64::from(day.unsigned_abs()));
    let date = if day >= 0 {
        EPOCH.checked_add_days(offset)
    } else {
        EPOCH.checked_sub_days(offset)
    };
    date.ok_or(MetricsError::TimeOutOfRange(i64::from(day) * MS_PER_DAY))
}

/// The day number of the Monday starting the week of `day`.
pub fn week_of(day: i32) -> i32 {
    // 1970-01-01 was a Thursday: Monday-based weekday = (day + 3) mod 7.
    day - (day + 3).rem_euclid(7)
}

/// `year * 12 + month - 1` of a date.
pub fn month_index(date: NaiveDate) -> i32 {
    date.year() * 12 + date.month0() as i32
}

/// First day of a month index.
pub fn month_first_day(month: i32) -> Result<NaiveDate> {
    let (year, month0) = (month.div_euclid(12), month.rem_euclid(12) as u32);
    NaiveDate::from_ymd_opt(year, month0 + 1, 1)
        .ok_or(MetricsError::TimeOutOfRange(i64::from(month)))
}

/// `2026-11` for a month index.
pub fn month_label(month: i32) -> String {
    format!(
        "{:04}-{:02}",
        month.div_euclid(12),
        month.rem_euclid(12) + 1
    )
}

/// Number of days in a month index.
pub fn days_in_month(month: i32) -> Result<i64> {
    Ok((month_first_day(month + 1)? - month_first_day(month)?).num_days())
}

/// Local date of a UTC instant.
pub fn local_date(ts_utc_ms: i64, tz: Tz) -> Result<NaiveDate> {
    let utc = chrono::DateTime::from_timestamp_millis(ts_utc_ms)
        .ok_or(MetricsError::TimeOutOfRange(ts_utc_ms))?;
    Ok(utc.with_timezone(&tz).date_naive())
}

/// The UTC instant at which a local date starts (the first existing local time of that date
/// when a DST gap swallows midnight).
pub fn local_midnight_utc_ms(date: NaiveDate, tz: Tz) -> Result<i64> {
    (0..24)
        .filter_map(|hour| date.and_hms_opt(hour, 0, 0))
        .find_map(|naive| tz.from_local_datetime(&naive).earliest())
        .map(|dt| dt.timestamp_millis())
        .ok_or(MetricsError::TimeOutOfRange(
            i64::from(day_number(date)) * MS_PER_DAY,
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    #[test]
    fn an_event_at_23_30_utc_is_the_next_day_in_berlin() {
        let ts = chrono::DateTime::parse_from_rfc3339("2026-11-30T23:30:00Z")
            .expect("ts")
            .timestamp_millis();
        assert_eq!(
            local_date(ts, chrono_tz::Europe::Berlin).expect("date"),
            date(2026, 12, 1)
        );
        assert_eq!(
            local_date(ts, chrono_tz::UTC).expect("date"),
            date(2026, 11, 30)
        );
    }

    #[test]
    fn a_range_lists_every_week_it_touches_and_marks_the_cut_ones() {
        // Wed 4 Nov to Sun 22 Nov 2026: the week of 2 Nov is cut, 9 and 16 Nov are whole.
        let weeks = DateRange::new(date(2026, 11, 4), date(2026, 11, 22))
            .expect("range")
            .weeks();
        let got: Vec<(NaiveDate, bool)> = weeks.iter().map(|w| (w.start, w.partial)).collect();
        assert_eq!(
            got,
            vec![
                (date(2026, 11, 2), true),
                (date(2026, 11, 9), false),
                (date(2026, 11, 16), false)
            ]
        );
        // One Saturday: one week, cut.
        let one = DateRange::new(date(2026, 11, 7), date(2026, 11, 7)).expect("range");
        assert_eq!(one.weeks().len(), 1);
        assert!(one.weeks()[0].partial);
    }

    #[test]
    fn weeks_start_on_monday_and_months_round_trip() {
        // 2026-11-04 is a Wednesday; its Monday is 2026-11-02.
        assert_eq!(
            date_of(week_of(day_number(date(2026, 11, 4)))).expect("date"),
            date(2026, 11, 2)
        );
        assert_eq!(
            week_of(day_number(date(2026, 11, 2))),
            day_number(date(2026, 11, 2))
        );
        assert_eq!(month_label(month_index(date(2026, 1, 31))), "2026-01");
        assert_eq!(
            days_in_month(month_index(date(2028, 2, 10))).expect("days"),
            29
        );
        assert_eq!(date_of(-1).expect("date"), date(1969, 12, 31));
    }

    #[test]
    fn a_day_in_berlin_starts_an_hour_earlier_in_utc_in_winter_and_two_in_summer() {
        let winter =
            local_midnight_utc_ms(date(2026, 11, 2), chrono_tz::Europe::Berlin).expect("ms");
        assert_eq!(
            winter,
            chrono::DateTime::parse_from_rfc3339("2026-11-01T23:00:00Z")
                .expect("ts")
                .timestamp_millis()
        );
        let summer =
            local_midnight_utc_ms(date(2026, 7, 2), chrono_tz::Europe::Berlin).expect("ms");
        assert_eq!(
            summer,
            chrono::DateTime::parse_from_rfc3339("2026-07-01T22:00:00Z")
                .expect("ts")
                .timestamp_millis()
        );
    }

    #[test]
    fn a_range_with_from_after_to_is_rejected() {
        assert!(DateRange::new(date(2026, 2, 1), date(2026, 1, 1)).is_err());
    }
}
