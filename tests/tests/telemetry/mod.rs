//! The OpenTelemetry receiver (issue 15) end to end: OTLP over HTTP (JSON and protobuf, gzip or
//! not) and gRPC into the real server, from crafted payloads, from the OpenTelemetry Python SDK,
//! and from the real Claude Code; uploads of the same sessions by `agentmeter upload` change no
//! total.
//!
//! Claude Code 2.1.328 (checked against its real exports) sends `api_request` log events with
//! `session.id`, `prompt.id`, `request_id`, `model`, `input_tokens`, `output_tokens`,
//! `cache_read_tokens`, `cache_creation_tokens` (+ `_5m`/`_1h`) and its own `cost_usd`; and
//! delta sums (cumulative with `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=cumulative`)
//! `claude_code.lines_of_code.count` (`type` added/removed), `claude_code.code_edit_tool.decision`
//! (`tool_name`, `decision` accept/reject), `claude_code.active_time.total` (seconds).
//!
//! Prices (ingest/data/model-prices): claude-sonnet-4-5 $3 / $15 per million input / output,
//! $0.30 cache read, $3.75 cache write (5 min); claude-haiku-4-5 $1 / $5, $0.10, $1.25.

mod claude_code;
mod crafted_session;
mod otlp_grpc;
mod otlp_http;
pub mod payloads;
mod python_sdk;

use serde_json::Value;

use crate::support::{TestApp, TestUser};

/// Reads `/api/v1/metrics/{report}` for 2026-12-01 (the day the crafted payloads fall on).
pub async fn report(app: &TestApp, user: &TestUser, report: &str, extra: &str) -> Value {
    app.get_json(
        user,
        &format!("/api/v1/metrics/{report}?from=2026-12-01&to=2026-12-01{extra}"),
    )
    .await
}

/// The spend group of `model` in a spend report grouped by model.
pub fn model_group<'a>(spend: &'a Value, model: &str) -> &'a Value {
    spend["groups"]
        .as_array()
        .and_then(|groups| groups.iter().find(|g| g["key"] == model))
        .unwrap_or_else(|| panic!("no group {model} in {spend}"))
}

/// A count from the test's own SQL.
pub async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql))
        .fetch_one(&app.sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}
