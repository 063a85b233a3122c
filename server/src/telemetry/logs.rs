//! OTLP log records to telemetry events, and Claude Code's `api_request` events to usage events
//! (the same rows the log uploader sends, under the same request key).

use chrono::{DateTime, Utc};
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::common::v1::KeyValue;
use opentelemetry_proto::tonic::logs::v1::LogRecord;
use prost::Message;
use sha2::{Digest, Sha256};

use agentmeter_ingest::wire::{Tool, UsageEvent};

use crate::telemetry::attributes::{hash_field, short_hex, Attributes};
use crate::telemetry::Rejections;

/// The event a billed model request is reported by.
pub const API_REQUEST: &str = "api_request";

/// Claude Code prefixes its log bodies and older event names with this.
const EVENT_PREFIX: &str = "claude_code.";

/// One log record as stored: its kind, where it belongs, and storable attributes only.
#[derive(Debug, Clone, PartialEq)]
pub struct TelemetryEvent {
    /// Hash of the whole record: a retried export carries the same one.
    pub record_key: String,
    pub event_name: String,
    pub session_id: String,
    pub prompt_id: Option<String>,
    pub request_id: Option<String>,
    pub ts_ms: i64,
    pub model: Option<String>,
    pub tool_name: Option<String>,
    pub decision: Option<String>,
    /// Claude Code's own cost estimate of an `api_request`.
    pub cost_usd: Option<f64>,
    pub attributes: String,
}

/// The records of one export that can be stored.
#[derive(Debug, Default)]
pub struct LoggedEvents {
    pub events: Vec<TelemetryEvent>,
    /// One usage event per `api_request`.
    pub requests: Vec<UsageEvent>,
}

/// Every storable record of `request`; the others are added to `rejected`.
pub fn log_events(
    request: &ExportLogsServiceRequest,
    now: DateTime<Utc>,
    rejected: &mut Rejections,
) -> LoggedEvents {
    let mut logged = LoggedEvents::default();
    for (r, resource_logs) in request.resource_logs.iter().enumerate() {
        let resource: &[KeyValue] = resource_logs
            .resource
            .as_ref()
            .map_or(&[], |res| &res.attributes);
        for (s, scope_logs) in resource_logs.scope_logs.iter().enumerate() {
            for (l, record) in scope_logs.log_records.iter().enumerate() {
                let path = format!("resourceLogs[{r}].scopeLogs[{s}].logRecords[{l}]");
                let stored = telemetry_event(record, resource).and_then(|event| {
                    let usage = match event.event_name.as_str() {
                        API_REQUEST => Some(usage_event(&event, record, now)?),
                        _ => None,
                    };
                    Ok((event, usage))
                });
                match stored {
                    Ok((event, usage)) => {
                        logged.requests.extend(usage);
                        logged.events.push(event);
                    }
                    Err(reason) => rejected.add(format!("{path}: {reason}")),
                }
            }
        }
    }
    logged
}

fn telemetry_event(record: &LogRecord, resource: &[KeyValue]) -> Result<TelemetryEvent, String> {
    let attributes = Attributes(&record.attributes);
    attributes.check_count()?;
    let event_name = match attributes.identifier("event.name")? {
        Some(name) => name,
        None if !record.event_name.is_empty() => record.event_name.as_str(),
        None => "log",
    };
    let event_name = event_name.strip_prefix(EVENT_PREFIX).unwrap_or(event_name);
    let session_id = match attributes.identifier("session.id")? {
        Some(session) => session,
        None => Attributes(resource).identifier("session.id")?.unwrap_or(""),
    };
    let time_ns = [record.time_unix_nano, record.observed_time_unix_nano]
        .into_iter()
        .find(|t| *t > 0)
        .ok_or(format!("event {event_name:?} has no time"))?;
    let ts_ms = i64::try_from(time_ns / 1_000_000).map_err(|_| "the time is out of range")?;
    let mut hasher = Sha256::new();
    hash_field(&mut hasher, &record.encode_to_vec());
    Attributes(resource).hash_into(&mut hasher);
    let owned = |s: Option<&str>| s.map(str::to_owned);
    Ok(TelemetryEvent {
        record_key: short_hex(hasher),
        event_name: event_name.to_owned(),
        session_id: session_id.to_owned(),
        prompt_id: owned(attributes.identifier("prompt.id")?),
        request_id: owned(attributes.identifier("request_id")?),
        ts_ms,
        model: owned(attributes.identifier("model")?),
        tool_name: owned(attributes.identifier("tool_name")?),
        decision: owned(attributes.identifier("decision")?),
        cost_usd: attributes.number("cost_usd"),
        attributes: attributes.storable_json(),
    })
}

/// The billed request an `api_request` event reports, keyed like the uploader's copy.
fn usage_event(
    event: &TelemetryEvent,
    record: &LogRecord,
    now: DateTime<Utc>,
) -> Result<UsageEvent, String> {
    let attributes = Attributes(&record.attributes);
    let tokens = |key: &str, required: bool| -> Result<u64, String> {
        match attributes.integer(key) {
            Some(n) => u64::try_from(n).map_err(|_| format!("api_request {key} is negative")),
            None if required => Err(format!("api_request has no {key}")),
            None => Ok(0),
        }
    };
    if event.session_id.is_empty() {
        return Err("api_request has no session.id".into());
    }
    let model = event.model.clone().ok_or("api_request has no model")?;
    let cache_creation = tokens("cache_creation_tokens", false)?;
    let write_5m = tokens("cache_creation_5m_tokens", false)?;
    let write_1h = tokens("cache_creation_1h_tokens", false)?;
    // As the uploader does: what the 5m/1h breakdown leaves out of the total is a 5m write.
    let write_5m =
        write_5m.saturating_add(cache_creation.saturating_sub(write_5m.saturating_add(write_1h)));
    let timestamp =
        DateTime::from_timestamp_millis(event.ts_ms).ok_or("the time is out of range")?;
    let usage = UsageEvent {
        tool: Tool::ClaudeCode,
        dedupe_key: match &event.request_id {
            Some(request_id) => request_id.clone(),
            // Without a request id nothing can meet the uploader's copy; the record stays
            // idempotent by its own hash.
            None => format!("otel:{}", event.record_key),
        },
        session_id: event.session_id.clone(),
        project: None,
        repository: None,
        git_branch: None,
        timestamp,
        model,
        input_tokens: tokens("input_tokens", true)?,
        output_tokens: tokens("output_tokens", true)?,
        cache_write_5m_tokens: write_5m,
        cache_write_1h_tokens: write_1h,
        cache_read_tokens: tokens("cache_read_tokens", false)?,
        reasoning_tokens: None,
        speed: (attributes.string("speed") == Some("fast")).then(|| "fast".to_owned()),
        inference_geo: None,
        tool_calls: Default::default(),
        lines_added: 0,
        lines_removed: 0,
        permission_mode: None,
        is_subagent: false,
        edit_decisions: Default::default(),
    };
    agentmeter_ingest::validate_event(&usage, now)?;
    Ok(usage)
}
