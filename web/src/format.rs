//! Numbers and dates formatted for people: currency, thousands separators, compact token counts,
//! signed percentages, durations and dates (already in the organisation's time zone).

use chrono::{NaiveDate, NaiveDateTime};

/// Groups the digits of a non-negative whole number with commas: `1234567` -> `1,234,567`.
fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn sign_prefix(value: f64) -> &'static str {
    if value < 0.0 {
        "-"
    } else {
        ""
    }
}

/// An integer with thousands separators: `-1234` -> `-1,234`.
pub fn integer(value: i64) -> String {
    format!(
        "{}{}",
        sign_prefix(value as f64),
        group_thousands(&value.unsigned_abs().to_string())
    )
}

/// US dollars with cents: `1234.5` -> `$1,234.50`, `-3.2` -> `-$3.20`.
pub fn usd(value: f64) -> String {
    let cents = (value.abs() * 100.0).round() as u64;
    let sign = if cents == 0 { "" } else { sign_prefix(value) };
    format!(
        "{sign}${}.{:02}",
        group_thousands(&(cents / 100).to_string()),
        cents % 100
    )
}

/// US dollars rounded to whole dollars, for KPI numbers: `1234.5` -> `$1,235`; below $10 with
/// cents, so that a small amount never reads `$0` (`0.24` -> `$0.24`).
pub fn usd_whole(value: f64) -> String {
    if value.abs() < 10.0 && (value * 100.0).round() % 100.0 != 0.0 {
        return usd(value);
    }
    let dollars = value.abs().round() as u64;
    let sign = if dollars == 0 { "" } else { sign_prefix(value) };
    format!("{sign}${}", group_thousands(&dollars.to_string()))
}

/// A change in whole dollars with its sign: `452` -> `+$452`, `-3` -> `-$3`, `0` -> `$0`.
pub fn signed_usd_whole(value: f64) -> String {
    let text = usd_whole(value);
    if value > 0.0 && text != "$0" && text != "$0.00" {
        format!("+{text}")
    } else {
        text
    }
}

/// Compact dollars for chart axes: `850` -> `$850`, `12_340` -> `$12.3k`, `2.5e6` -> `$2.5M`.
pub fn usd_compact(value: f64) -> String {
    format!("{}${}", sign_prefix(value), compact(value.abs()))
}

/// A compact count for token totals and axes: `950` -> `950`, `1_200_000` -> `1.2M`, `4.5e9` -> `4.5B`.
pub fn tokens_compact(value: f64) -> String {
    format!("{}{}", sign_prefix(value), compact(value.abs()))
}

fn compact(value: f64) -> String {
    const STEPS: [(f64, &str); 4] = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")];
    for (size, suffix) in STEPS {
        // Round first so 999_950 shows as 1.0M rather than 1000.0k.
        if (value / size * 10.0).round() / 10.0 >= 1.0 {
            return format!("{}{suffix}", trim_zero(format!("{:.1}", value / size)));
        }
    }
    if value.fract() == 0.0 || value >= 100.0 {
        format!("{value:.0}")
    } else if value < 1.0 {
        // Two decimals below one, so neighbouring ticks (0.02, 0.04) never print alike.
        let text = format!("{value:.2}");
        trim_zero(text.strip_suffix('0').map(str::to_owned).unwrap_or(text))
    } else {
        trim_zero(format!("{value:.1}"))
    }
}

fn trim_zero(text: String) -> String {
    text.strip_suffix(".0").map(str::to_owned).unwrap_or(text)
}

/// A ratio as a percentage with one decimal: `0.123` -> `12.3%`.
pub fn percent(ratio: f64) -> String {
    format!("{:.1}%", ratio * 100.0)
}

/// A ratio as a signed percentage, for changes and lifts: `0.35` -> `+35.0%`, `-0.02` -> `-2.0%`.
pub fn signed_percent(ratio: f64) -> String {
    let rounded = (ratio * 1000.0).round() / 10.0;
    if rounded > 0.0 {
        format!("+{rounded:.1}%")
    } else if rounded < 0.0 {
        format!("-{:.1}%", -rounded)
    } else {
        "0.0%".to_owned()
    }
}

