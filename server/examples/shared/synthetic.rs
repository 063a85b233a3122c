//! Synthetic usage events shared by the benchmarks: realistic token mixes, models and tools.

use agentmeter_ingest::wire::{EditDecisions, Tool, UsageEvent};
use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::Rng;

/// One billed request of a session; `uses_codex` lets a fifth of the developer's requests be Codex.
pub fn usage_event(
    key: &str,
    session: &str,
    project: &str,
    at: DateTime<Utc>,
    uses_codex: bool,
    rng: &mut StdRng,
) -> UsageEvent {
    let roll: f64 = rng.random();
    let (tool, model) = match roll {
        r if uses_codex && r < 0.2 => (Tool::Codex, "gpt-5-codex"),
        r if r < 0.35 => (Tool::ClaudeCode, "claude-opus-4-8"),
        _ => (Tool::ClaudeCode, "claude-sonnet-4-5"),
    };
    let mut tool_calls = std::collections::BTreeMap::new();
    let mut edit_decisions = std::collections::BTreeMap::new();
    if rng.random_bool(0.3) {
        let edits = rng.random_range(1..4);
        tool_calls.insert("Edit".to_owned(), edits);
        // As a transcript records them: each edit accepted or, now and then, rejected.
        let rejected = u32::from(rng.random_bool(0.1));
        edit_decisions.insert(
            "Edit".to_owned(),
            EditDecisions {
                accepted: edits - rejected,
                rejected,
            },
        );
    }
    UsageEvent {
        tool,
        dedupe_key: key.to_owned(),
        session_id: session.to_owned(),
        repository: Some(format!("github.com/acme/{project}")),
        project: Some(project.to_owned()),
        git_branch: None,
        timestamp: at,
        model: model.to_owned(),
        input_tokens: rng.random_range(500..20_000),
        output_tokens: rng.random_range(100..3_000),
        cache_write_5m_tokens: rng.random_range(0..8_000),
        cache_write_1h_tokens: 0,
        cache_read_tokens: rng.random_range(5_000..150_000),
        reasoning_tokens: None,
        speed: None,
        inference_geo: None,
        tool_calls,
        lines_added: 0,
        lines_removed: 0,
        permission_mode: Some(
            if rng.random_bool(0.2) {
                "acceptEdits"
            } else {
                "default"
            }
            .to_owned(),
        ),
        is_subagent: false,
        edit_decisions,
    }
}
