//! Codex rollout handling: running totals, repeated snapshots, latest turn_context model.

use super::*;

fn token_count(ts: &str, input: u64, cached: u64, output: u64, reasoning: u64) -> String {
    let total = input + output;
    format!(
        r#"{{"timestamp":"{ts}","type":"event_msg","payload":{{"type":"token_count","info":{{"total_token_usage":{{"input_tokens":{input},"cached_input_tokens":{cached},"output_tokens":{output},"reasoning_output_tokens":{reasoning},"total_tokens":{total}}}}}}}}}"#
    )
}

#[test]
fn repeated_snapshots_add_nothing_and_deltas_are_billed() {
    let mut p = CodexParser {
        file_session: "sess".into(),
        ..Default::default()
    };
    let lines = [
        r#"{"timestamp":"2026-05-13T09:00:00.000Z","type":"session_meta","payload":{"id":"abc","cwd":"/w/repo","git":{"branch":"dev"}}}"#.to_string(),
        r#"{"timestamp":"2026-05-13T09:00:00.000Z","type":"turn_context","payload":{"model":"gpt-5.2-codex"}}"#.to_string(),
        token_count("2026-05-13T09:01:00.000Z", 1000, 250, 125, 75),
        token_count("2026-05-13T09:01:01.000Z", 1000, 250, 125, 75),
        r#"{"timestamp":"2026-05-13T09:02:00.000Z","type":"turn_context","payload":{"model":"gpt-5.3-codex"}}"#.to_string(),
        token_count("2026-05-13T09:03:00.000Z", 3500, 750, 425, 275),
    ];
    for l in &lines {
        p.feed(l.as_bytes());
    }
    let (requests, ctx) = p.finish();
    assert_eq!(requests.len(), 2);
    let (a, b) = (&requests[0].event, &requests[1].event);
    assert_eq!(
        (
            a.input_tokens,
            a.cache_read_tokens,
            a.output_tokens,
            a.reasoning_tokens
        ),
        (750, 250, 125, Some(75))
    );
    assert_eq!(
        (b.input_tokens, b.cache_read_tokens, b.output_tokens),
        (2000, 500, 300)
    );
    assert_eq!(
        (a.model.as_str(), b.model.as_str()),
        ("gpt-5.2-codex", "gpt-5.3-codex")
    );
    assert_eq!(
        (a.dedupe_key.as_str(), b.session_id.as_str()),
        ("abc:1125", "abc")
    );
    assert_eq!(
        (b.project.as_deref(), b.git_branch.as_deref()),
        (Some("/w/repo"), Some("dev"))
    );
    assert_eq!(ctx.last_total.map(|t| t.input_tokens), Some(3500));
}

#[test]
fn session_id_comes_from_the_rollout_file_name() {
    assert_eq!(
        session_from_file_name("rollout-2025-05-13T09-00-00-0199a213-81c0-7800-8aa1-bbab2a035a53"),
        "0199a213-81c0-7800-8aa1-bbab2a035a53"
    );
    assert_eq!(session_from_file_name("other"), "other");
}
