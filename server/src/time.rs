//! Calendar days in the organisation's time zone, as stored epoch milliseconds.

use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;

use crate::error::{Error, Result};

/// The first millisecond of `day` in `tz` (the earliest instant, should midnight be skipped by DST).
pub fn day_start_ms(day: NaiveDate, tz: Tz) -> Result<i64> {
    let midnight = day
        .and_hms_opt(0, 0, 0)
        .ok_or_else(|| Error::BadRequest(format!("bad day {day}")))?;
    let start = match tz.from_local_datetime(&midnight) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => t,
        // Midnight did not exist that day; the day starts an hour later.
        chrono::LocalResult::None => tz
            .from_local_datetime(&(midnight + chrono::Duration::hours(1)))
            .earliest()
            .ok_or_else(|| Error::BadRequest(format!("{day} has no start in {tz}")))?,
    };
    Ok(start.timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_berlin_day_starts_before_utc_midnight() {
        let day = NaiveDate::from_ymd_opt(2026, 8, 3).expect("date");
        let berlin: Tz = "Europe/Berlin".parse().expect("tz");
        let utc_start = day_start_ms(day, Tz::UTC).expect("utc");
        assert_eq!(
            utc_start - day_start_ms(day, berlin).expect("berlin"),
            2 * 3600 * 1000
        );
    }
}
