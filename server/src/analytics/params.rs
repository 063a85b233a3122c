//! Query parameters of the report endpoints and pages, parsed at the edge into typed values: the
//! one parser of a `from`/`to` range.
//!
//! Every field arrives as text so a bad value becomes a 400 naming the parameter, never axum's
//! generic rejection. Defaults (docs/metrics.md, "API parameters"; docs/api.md, "Date ranges"):
//! `to` = the scope's last day with data ([`super::as_of`], set through
//! [`MetricsQuery::ending_on`]), else today in the org time zone; `from` = the first day of the
//! month two months before `to`'s month, for every report and page alike. A `preset` (this
//! month, last month, the last 30 or 90 days, quarter to date; [`presets`]) names a range instead,
//! resolved against today in the org time zone and ended at the last day with data like the
//! default; given with `from` or `to` it is a 400, so a URL never means two ranges.

mod listing;
mod presets;

pub use listing::{Listing, Slice, PAGE_SIZE};
pub use presets::{CompareQuery, Comparison, RangePreset};

use agentmeter_metrics::calendar::DateRange;
use agentmeter_metrics::rows::Tool;
use agentmeter_metrics::spend::SpendGroupBy;
use chrono::{Datelike, Months, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Deserialize;

use crate::auth::ScopeFilter;
use crate::error::{Error, Result};

/// Baseline length before first use, in weeks, when `baseline_weeks` is not given.
pub const DEFAULT_BASELINE_WEEKS: u32 = 12;
/// Weeks after first use left out as ramp, when `ramp_weeks` is not given.
pub const DEFAULT_RAMP_WEEKS: u32 = 4;
/// The longest range a report covers, in days (ten years): its series grow with the range, so
/// a `from` or `to` centuries away would hold the request for minutes instead of answering it.
pub const MAX_RANGE_DAYS: i64 = 3653;

/// The raw query string of a report request.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MetricsQuery {
    #[param(format = Date)]
    pub from: Option<String>,
    #[param(format = Date)]
    pub to: Option<String>,
    pub team: Option<String>,
    pub user: Option<String>,
    /// Of the spend report (default `developer`).
    #[param(value_type = Option<SpendGroupBy>)]
    pub group_by: Option<String>,
    #[param(value_type = Option<Tool>)]
    pub tool: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 104)]
    pub baseline_weeks: Option<String>,
    #[param(value_type = Option<u32>, minimum = 0, maximum = 52)]
    pub ramp_weeks: Option<String>,
    #[param(format = Date)]
    pub history_from: Option<String>,
    /// A named range instead of `from`/`to`: `this-month`, `last-month`, `last-30-days`,
    /// `last-90-days` or `quarter-to-date`.
    #[param(pattern = "^(this-month|last-month|last-30-days|last-90-days|quarter-to-date)$")]
    pub preset: Option<String>,
    /// The scope's last day with data, set by [`MetricsQuery::ending_on`]; ends a preset.
    #[serde(skip)]
    #[param(ignore)]
    pub last_day: Option<NaiveDate>,
}

/// Parameters of the spend report.
#[derive(Debug, Clone)]
pub struct SpendQuery {
    pub range: DateRange,
    pub group_by: SpendGroupBy,
    /// Only this tool's usage, when given.
    pub tool: Option<Tool>,
}

/// Parameters of the productivity report.
#[derive(Debug, Clone)]
pub struct ProductivityQuery {
    /// Last day of the after window.
    pub to: NaiveDate,
    pub baseline_weeks: u32,
    pub ramp_weeks: u32,
    /// First day of complete PR and commit history; default: the day of the earliest one stored.
    pub history_from: Option<NaiveDate>,
}

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn date(name: &str, value: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| {
        Error::BadRequest(format!(
            "{name} must be a date like 2026-11-28, got {value:?}"
        ))
    })
}

fn weeks(
    name: &str,
    value: Option<&str>,
    default: u32,
    range: std::ops::RangeInclusive<u32>,
) -> Result<u32> {
    let Some(value) = value else {
        return Ok(default);
    };
    value
        .parse::<u32>()
        .ok()
        .filter(|w| range.contains(w))
        .ok_or_else(|| {
            Error::BadRequest(format!(
                "{name} must be a whole number of weeks from {} to {}, got {value:?}",
                range.start(),
                range.end()
            ))
        })
}

