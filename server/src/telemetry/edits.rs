//! Edit decisions the log uploader found in transcripts (accepted or rejected Edit/Write calls),
//! kept per request and tool for teams without telemetry.

use crate::error::Result;
use crate::state::AppState;
use crate::store::uploaded_decisions::{self as store, UploadedDecision};
use crate::store::usage::PricedEvent;

/// Stores the edit decisions of an upload's requests, under the keys they were stored with.
pub async fn record_uploaded_decisions(
    state: &AppState,
    user_id: i64,
    events: &[PricedEvent],
) -> Result<()> {
    let decisions: Vec<UploadedDecision<'_>> = events
        .iter()
        .flat_map(|priced| {
            let event = &priced.event;
            event
                .edit_decisions
                .iter()
                .map(move |(tool_name, counts)| UploadedDecision {
                    dedupe_key: &event.dedupe_key,
                    tool_name,
                    session_id: &event.session_id,
                    ts_ms: event.timestamp.timestamp_millis(),
                    accepted: i64::from(counts.accepted),
                    rejected: i64::from(counts.rejected),
                })
        })
        .collect();
    store::upsert(&state.db, user_id, &decisions).await
}
