//! One crafted Claude Code session, as its log events and its metric exports (cumulative and
//! delta), for the OTLP/HTTP tests.

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::metrics::v1::AggregationTemporality::{Cumulative, Delta};

use super::payloads::{api_request, event, i, logs, metrics, point, s, sum, T0_NS};

pub(super) const SEC: u64 = 1_000_000_000;

/// A session of Claude Code's events: a prompt (with its text, as `OTEL_LOG_USER_PROMPTS=1`
/// sends it), two billed requests, a rejected edit decision, a tool result, an API error and an
/// event name the receiver has never heard of.
pub(super) fn session_events() -> ExportLogsServiceRequest {
    logs(vec![
        event(
            "user_prompt",
            "s1",
            0,
            vec![
                s("prompt.id", "p1"),
                s("prompt", "my secret plan"),
                i("prompt_length", 14),
            ],
        ),
        api_request(
            "s1",
            "req_a",
            "claude-sonnet-4-5",
            [100, 10, 300, 200],
            0.00129,
            100,
        ),
        event(
            "tool_decision",
            "s1",
            150,
            vec![
                s("decision", "reject"),
                s("source", "config"),
                s("tool_name", "Edit"),
                s("request_id", "req_a"),
            ],
        ),
        event(
            "tool_result",
            "s1",
            160,
            vec![
                s("tool_name", "Read"),
                s("success", "true"),
                s("duration_ms", "32"),
            ],
        ),
        api_request(
            "s1",
            "req_b",
            "claude-haiku-4-5",
            [1000, 100, 0, 0],
            0.0015,
            200,
        ),
        event(
            "api_error",
            "s1",
            300,
            vec![
                s("model", "claude-sonnet-4-5"),
                s("error", "overloaded: secret detail"),
                i("status_code", 529),
            ],
        ),
        event(
            "brand_new_event",
            "s1",
            400,
            vec![i("widgets", 3), s("note", "free text secret")],
        ),
    ])
}

/// Lines as a cumulative sum in two exports (3, then 5 in one export; then 8 and 1 removed),
/// decisions and active time as deltas.
pub(super) fn session_metrics() -> [ExportMetricsServiceRequest; 2] {
    let start = T0_NS;
    let lines = |t: u64, added: f64, removed: f64| {
        vec![
            point(
                "s1",
                start,
                T0_NS + t * SEC,
                added,
                vec![s("type", "added"), s("model", "claude-sonnet-4-5")],
            ),
            point(
                "s1",
                start,
                T0_NS + t * SEC,
                removed,
                vec![s("type", "removed"), s("model", "claude-sonnet-4-5")],
            ),
        ]
    };
    let decision = |from: u64, to: u64, tool: &str, decision: &str, n: f64| {
        point(
            "s1",
            T0_NS + from * SEC,
            T0_NS + to * SEC,
            n,
            vec![
                s("tool_name", tool),
                s("decision", decision),
                s("source", "config"),
                s("language", "Python"),
            ],
        )
    };
    let active = |from: u64, to: u64, seconds: f64| {
        point(
            "s1",
            T0_NS + from * SEC,
            T0_NS + to * SEC,
            seconds,
            vec![s("type", "cli")],
        )
    };
    let first = metrics(vec![
        sum(
            "claude_code.lines_of_code.count",
            Cumulative,
            [lines(1, 3.0, 0.0), lines(2, 5.0, 0.0)].concat(),
        ),
        sum(
            "claude_code.code_edit_tool.decision",
            Delta,
            vec![decision(0, 2, "Edit", "accept", 1.0)],
        ),
        sum(
            "claude_code.active_time.total",
            Delta,
            vec![active(0, 2, 30.0)],
        ),
    ]);
    let second = metrics(vec![
        sum(
            "claude_code.lines_of_code.count",
            Cumulative,
            lines(3, 8.0, 1.0),
        ),
        sum(
            "claude_code.code_edit_tool.decision",
            Delta,
            vec![
                decision(2, 3, "Edit", "reject", 1.0),
                decision(2, 3, "Write", "accept", 2.0),
            ],
        ),
        sum(
            "claude_code.active_time.total",
            Delta,
            vec![active(2, 3, 15.0)],
        ),
    ]);
    [first, second]
}