/// Today in the organisation's time zone.
pub fn today(tz: Tz) -> NaiveDate {
    Utc::now().with_timezone(&tz).date_naive()
}

impl MetricsQuery {
    /// The `team` / `user` filters.
    pub fn scope_filter(&self) -> ScopeFilter {
        ScopeFilter {
            team: self.team.clone(),
            user: self.user.clone(),
        }
    }

    /// The query with `to` set to `last_day` when it gives none: reports end at the last day
    /// with data of their scope (`analytics::as_of`).
    pub fn ending_on(mut self, last_day: Option<NaiveDate>) -> MetricsQuery {
        self.last_day = last_day;
        if given(&self.to).is_none() && given(&self.preset).is_none() {
            self.to = last_day.map(|d| d.to_string());
        }
        self
    }

    /// `from`..`to`; without `to`, today; without `from`, the first day of the month two months
    /// before `to`'s month (the current month and the two before it, enough for month over
    /// month). A `preset` resolves against today and ends at the last day with data
    /// ([`RangePreset::resolve`]); with `from` or `to` as well it is a 400.
    pub fn range(&self, tz: Tz) -> Result<DateRange> {
        self.range_on(today(tz))
    }

    /// [`MetricsQuery::range`] with today given, for tests on a fixed clock.
    pub fn range_on(&self, today: NaiveDate) -> Result<DateRange> {
        if let Some(name) = given(&self.preset) {
            let preset = RangePreset::parse(name)?;
            if given(&self.from).is_some() || given(&self.to).is_some() {
                return Err(Error::BadRequest(format!(
                    "preset={name} names the range itself; leave out from and to, or the preset"
                )));
            }
            return Ok(preset.resolve(today, self.last_day));
        }
        let to = given(&self.to)
            .map(|v| date("to", v))
            .transpose()?
            .unwrap_or(today);
        let from = match given(&self.from) {
            Some(v) => date("from", v)?,
            None => to
                .with_day(1)
                .and_then(|first| first.checked_sub_months(Months::new(2)))
                .ok_or_else(|| Error::BadRequest(format!("to {to} is out of range")))?,
        };
        if from > to {
            return Err(Error::BadRequest(format!("from {from} is after to {to}")));
        }
        if (to - from).num_days() >= MAX_RANGE_DAYS {
            return Err(Error::BadRequest(format!(
                "from {from} to {to} is longer than {MAX_RANGE_DAYS} days (ten years)"
            )));
        }
        Ok(DateRange::new(from, to)?)
    }

    /// Range, grouping and tool filter of the spend report (`group_by` defaults to `developer`).
    pub fn spend(&self, tz: Tz) -> Result<SpendQuery> {
        let group_by = match given(&self.group_by).unwrap_or("developer") {
            "developer" => SpendGroupBy::Developer,
            "team" => SpendGroupBy::Team,
            "project" => SpendGroupBy::Project,
            "repository" => SpendGroupBy::Repository,
            "model" => SpendGroupBy::Model,
            "tool" => SpendGroupBy::Tool,
            "day" => SpendGroupBy::Day,
            "week" => SpendGroupBy::Week,
            "month" => SpendGroupBy::Month,
            other => {
                return Err(Error::BadRequest(format!(
                    "group_by must be one of developer, team, project, repository, model, tool, day, week, month; got {other:?}"
                )))
            }
        };
        Ok(SpendQuery {
            range: self.range(tz)?,
            group_by,
            tool: self.tool()?,
        })
    }

    /// The tool filter, when given.
    pub fn tool(&self) -> Result<Option<Tool>> {
        match given(&self.tool) {
            None => Ok(None),
            Some("claude-code") => Ok(Some(Tool::ClaudeCode)),
            Some("codex") => Ok(Some(Tool::Codex)),
            Some(other) => Err(Error::BadRequest(format!(
                "tool must be claude-code or codex, got {other:?}"
            ))),
        }
    }

