//! Property tests of [`decode_batch`], the upload decoder: damaged batches (cut, flipped, values
//! replaced by huge, negative, wrongly typed or deeply nested ones) are decoded or refused with
//! a 400 or a 422 naming each bad record, never with a panic; whatever is decoded passes
//! `validate_event`, so it can be stored; and a NUL in any text field is a 422 naming its record.

#[path = "../../../ingest/tests/support/mutation.rs"]
mod mutation;

use chrono::{DateTime, Utc};
use proptest::prelude::*;
use serde_json::{json, Value};

use agentmeter_ingest::validate_event;

use super::ingest::decode_batch;
use crate::error::Error;
use mutation::{config, damaged_focused};

/// The event fields, so that half the replaced values are ones the decoder checks.
const EVENT_FIELDS: &[&str] = &[
    "events",
    "tool",
    "dedupe_key",
    "session_id",
    "project",
    "repository",
    "git_branch",
    "timestamp",
    "model",
    "input_tokens",
    "output_tokens",
    "cache_write_5m_tokens",
    "cache_write_1h_tokens",
    "cache_read_tokens",
    "reasoning_tokens",
    "speed",
    "inference_geo",
    "tool_calls",
    "Bash",
    "lines_added",
    "lines_removed",
    "permission_mode",
    "is_subagent",
];

/// Text fields of an event, where a NUL must be refused.
const TEXT_FIELDS: &[&str] = &[
    "dedupe_key",
    "session_id",
    "project",
    "repository",
    "git_branch",
    "model",
    "speed",
    "inference_geo",
    "permission_mode",
];

fn now() -> DateTime<Utc> {
    "2026-07-02T00:00:00Z".parse().unwrap_or_default()
}

/// A Claude Code event with every optional field, a Codex one, and a minimal one.
fn events() -> Vec<Value> {
    vec![
        json!({"tool": "claude-code", "dedupe_key": "msg_1:req_1", "session_id": "s1",
            "project": "/w/app", "repository": "github.com/acme/app", "git_branch": "main",
            "timestamp": "2026-07-01T09:00:00Z", "model": "claude-sonnet-4-5",
            "input_tokens": 10, "output_tokens": 20, "cache_write_5m_tokens": 30,
            "cache_write_1h_tokens": 40, "cache_read_tokens": 50, "speed": "fast",
            "inference_geo": "us", "tool_calls": {"Bash": 2, "Skill:review": 1},
            "lines_added": 3, "lines_removed": 1, "permission_mode": "acceptEdits",
            "is_subagent": true}),
        json!({"tool": "codex", "dedupe_key": "cx:1200", "session_id": "cx",
            "timestamp": "2026-07-01T10:00:00Z", "model": "gpt-5.4", "input_tokens": 750,
            "output_tokens": 125, "cache_read_tokens": 250, "reasoning_tokens": 75}),
        json!({"tool": "claude-code", "dedupe_key": "m:r", "session_id": "s",
            "timestamp": "2026-07-01T11:00:00Z", "model": "claude-haiku-4-5",
            "input_tokens": 1, "output_tokens": 2}),
    ]
}

fn seeds() -> Vec<Vec<u8>> {
    let all = events();
    let batches = [
        json!({"events": all}),
        json!({"events": [all[0]]}),
        json!({"events": []}),
    ];
    batches.iter().map(|b| b.to_string().into_bytes()).collect()
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn damaged_batches_are_decoded_or_refused_without_panicking(
        body in damaged_focused(seeds(), EVENT_FIELDS, 0..4),
    ) {
        match decode_batch(&body, now()) {
            Ok(decoded) => {
                prop_assert!(decoded.len() <= body.len());
                for event in &decoded {
                    prop_assert_eq!(validate_event(event, now()), Ok(()));
                }
            }
            Err(Error::BadRequest(_)) => {}
            Err(Error::Unprocessable { records, .. }) => {
                prop_assert!(!records.is_empty());
                prop_assert!(records.windows(2).all(|w| w[0].index < w[1].index));
            }
            Err(other) => prop_assert!(false, "unexpected error {other:?}"),
        }
    }

    #[test]
    fn a_nul_in_any_text_field_is_refused_naming_the_record_and_field(
        record in 0usize..3,
        field in prop::sample::select(TEXT_FIELDS),
        prefix in "[a-z]{0,8}",
        suffix in "[a-z]{0,8}",
    ) {
        let mut all = events();
        all[record][field] = Value::from(format!("{prefix}\u{0}{suffix}"));
        let body = json!({"events": all}).to_string();
        match decode_batch(body.as_bytes(), now()) {
            Err(Error::Unprocessable { records, .. }) => {
                prop_assert_eq!(records.len(), 1);
                prop_assert_eq!(records[0].index, record);
                prop_assert!(records[0].reason.starts_with(field), "{}", records[0].reason);
                prop_assert!(records[0].reason.contains("NUL"), "{}", records[0].reason);
            }
            other => prop_assert!(false, "expected a 422, got {other:?}"),
        }
    }
}

#[test]
fn every_seed_batch_decodes() {
    for body in seeds() {
        assert!(decode_batch(&body, now()).is_ok());
    }
}

#[test]
fn a_nul_in_a_tool_name_and_too_many_tool_names_are_each_refused() {
    let mut nul = events()[2].clone();
    nul["tool_calls"] = json!({"Ba\u{0}sh": 1});
    let many: serde_json::Map<String, Value> = (0
        ..=agentmeter_ingest::validate::MAX_TOOL_CALL_KINDS)
        .map(|i| (format!("mcp__tool_{i}"), Value::from(1)))
        .collect();
    let mut crowded = events()[2].clone();
    crowded["tool_calls"] = Value::Object(many);
    let body = json!({"events": [events()[0], nul, crowded]}).to_string();
    match decode_batch(body.as_bytes(), now()) {
        Err(Error::Unprocessable { records, .. }) => {
            let indexes: Vec<usize> = records.iter().map(|r| r.index).collect();
            assert_eq!(indexes, [1, 2]);
            assert!(records[0].reason.contains("tool_calls name contains a NUL"));
            assert!(records[1].reason.contains("more than 256"));
        }
        other => panic!("expected a 422, got {other:?}"),
    }
}
