//! A developer's review figures beside their team's middle ones, naming nobody: the median over
//! the team's developers of the review-skip rate and of the share of AI edits made with review
//! off (docs/metrics.md, "Reviews").

use serde::{Deserialize, Serialize};

use crate::blocks::median;

use super::ReviewsReport;

/// Fewer developers with a figure than this and the team median is withheld: with two, the
/// median is the mean, and a developer could work out the other's figure from their own.
pub const MIN_PEERS: usize = 3;

/// The middle figures of a team's developers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PeerMedians {
    /// Developers with a skip rate (merged PRs with a review outcome).
    pub developers_with_skip_rate: usize,
    /// Median of their review-skip rates, in percent; `None` under [`MIN_PEERS`].
    pub skip_rate_pct: Option<f64>,
    /// Developers with AI edits.
    pub developers_with_edits: usize,
    /// Median of their review-off shares of edits, in percent; `None` under [`MIN_PEERS`].
    pub review_off_share_pct: Option<f64>,
}

/// The medians over the developers of `team`, a report scoped to the team's members. Authors not
/// matched to a user are not developers of the team and are left out.
pub fn peer_medians(team: &ReviewsReport) -> PeerMedians {
    let skip: Vec<f64> = team
        .by_developer
        .iter()
        .filter(|d| d.user_id.is_some())
        .filter_map(|d| d.all.skip_rate_pct)
        .collect();
    let off: Vec<f64> = team
        .edits_by_developer
        .iter()
        .filter_map(|e| e.unreviewed_share_pct)
        .collect();
    let enough = |v: &Vec<f64>| v.len() >= MIN_PEERS;
    PeerMedians {
        developers_with_skip_rate: skip.len(),
        skip_rate_pct: if enough(&skip) { median(skip) } else { None },
        developers_with_edits: off.len(),
        review_off_share_pct: if enough(&off) { median(off) } else { None },
    }
}
