//! The spend report's parameters and answer (`/api/v1/metrics/spend`).

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::{SpendChange, SpendComparison};
use crate::calendar::DateRange;

/// What spend is grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SpendGroupBy {
    Developer,
    Team,
    Project,
    Repository,
    Model,
    Tool,
    Day,
    Week,
    Month,
}

/// Parameters of [`spend_report`](super::spend_report).
#[derive(Debug, Clone)]
pub struct SpendParams {
    /// Local dates, inclusive.
    pub range: DateRange,
    /// Organisation time zone.
    pub tz: Tz,
    /// Grouping key.
    pub group_by: SpendGroupBy,
    /// "Now" for the forecast (the engine never reads the clock).
    pub as_of: DateTime<Utc>,
}

/// Sums of one group (or of everything).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SpendGroup {
    /// Group label (developer name, team name, model, `2026-11-03`, `2026-11`...).
    pub key: String,
    /// The developer's user id, when grouped by developer (names need not be unique).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
    /// Usage events.
    pub events: i64,
    /// Uncached input tokens.
    pub input_tokens: i64,
    /// Output tokens.
    pub output_tokens: i64,
    /// Cache-write tokens.
    pub cache_write_tokens: i64,
    /// Cache-read tokens.
    pub cache_read_tokens: i64,
    /// All four token kinds.
    pub tokens: i64,
    /// API-equivalent cost of the events whose price is known.
    pub cost_usd: f64,
    /// Events whose price is unknown (not in `cost_usd`).
    pub unknown_cost_events: i64,
    /// Tokens of those events.
    pub unknown_cost_tokens: i64,
}

/// One calendar month and its change from the month before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MonthSpend {
    /// `2026-11`.
    pub month: String,
    /// Cost of the whole calendar month.
    pub cost_usd: f64,
    /// Tokens of the whole calendar month.
    pub tokens: i64,
    /// Events with unknown price.
    pub unknown_cost_events: i64,
    /// `(cost / previous cost - 1) * 100`, only where the base is meaningful
    /// ([`super::meaningful_change_pct`]): `None` for a month not over by `as_of`, or when the
    /// previous month cost less than [`super::MIN_CHANGE_BASE_USD`] or a tenth of this one.
    pub change_pct: Option<f64>,
    /// The change against the previous month in full (its `change_pct` is the one above);
    /// `None` for a month not over by `as_of`.
    pub change: Option<SpendChange>,
}

/// Month-end forecast of the month containing `as_of`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SpendForecast {
    /// `2026-11`.
    pub month: String,
    /// Cost from the month start to `as_of`.
    pub cost_so_far_usd: f64,
    /// Elapsed share of the month, in days.
    pub elapsed_days: f64,
    /// Calendar days of the month.
    pub days_in_month: i64,
    /// `cost_so_far_usd / elapsed_days * days_in_month`.
    pub forecast_cost_usd: f64,
}

/// The `/api/v1/metrics/spend` report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SpendReport {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Grouping key.
    pub group_by: SpendGroupBy,
    /// One entry per group, ordered by key (time keys chronologically).
    pub groups: Vec<SpendGroup>,
    /// Sums over the range (a developer in two teams counts once here, twice in team groups).
    pub total: SpendGroup,
    /// Every month the range touches, whole calendar months.
    pub months: Vec<MonthSpend>,
    /// `None` unless `as_of` falls in one of `months` with at least one day elapsed.
    pub forecast: Option<SpendForecast>,
    /// Developers with at least one event in the range.
    pub active_developers: i64,
    /// `total.cost_usd / active_developers`; `null` without any.
    pub cost_per_active_developer_usd: Option<f64>,
    /// The same number of days just before the range, when asked for (`compare=previous-period`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparison: Option<SpendComparison>,
}
