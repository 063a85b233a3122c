//! A spend report beside the period just before it (`compare=previous-period`): the API's
//! `comparison` and the Spend page's cards, one definition (docs/metrics.md, "Spend").

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{SpendChange, SpendReport};

/// The previous period's figures and the range's change against them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SpendComparison {
    /// First day of the previous period.
    pub from: NaiveDate,
    /// Last day of the previous period (the day before the range).
    pub to: NaiveDate,
    /// Cost of the previous period.
    pub cost_usd: f64,
    /// Developers with usage in the previous period.
    pub active_developers: i64,
    /// `cost_usd / active_developers`; `null` without any.
    pub cost_per_active_developer_usd: Option<f64>,
    /// The range's cost against the previous period's.
    pub cost_change: SpendChange,
    /// The range's cost per active developer against the previous period's; `null` when either
    /// period has none.
    pub cost_per_active_developer_change: Option<SpendChange>,
}

/// `current` against `previous` (both over the same groupings' usage; the previous period is
/// over, and the range is compared as it stands).
pub fn compare(current: &SpendReport, previous: &SpendReport) -> SpendComparison {
    let before = previous.cost_per_active_developer_usd;
    SpendComparison {
        from: previous.from,
        to: previous.to,
        cost_usd: previous.total.cost_usd,
        active_developers: previous.active_developers,
        cost_per_active_developer_usd: before,
        cost_change: SpendChange::between(current.total.cost_usd, previous.total.cost_usd),
        cost_per_active_developer_change: current
            .cost_per_active_developer_usd
            .zip(before)
            .map(|(now, before)| SpendChange::between(now, before)),
    }
}

/// `cost / developers`, when there is anyone.
pub(super) fn per_developer(cost_usd: f64, developers: i64) -> Option<f64> {
    (developers > 0).then(|| cost_usd / developers as f64)
}
