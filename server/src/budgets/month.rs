//! `Month`: a calendar month of the organisation's time zone, parsed once at the edge
//! (`2026-11`), as the reports, budgets and alerts name it.

use std::fmt;

use agentmeter_metrics::calendar::{month_first_day, month_index, DateRange};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A calendar month (index `year * 12 + month - 1`, as the metrics engine counts them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Month(i32);

/// In the API: a `YYYY-MM` string.
impl utoipa::PartialSchema for Month {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(r"^\d{4}-(0[1-9]|1[0-2])$"))
            .examples(["2026-11"])
            .into()
    }
}

impl utoipa::ToSchema for Month {}

impl Month {
    /// The month containing a local date.
    pub fn of(date: NaiveDate) -> Month {
        Month(month_index(date))
    }

    /// The month an instant falls in, in the organisation's time zone.
    pub fn at(instant: DateTime<Utc>, tz: Tz) -> Month {
        Month::of(instant.with_timezone(&tz).date_naive())
    }

    pub fn previous(self) -> Month {
        Month(self.0 - 1)
    }

    pub fn next(self) -> Month {
        Month(self.0 + 1)
    }

    pub fn first_day(self) -> NaiveDate {
        // Every month an i32 index of a parsed or dated month can reach is a valid date.
        month_first_day(self.0).unwrap_or_default()
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day() - TimeDelta::days(1)
    }

    /// Its days, as the metrics endpoints take them (`from`, `to` inclusive).
    pub fn range(self) -> DateRange {
        DateRange {
            from: self.first_day(),
            to: self.last_day(),
        }
    }

    /// `November 2026`.
    pub fn name(self) -> String {
        self.first_day().format("%B %Y").to_string()
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.first_day().format("%Y-%m"))
    }
}

impl TryFrom<&str> for Month {
    type Error = Error;

    fn try_from(text: &str) -> Result<Month> {
        let text = text.trim();
        let bad =
            || Error::BadRequest(format!("month must be YYYY-MM, like 2026-11, got {text:?}"));
        let (year, month) = text.split_once('-').ok_or_else(bad)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(bad());
        }
        let (year, month): (i32, u32) = (
            year.parse().map_err(|_| bad())?,
            month.parse().map_err(|_| bad())?,
        );
        let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(bad)?;
        Ok(Month::of(first))
    }
}

impl TryFrom<String> for Month {
    type Error = Error;

    fn try_from(text: String) -> Result<Month> {
        Month::try_from(text.as_str())
    }
}

impl From<Month> for String {
    fn from(month: Month) -> String {
        month.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_parses_from_its_label_and_knows_its_days() {
        let november = Month::try_from("2026-11").expect("parses");
        assert_eq!(november.to_string(), "2026-11");
        assert_eq!(november.range().from.to_string(), "2026-11-01");
        assert_eq!(november.range().to.to_string(), "2026-11-30");
        assert_eq!(november.previous().to_string(), "2026-10");
        assert_eq!(november.next().last_day().to_string(), "2026-12-31");
        assert_eq!(
            Month::try_from("2024-02")
                .expect("leap")
                .last_day()
                .to_string(),
            "2024-02-29"
        );
        assert_eq!(november.name(), "November 2026");
    }

    #[test]
    fn anything_but_a_year_and_month_is_refused() {
        for bad in [
            "2026-13",
            "2026-1",
            "26-11",
            "2026/11",
            "november",
            "2026-11-01",
            "",
        ] {
            assert!(Month::try_from(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn the_month_of_an_instant_is_the_one_of_the_org_time_zone() {
        let instant = DateTime::parse_from_rfc3339("2026-11-30T23:30:00Z")
            .expect("time")
            .with_timezone(&Utc);
        assert_eq!(Month::at(instant, chrono_tz::UTC).to_string(), "2026-11");
        assert_eq!(
            Month::at(instant, chrono_tz::Europe::Berlin).to_string(),
            "2026-12"
        );
    }
}