/// A duration in seconds, two most significant units: `11_520` -> `3h 12m`, `90_000` -> `1d 1h`.
pub fn duration(seconds: i64) -> String {
    let s = seconds.max(0);
    let (days, hours, minutes) = (s / 86_400, s % 86_400 / 3_600, s % 3_600 / 60);
    match (days, hours, minutes) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, m) => format!("{m}m"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

/// A calendar date: `Mar 3, 2025`.
pub fn date(day: NaiveDate) -> String {
    day.format("%b %-d, %Y").to_string()
}

/// A short date for chart axes and dense tables: `Mar 3`.
pub fn short_date(day: NaiveDate) -> String {
    day.format("%b %-d").to_string()
}

/// A month: `March 2025`.
pub fn month(day: NaiveDate) -> String {
    day.format("%B %Y").to_string()
}

/// A short month for chart axes: `Mar 2025` -> `Mar '25`.
pub fn short_month(day: NaiveDate) -> String {
    day.format("%b '%y").to_string()
}

/// A local date and time: `Mar 3, 2025 14:05`.
pub fn date_time(at: NaiveDateTime) -> String {
    at.format("%b %-d, %Y %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currency_has_separators_cents_and_sign() {
        assert_eq!(usd(1234.56), "$1,234.56");
        assert_eq!(usd(0.004), "$0.00");
        assert_eq!(usd(-3.2), "-$3.20");
        assert_eq!(usd(1_000_000.0), "$1,000,000.00");
        assert_eq!(usd_whole(1234.5), "$1,235");
        assert_eq!(usd_whole(-0.2), "-$0.20");
        assert_eq!(usd_whole(0.24), "$0.24");
        assert_eq!(usd_whole(0.001), "$0");
        assert_eq!(usd_whole(7.0), "$7");
    }

    #[test]
    fn compact_numbers_pick_a_suffix_and_drop_a_trailing_zero() {
        assert_eq!(usd_compact(850.0), "$850");
        assert_eq!(usd_compact(12_340.0), "$12.3k");
        assert_eq!(usd_compact(2_000_000.0), "$2M");
        assert_eq!(usd_compact(2.5), "$2.5");
        assert_eq!(usd_compact(0.24), "$0.24");
        let ticks: Vec<String> = [0.0, 0.02, 0.04, 0.06, 0.1, 0.5]
            .iter()
            .map(|v| usd_compact(*v))
            .collect();
        assert_eq!(ticks, ["$0", "$0.02", "$0.04", "$0.06", "$0.1", "$0.5"]);
        assert_eq!(tokens_compact(1_200_000.0), "1.2M");
        assert_eq!(tokens_compact(999_960.0), "1M");
        assert_eq!(tokens_compact(4.5e9), "4.5B");
        assert_eq!(tokens_compact(0.0), "0");
    }

    #[test]
    fn integers_get_thousands_separators() {
        assert_eq!(integer(0), "0");
        assert_eq!(integer(999), "999");
        assert_eq!(integer(1234), "1,234");
        assert_eq!(integer(-1_234_567), "-1,234,567");
    }

    #[test]
    fn percentages_carry_one_decimal_and_a_sign_when_asked() {
        assert_eq!(percent(0.123), "12.3%");
        assert_eq!(signed_percent(0.35), "+35.0%");
        assert_eq!(signed_percent(-0.02), "-2.0%");
        assert_eq!(signed_percent(0.0004), "0.0%");
    }

    #[test]
    fn durations_show_two_units() {
        assert_eq!(duration(42), "42s");
        assert_eq!(duration(300), "5m");
        assert_eq!(duration(11_520), "3h 12m");
        assert_eq!(duration(90_000), "1d 1h");
        assert_eq!(duration(-5), "0s");
    }

    #[test]
    fn dates_read_naturally() {
        let day = NaiveDate::from_ymd_opt(2025, 3, 3).expect("valid date");
        assert_eq!(date(day), "Mar 3, 2025");
        assert_eq!(short_date(day), "Mar 3");
        assert_eq!(month(day), "March 2025");
        assert_eq!(short_month(day), "Mar '25");
        let at = day.and_hms_opt(14, 5, 0).expect("valid time");
        assert_eq!(date_time(at), "Mar 3, 2025 14:05");
    }
}
