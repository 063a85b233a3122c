//! Codex CLI rollouts in the real format: `{timestamp, type, payload}` lines with a
//! `session_meta`, a `turn_context` naming the model, and `event_msg`/`token_count` payloads whose
//! `total_token_usage` is a running total (`input_tokens` includes cached input, `output_tokens`
//! includes reasoning). Snapshots are sometimes repeated, as Codex does.

use serde_json::{json, Value};

use crate::claude_log::timestamp;
use crate::model::Session;
use crate::org::{checkout_dir, repository_url, DEVELOPERS};
use crate::rng::SplitMix64;

/// Codex CLI version written in `session_meta`.
pub const CLI_VERSION: &str = "0.46.0";

#[derive(Default, Clone, Copy)]
struct Totals {
    input: u64,
    cached: u64,
    output: u64,
    reasoning: u64,
}

impl Totals {
    fn json(&self) -> Value {
        json!({
            "input_tokens": self.input, "cached_input_tokens": self.cached, "output_tokens": self.output,
            "reasoning_output_tokens": self.reasoning, "total_tokens": self.input + self.output,
        })
    }
}

/// File name of a rollout: `rollout-<local time>-<session id>.jsonl`.
pub fn file_name(session: &Session) -> String {
    let start = session.requests.first().map(|r| r.at).unwrap_or_default();
    format!(
        "rollout-{}-{}.jsonl",
        start.format("%Y-%m-%dT%H-%M-%S"),
        session.id
    )
}

/// The rollout's lines.
pub fn rollout_lines(session: &Session) -> Vec<String> {
    let developer = &DEVELOPERS[session.developer];
    let cwd = checkout_dir(developer.login, session.repository);
    let mut rng = SplitMix64::derive(0xc0de, &session.id);
    let Some(first) = session.requests.first() else {
        return Vec::new();
    };
    let start = timestamp(first.at - chrono::Duration::seconds(3));
    let line = |at: &str, kind: &str, payload: Value| {
        json!({"timestamp": at, "type": kind, "payload": payload}).to_string()
    };
    let mut lines = vec![
        line(
            &start,
            "session_meta",
            json!({
                "id": session.id, "timestamp": start, "cwd": cwd, "originator": "codex_cli_rs", "cli_version": CLI_VERSION,
                "instructions": null, "git": {"commit_hash": rng.hex(40), "branch": session.branch, "repository_url": format!("{}.git", repository_url(session.repository))},
            }),
        ),
        line(
            &start,
            "turn_context",
            json!({
                "cwd": cwd, "approval_policy": "on-request", "sandbox_policy": {"mode": "workspace-write"},
                "model": first.model, "effort": "medium", "summary": "auto",
            }),
        ),
    ];
    let mut totals = Totals::default();
    for (k, request) in session.requests.iter().enumerate() {
        let at = timestamp(request.at);
        if k % 6 == 0 {
            lines.push(line(&at, "response_item", json!({"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Placeholder request from the developer."}]})));
        }
        let last = Totals {
            input: request.input + request.cache_read,
            cached: request.cache_read,
            output: request.output,
            reasoning: request.reasoning,
        };
        totals = Totals {
            input: totals.input + last.input,
            cached: totals.cached + last.cached,
            output: totals.output + last.output,
            reasoning: totals.reasoning + last.reasoning,
        };
        let snapshot = line(
            &at,
            "event_msg",
            json!({
                "type": "token_count",
                "info": {"total_token_usage": totals.json(), "last_token_usage": last.json(), "model_context_window": 272_000},
                "rate_limits": {"primary": {"used_percent": 12.0, "window_minutes": 300}, "secondary": {"used_percent": 4.0, "window_minutes": 10_080}},
            }),
        );
        if rng.chance(0.3) {
            lines.push(snapshot.clone());
        }
        lines.push(snapshot);
        lines.push(line(&at, "response_item", json!({"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "Done."}]})));
    }
    lines
}
