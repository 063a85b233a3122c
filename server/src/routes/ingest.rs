//! Collector uploads: usage batches and what the server already holds.

use anyhow::Context;
use axum::body::Bytes;
use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};

use agentmeter_ingest::wire::{IngestStatus, UsageBatchReceipt, UsageEvent};
use agentmeter_ingest::{validate_event, PriceTable};

use crate::auth::CurrentUser;
use crate::error::Result;
use crate::observability::IngestedEvents;
use crate::routes::batch;
use crate::state::AppState;
use crate::store::usage::{self, PricedEvent};

/// `POST /api/v1/ingest/usage`: stores the caller's events; all or nothing.
#[utoipa::path(
    post,
    path = "/api/v1/ingest/usage",
    tag = "ingest",
    request_body = agentmeter_ingest::wire::UsageBatch,
    responses((status = 200, description = "OK", body = UsageBatchReceipt)),
)]
pub async fn upload_usage(
    State(state): State<AppState>,
    user: CurrentUser,
    body: Bytes,
) -> Result<Json<UsageBatchReceipt>> {
    // Decoding and pricing a batch of thousands of events takes milliseconds of CPU: done on the
    // blocking pool, it leaves the async workers free to drive the database writes of other
    // uploads meanwhile (on SQLite, one worker stalled here stalled the single writer).
    let (now, prices) = (Utc::now(), state.prices.clone());
    let priced = tokio::task::spawn_blocking(move || decode_and_price(&body, now, &prices))
        .await
        .context("decoding an upload")??;
    let receipt = usage::upsert_batch(&state.db, user.id, &priced).await?;
    tracing::info!(user = %user.email, received = receipt.received, inserted = receipt.inserted, "usage batch stored");
    state.observability.ingested(IngestedEvents {
        inserted: receipt.inserted,
        updated: receipt.updated,
        unchanged: receipt.unchanged,
    });
    Ok(Json(receipt))
}

/// `GET /api/v1/ingest/status`: what the server holds for the caller.
#[utoipa::path(
    get,
    path = "/api/v1/ingest/status",
    tag = "ingest",
    responses((status = 200, description = "OK", body = IngestStatus)),
)]
pub async fn status(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<IngestStatus>> {
    Ok(Json(usage::status(&state.db, user.id).await?))
}

/// The batch's events, each under the key it is stored with and priced by the server's table.
fn decode_and_price(
    body: &[u8],
    now: DateTime<Utc>,
    prices: &PriceTable,
) -> Result<Vec<PricedEvent>> {
    Ok(decode_batch(body, now)?
        .into_iter()
        .map(|mut event| {
            // The key telemetry stores the same request under (see `UsageEvent::stored_key`).
            event.dedupe_key = event.stored_key().to_owned();
            PricedEvent {
                cost_usd: agentmeter_ingest::cost_usd(prices, &event),
                event,
            }
        })
        .collect())
}

/// Parses and validates every record; any bad record rejects the whole batch with the list.
pub fn decode_batch(body: &[u8], now: DateTime<Utc>) -> Result<Vec<UsageEvent>> {
    batch::decode_records(body, "events", |event: &UsageEvent| {
        validate_event(event, now).err()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    fn event_json(timestamp: &str, model: &str) -> serde_json::Value {
        serde_json::json!({
            "tool": "claude-code", "dedupe_key": "msg_1:req_1", "session_id": "s1",
            "timestamp": timestamp, "model": model, "input_tokens": 10, "output_tokens": 5
        })
    }

    #[test]
    fn a_valid_batch_decodes_every_record() {
        let body = serde_json::json!({"events": [event_json("2026-08-03T10:00:00Z", "claude-sonnet-4-5")]});
        let events = decode_batch(body.to_string().as_bytes(), Utc::now()).expect("valid");
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].total_tokens(), 15);
    }

    #[test]
    fn bad_records_are_all_named_and_nothing_is_returned() {
        let mut missing_tokens = event_json("2026-08-03T10:00:00Z", "m");
        missing_tokens
            .as_object_mut()
            .map(|o| o.remove("input_tokens"));
        let body = serde_json::json!({"events": [
            event_json("2026-08-03T10:00:00Z", "claude-sonnet-4-5"),
            event_json("1999-01-01T00:00:00Z", "claude-sonnet-4-5"),
            event_json("2026-08-03T10:00:00Z", " "),
            missing_tokens,
        ]});
        match decode_batch(body.to_string().as_bytes(), Utc::now()) {
            Err(Error::Unprocessable { records, .. }) => {
                let indexes: Vec<usize> = records.iter().map(|r| r.index).collect();
                assert_eq!(indexes, vec![1, 2, 3]);
                assert!(
                    records[0].reason.contains("2020") || records[0].reason.contains("timestamp"),
                    "{}",
                    records[0].reason
                );
                assert!(records[1].reason.contains("model"));
                assert!(records[2].reason.contains("input_tokens"));
            }
            other => panic!("expected 422, got {other:?}"),
        }
    }

    #[test]
    fn a_body_that_is_not_a_batch_is_a_bad_request() {
        assert!(matches!(
            decode_batch(b"[1,2]", Utc::now()),
            Err(Error::BadRequest(_))
        ));
    }
}
