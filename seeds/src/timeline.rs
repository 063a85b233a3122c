//! The demo's calendar, anchored on the day the demo is loaded ("today"), so that the demo is
//! current whenever it is opened: its data ends yesterday. The organisation lives through a
//! baseline quarter without assistants (the three calendar months starting six months before
//! today's month) and an adoption period (the three full months before today's month, plus today's
//! month up to yesterday). Loaded on 2026-10-01 this is the original fixed calendar: baseline
//! 2026-04-01..2026-06-30, adoption 2026-07-01..2026-09-30. No clock is read here: the caller
//! passes today. All activity happens on weekdays between 08:00 and 18:00 UTC, so every day, week
//! and month is the same in any org time zone from UTC-8 to UTC+5.

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, TimeZone, Utc, Weekday};

/// Weeks after a developer's first session during which their throughput still ramps up. The
/// after-adoption rate holds from then on, so any engine ramp of at least this many weeks sees it.
pub const RAMP_WEEKS: i64 = 2;

/// Days after the adoption start by which every developer who starts has started.
const START_SPREAD_DAYS: u64 = 16;

/// The demo's dates for one "today".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    /// The day the demo is loaded; nothing happens on or after it.
    pub today: NaiveDate,
    /// First day of the baseline quarter (and of the git history).
    pub baseline_start: NaiveDate,
    /// First day of the adoption period; developers start between this day and `last_start`.
    pub adoption_start: NaiveDate,
    /// Last possible first-session day.
    pub last_start: NaiveDate,
    /// Last day with activity (inclusive): yesterday.
    pub end: NaiveDate,
    /// Every weekday from `baseline_start`, for working-time arithmetic.
    workdays: Vec<NaiveDate>,
}

impl Calendar {
    /// The calendar of a demo loaded on `today`.
    pub fn for_today(today: NaiveDate) -> Calendar {
        let this_month = first_of_month(today);
        let months_back = |n: u32| this_month - Months::new(n);
        let baseline_start = months_back(6);
        let adoption_start = months_back(3);
        let end = today - Duration::days(1);
        Calendar {
            today,
            baseline_start,
            adoption_start,
            last_start: adoption_start + chrono::Days::new(START_SPREAD_DAYS),
            end,
            // Merges are placed in working time up to `end`; a margin keeps the lookup total.
            workdays: workdays(baseline_start, end + Duration::days(60)),
        }
    }

    /// First days of the months of the adoption period that have at least one day up to `end`:
    /// three full months, then today's month when it has begun before today.
    pub fn adoption_months(&self) -> Vec<NaiveDate> {
        (0..4)
            .map(|n| self.adoption_start + Months::new(n))
            .filter(|m| *m <= self.end)
            .collect()
    }

    /// The two full months before today's month: the planted spend goes from the first to the
    /// second (`2026-08`, `2026-09` for a demo loaded in October 2026).
    pub fn spend_months(&self) -> [NaiveDate; 2] {
        let this_month = first_of_month(self.today);
        [this_month - Months::new(2), this_month - Months::new(1)]
    }

    /// Working time: 8 hours (09:00-17:00 UTC) on every weekday from `baseline_start`; 40 hours a
    /// calendar week. Converts working hours since the start to an instant.
    pub fn work_instant(&self, work_hours: f64) -> DateTime<Utc> {
        let index = (work_hours / 8.0).floor().max(0.0) as usize;
        let day = self.workdays.get(index).copied().unwrap_or(self.end);
        at(
            day,
            9.0 + (work_hours - index as f64 * 8.0).clamp(0.0, 7.999),
        )
    }

    /// Working hours from `baseline_start` to the start of `day`.
    pub fn work_hours_before(&self, day: NaiveDate) -> f64 {
        self.workdays.partition_point(|d| *d < day) as f64 * 8.0
    }

    /// The start of the day after `end`: every activity is before it.
    pub fn end_instant(&self) -> DateTime<Utc> {
        midnight(self.today)
    }
}

/// The first day of `day`'s month.
pub fn first_of_month(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// The last day of the month starting `month` (a first of month).
pub fn last_of_month(month: NaiveDate) -> NaiveDate {
    (month + Months::new(1)) - Duration::days(1)
}

/// Midnight UTC at the start of `day`.
pub fn midnight(day: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
}

/// `day` at `hours` (fractional) UTC.
pub fn at(day: NaiveDate, hours: f64) -> DateTime<Utc> {
    midnight(day) + Duration::milliseconds((hours * 3_600_000.0).round() as i64)
}

/// Whether `day` is Monday to Friday.
pub fn is_workday(day: NaiveDate) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Every weekday from `from` to `to`, both inclusive.
pub fn workdays(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    from.iter_days()
        .take_while(|d| *d <= to)
        .filter(|d| is_workday(*d))
        .collect()
}

/// `2026-08` for a date.
pub fn month_label(day: NaiveDate) -> String {
    format!("{:04}-{:02}", day.year(), day.month())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_else(|| panic!("{y}-{m}-{d}"))
    }

    #[test]
    fn loaded_on_the_first_of_october_2026_the_calendar_is_the_original_one() {
        let cal = Calendar::for_today(date(2026, 10, 1));
        assert_eq!(cal.baseline_start, date(2026, 4, 1));
        assert_eq!(cal.adoption_start, date(2026, 7, 1));
        assert_eq!(cal.last_start, date(2026, 7, 17));
        assert_eq!(cal.end, date(2026, 9, 30));
        assert_eq!(
            cal.adoption_months(),
            vec![date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1)]
        );
        assert_eq!(cal.spend_months(), [date(2026, 8, 1), date(2026, 9, 1)]);
    }

    #[test]
    fn mid_month_the_adoption_period_runs_into_todays_month_up_to_yesterday() {
        let cal = Calendar::for_today(date(2027, 3, 18));
        assert_eq!(cal.baseline_start, date(2026, 9, 1));
        assert_eq!(cal.adoption_start, date(2026, 12, 1));
        assert_eq!(cal.end, date(2027, 3, 17));
        assert_eq!(cal.adoption_months().len(), 4);
        assert_eq!(cal.spend_months(), [date(2027, 1, 1), date(2027, 2, 1)]);
        assert_eq!(last_of_month(date(2027, 2, 1)), date(2027, 2, 28));
    }

    #[test]
    fn working_time_maps_to_weekday_office_hours() {
        let cal = Calendar::for_today(date(2026, 10, 1));
        assert_eq!(cal.work_instant(0.0), at(cal.baseline_start, 9.0));
        // 2026-04-01 is a Wednesday: 3 workdays later is Monday 2026-04-06.
        assert_eq!(cal.work_instant(24.5), at(date(2026, 4, 6), 9.5));
        assert_eq!(cal.work_hours_before(date(2026, 4, 6)), 24.0);
    }

    #[test]
    fn the_original_adoption_quarter_has_66_workdays() {
        let cal = Calendar::for_today(date(2026, 10, 1));
        assert_eq!(workdays(cal.adoption_start, cal.end).len(), 66);
    }
}