    /// `to`, window lengths and history start of the productivity report.
    pub fn productivity(&self, tz: Tz) -> Result<ProductivityQuery> {
        Ok(ProductivityQuery {
            to: self.range(tz)?.to,
            baseline_weeks: weeks(
                "baseline_weeks",
                given(&self.baseline_weeks),
                DEFAULT_BASELINE_WEEKS,
                1..=104,
            )?,
            ramp_weeks: weeks(
                "ramp_weeks",
                given(&self.ramp_weeks),
                DEFAULT_RAMP_WEEKS,
                0..=52,
            )?,
            history_from: given(&self.history_from)
                .map(|v| date("history_from", v))
                .transpose()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(from: Option<&str>, to: Option<&str>) -> MetricsQuery {
        MetricsQuery {
            from: from.map(str::to_owned),
            to: to.map(str::to_owned),
            ..MetricsQuery::default()
        }
    }

    #[test]
    fn without_from_the_range_starts_on_the_first_of_the_month_two_months_back() {
        let range = query(None, Some("2026-01-15"))
            .range(chrono_tz::UTC)
            .expect("range");
        assert_eq!(
            range.from,
            NaiveDate::from_ymd_opt(2025, 11, 1).expect("date")
        );
        assert_eq!(
            range.to,
            NaiveDate::from_ymd_opt(2026, 1, 15).expect("date")
        );
    }

    #[test]
    fn a_range_of_ten_years_or_more_is_a_bad_request() {
        let longest = query(Some("2016-01-01"), Some("2025-12-31"));
        assert!(longest.range(chrono_tz::UTC).is_ok());
        let err = query(Some("2026-06-29"), Some("7711-09-29"))
            .range(chrono_tz::UTC)
            .expect_err("centuries");
        assert!(
            matches!(&err, Error::BadRequest(m) if m.contains("ten years")),
            "{err}"
        );
    }

    #[test]
    fn without_to_the_range_ends_on_the_last_day_with_data_and_a_given_to_is_kept() {
        let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").expect("date");
        let ended = query(None, None)
            .ending_on(Some(day("2026-09-30")))
            .range(chrono_tz::UTC)
            .expect("range");
        assert_eq!(
            (ended.from, ended.to),
            (day("2026-07-01"), day("2026-09-30"))
        );
        let kept = query(None, Some("2026-11-15"))
            .ending_on(Some(day("2026-09-30")))
            .range(chrono_tz::UTC)
            .expect("range");
        assert_eq!(kept.to, day("2026-11-15"));
    }

    #[test]
    fn a_malformed_date_or_an_inverted_range_is_a_bad_request_naming_the_parameter() {
        let err = query(Some("2026-13-01"), None)
            .range(chrono_tz::UTC)
            .expect_err("bad month");
        assert!(
            matches!(&err, Error::BadRequest(m) if m.starts_with("from must be a date")),
            "{err}"
        );
        let err = query(Some("2026-02-01"), Some("2026-01-01"))
            .range(chrono_tz::UTC)
            .expect_err("inverted");
        assert!(matches!(err, Error::BadRequest(_)));
    }

    #[test]
    fn a_preset_ends_at_the_scopes_last_day_and_refuses_from_or_to_beside_it() {
        let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").expect("date");
        let preset = MetricsQuery {
            preset: Some("quarter-to-date".into()),
            ..MetricsQuery::default()
        };
        let range = preset
            .clone()
            .ending_on(Some(day("2026-11-30")))
            .range_on(day("2026-12-03"))
            .expect("range");
        assert_eq!(
            (range.from, range.to),
            (day("2026-10-01"), day("2026-11-30"))
        );
        let both = MetricsQuery {
            to: Some("2026-11-15".into()),
            ..preset
        };
        assert!(
            matches!(both.range_on(day("2026-12-03")), Err(Error::BadRequest(m)) if m.contains("preset"))
        );
    }

    #[test]
    fn an_unknown_group_by_or_tool_is_rejected_and_weeks_default_when_absent() {
        let bad = MetricsQuery {
            group_by: Some("planet".into()),
            ..MetricsQuery::default()
        };
        assert!(
            matches!(bad.spend(chrono_tz::UTC), Err(Error::BadRequest(m)) if m.contains("planet"))
        );
        let bad = MetricsQuery {
            tool: Some("cursor".into()),
            ..MetricsQuery::default()
        };
        assert!(bad.spend(chrono_tz::UTC).is_err());
        let q = MetricsQuery {
            ramp_weeks: Some("2".into()),
            ..MetricsQuery::default()
        }
        .productivity(chrono_tz::UTC)
        .expect("params");
        assert_eq!(
            (q.baseline_weeks, q.ramp_weeks),
            (DEFAULT_BASELINE_WEEKS, 2)
        );
        let bad = MetricsQuery {
            baseline_weeks: Some("0".into()),
            ..MetricsQuery::default()
        };
        assert!(bad.productivity(chrono_tz::UTC).is_err());
    }
}
