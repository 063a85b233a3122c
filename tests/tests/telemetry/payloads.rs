//! OTLP requests shaped like Claude Code 2.1.328's (attribute names and types as it sends them,
//! see tests/tests/telemetry/mod.rs), built from the OpenTelemetry protobuf types.

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::common::v1::{AnyValue, InstrumentationScope, KeyValue};
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use opentelemetry_proto::tonic::metrics::v1::{
    metric, number_data_point, AggregationTemporality, Metric, NumberDataPoint, ResourceMetrics,
    ScopeMetrics, Sum,
};
use opentelemetry_proto::tonic::resource::v1::Resource;

/// 2026-12-01T10:00:00Z in nanoseconds: a time every test range covers.
pub const T0_NS: u64 = 1_796_119_200_000_000_000;

pub fn kv(key: &str, value: Value) -> KeyValue {
    KeyValue {
        key: key.into(),
        value: Some(AnyValue { value: Some(value) }),
        ..KeyValue::default()
    }
}

pub fn s(key: &str, value: &str) -> KeyValue {
    kv(key, Value::StringValue(value.into()))
}

pub fn i(key: &str, value: i64) -> KeyValue {
    kv(key, Value::IntValue(value))
}

fn resource() -> Option<Resource> {
    Some(Resource {
        attributes: vec![
            s("service.name", "claude-code"),
            s("service.version", "2.1.328"),
        ],
        ..Resource::default()
    })
}

/// A Claude Code event: `event.name`, `session.id`, the time, plus `attributes`.
pub fn event(
    name: &str,
    session: &str,
    offset_ms: u64,
    mut attributes: Vec<KeyValue>,
) -> LogRecord {
    let mut all = vec![
        s("user.id", "79be57a4"),
        s("session.id", session),
        s("terminal.type", "xterm"),
        s("event.name", name),
    ];
    all.append(&mut attributes);
    LogRecord {
        time_unix_nano: T0_NS + offset_ms * 1_000_000,
        observed_time_unix_nano: T0_NS + offset_ms * 1_000_000,
        body: Some(AnyValue {
            value: Some(Value::StringValue(format!("claude_code.{name}"))),
        }),
        attributes: all,
        ..LogRecord::default()
    }
}

/// An `api_request` event with the four token counts and Claude Code's own cost.
pub fn api_request(
    session: &str,
    request_id: &str,
    model: &str,
    tokens: [i64; 4],
    cost_usd: f64,
    offset_ms: u64,
) -> LogRecord {
    let [input, output, cache_read, cache_creation] = tokens;
    event(
        "api_request",
        session,
        offset_ms,
        vec![
            s("prompt.id", "p1"),
            s("model", model),
            i("input_tokens", input),
            i("output_tokens", output),
            i("cache_read_tokens", cache_read),
            i("cache_creation_tokens", cache_creation),
            i("cache_creation_5m_tokens", 0),
            i("cache_creation_1h_tokens", 0),
            kv("cost_usd", Value::DoubleValue(cost_usd)),
            s("request_id", request_id),
            s("speed", "normal"),
        ],
    )
}

pub fn logs(records: Vec<LogRecord>) -> ExportLogsServiceRequest {
    ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            resource: resource(),
            scope_logs: vec![ScopeLogs {
                scope: Some(InstrumentationScope {
                    name: "com.anthropic.claude_code.events".into(),
                    version: "2.1.328".into(),
                    ..InstrumentationScope::default()
                }),
                log_records: records,
                ..ScopeLogs::default()
            }],
            ..ResourceLogs::default()
        }],
    }
}

/// One data point of a sum.
pub fn point(
    session: &str,
    start_ns: u64,
    time_ns: u64,
    value: f64,
    mut attributes: Vec<KeyValue>,
) -> NumberDataPoint {
    let mut all = vec![s("user.id", "79be57a4"), s("session.id", session)];
    all.append(&mut attributes);
    NumberDataPoint {
        attributes: all,
        start_time_unix_nano: start_ns,
        time_unix_nano: time_ns,
        value: Some(number_data_point::Value::AsDouble(value)),
        ..NumberDataPoint::default()
    }
}

/// A monotonic sum named `name` with these points.
pub fn sum(
    name: &str,
    temporality: AggregationTemporality,
    points: Vec<NumberDataPoint>,
) -> Metric {
    Metric {
        name: name.into(),
        data: Some(metric::Data::Sum(Sum {
            data_points: points,
            aggregation_temporality: temporality as i32,
            is_monotonic: true,
        })),
        ..Metric::default()
    }
}

pub fn metrics(metrics: Vec<Metric>) -> ExportMetricsServiceRequest {
    ExportMetricsServiceRequest {
        resource_metrics: vec![ResourceMetrics {
            resource: resource(),
            scope_metrics: vec![ScopeMetrics {
                scope: Some(InstrumentationScope {
                    name: "com.anthropic.claude_code".into(),
                    version: "2.1.328".into(),
                    ..InstrumentationScope::default()
                }),
                metrics,
                ..ScopeMetrics::default()
            }],
            ..ResourceMetrics::default()
        }],
    }
}
