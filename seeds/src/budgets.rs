//! The demo's monthly budgets. Payments' API-equivalent budget is below what it spent in the last
//! full month ($450.00, a planted truth), so the demo shows one team over budget in that month's
//! reports and alerts; the other teams get headroom over their own spend of that month, and the
//! organisation over its plan spend, so they stay within.

use crate::truths::SPEND_TEAM;

/// The team over budget.
pub const OVER_BUDGET_TEAM: &str = SPEND_TEAM;
/// Its API-equivalent budget: $450.00 spent is 112.5 % of it.
pub const OVER_BUDGET_USD: f64 = 400.0;
/// Other teams' API-equivalent budget, as a multiple of their last full month's spend.
pub const TEAM_HEADROOM: f64 = 1.25;
/// The organisation's plan-spend budget, as a multiple of its last full month's plan spend.
pub const ORGANISATION_HEADROOM: f64 = 1.2;
/// Budgets are whole multiples of this many dollars (rounded up).
pub const ROUND_TO_USD: f64 = 50.0;

/// A budget with `headroom` over `spent`, rounded up to [`ROUND_TO_USD`] (at least that much).
pub fn with_headroom(spent: f64, headroom: f64) -> f64 {
    ((spent * headroom) / ROUND_TO_USD).ceil().max(1.0) * ROUND_TO_USD
}

#[cfg(test)]
mod budget_tests {
    use super::*;

    #[test]
    fn headroom_rounds_up_to_whole_fifty_dollars() {
        assert_eq!(with_headroom(450.0, 1.25), 600.0);
        assert_eq!(with_headroom(401.0, 1.0), 450.0);
        assert_eq!(with_headroom(0.0, 1.25), 50.0);
        let planted_spend = crate::truths::SPEND_TARGETS_USD[1];
        assert_eq!(
            planted_spend / OVER_BUDGET_USD,
            1.125,
            "the planted team is over"
        );
    }
}
