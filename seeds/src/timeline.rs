//! The demo's fixed calendar. No clock is read: the organisation always lives in the two most
//! recent full quarters before the anchor date 2026-11-28 (the date of the bundled price and plan
//! catalogs): a baseline quarter without assistants (2026-04-01..2026-06-30) and an adoption
//! quarter (2026-07-01..2026-09-30). All activity happens on weekdays between 08:00 and 18:00
//! UTC, so every day, week and month is the same in any org time zone from UTC-8 to UTC+5.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};

/// First day of the baseline quarter (and of the git history).
pub const BASELINE_START: NaiveDate = date(2026, 4, 1);
/// First day of the adoption quarter; developers start between this day and [`LAST_START`].
pub const ADOPTION_START: NaiveDate = date(2026, 7, 1);
/// Last possible first-session day.
pub const LAST_START: NaiveDate = date(2026, 7, 17);
/// Last day of the adoption quarter (inclusive).
pub const END: NaiveDate = date(2026, 9, 30);
/// Weeks after a developer's first session during which their throughput still ramps up. The
/// after-adoption rate holds from then on, so any engine ramp of at least this many weeks sees it.
pub const RAMP_WEEKS: i64 = 2;

const fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(d) => d,
        None => panic!("invalid constant date"),
    }
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

/// Working time: 8 hours (09:00-17:00 UTC) on every weekday from [`BASELINE_START`]; 40 hours a
/// calendar week. Converts working hours since the start to an instant.
pub fn work_instant(work_hours: f64) -> DateTime<Utc> {
    let days = workdays(BASELINE_START, END + Duration::days(60));
    let index = (work_hours / 8.0).floor().max(0.0) as usize;
    let day = days.get(index).copied().unwrap_or(END);
    at(
        day,
        9.0 + (work_hours - index as f64 * 8.0).clamp(0.0, 7.999),
    )
}

/// Working hours from [`BASELINE_START`] to the start of `day`.
pub fn work_hours_before(day: NaiveDate) -> f64 {
    workdays(BASELINE_START, day - Duration::days(1)).len() as f64 * 8.0
}

/// `2026-08` for a date.
pub fn month_label(day: NaiveDate) -> String {
    format!("{:04}-{:02}", day.year(), day.month())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn working_time_maps_to_weekday_office_hours() {
        assert_eq!(work_instant(0.0), at(BASELINE_START, 9.0));
        // 2026-04-01 is a Wednesday: 3 workdays later is Monday 2026-04-06.
        assert_eq!(work_instant(24.5), at(date(2026, 4, 6), 9.5));
        assert_eq!(work_hours_before(date(2026, 4, 6)), 24.0);
    }

    #[test]
    fn the_adoption_quarter_has_66_workdays() {
        assert_eq!(workdays(ADOPTION_START, END).len(), 66);
    }
}
