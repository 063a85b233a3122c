//! Claude Code line handling, one trap per test.

use super::*;

fn feed_all(lines: &[&str]) -> (Vec<Request>, Vec<LineOutcome>) {
    let mut p = ClaudeParser::default();
    let outcomes = lines.iter().map(|l| p.feed(l.as_bytes())).collect();
    (p.finish().0, outcomes)
}

fn assistant(id: &str, req: &str, output: u64, content: &str) -> String {
    format!(
        r#"{{"type":"assistant","timestamp":"2026-03-01T10:00:00.000Z","sessionId":"s1","cwd":"/w/p","gitBranch":"main","requestId":"{req}","message":{{"id":"{id}","model":"claude-sonnet-4-5","content":{content},"usage":{{"input_tokens":10,"output_tokens":{output},"cache_creation_input_tokens":30,"cache_read_input_tokens":40,"cache_creation":{{"ephemeral_5m_input_tokens":10,"ephemeral_1h_input_tokens":20}}}}}}}}"#
    )
}

#[test]
fn content_blocks_of_one_request_merge_keeping_the_largest_output() {
    let a = assistant("m1", "r1", 5, r#"[{"type":"text","text":"secret prompt"}]"#);
    let b = assistant(
        "m1",
        "r1",
        99,
        r#"[{"type":"tool_use","id":"t1","name":"Edit","input":{"file_path":"/x"}}]"#,
    );
    let (requests, _) = feed_all(&[&a, &b]);
    assert_eq!(requests.len(), 1);
    let event = requests[0].clone().into_event();
    assert_eq!(event.dedupe_key, "m1:r1");
    assert_eq!(event.output_tokens, 99);
    assert_eq!(
        (event.cache_write_5m_tokens, event.cache_write_1h_tokens),
        (10, 20)
    );
    assert_eq!(event.tool_calls.get("Edit"), Some(&1));
    assert!(!serde_json::to_string(&event)
        .unwrap_or_default()
        .contains("secret"));
}

#[test]
fn synthetic_and_api_error_lines_are_not_billed() {
    let synthetic = assistant("m2", "r2", 5, "[]").replace("claude-sonnet-4-5", "<synthetic>");
    let api_error = assistant("m3", "r3", 5, "[]").replace(
        "\"type\":\"assistant\"",
        "\"type\":\"assistant\",\"isApiErrorMessage\":true",
    );
    let (requests, outcomes) = feed_all(&[&synthetic, &api_error]);
    assert!(requests.is_empty());
    assert_eq!(outcomes, vec![LineOutcome::Ignored, LineOutcome::Ignored]);
}

#[test]
fn malformed_lines_are_reported_not_fatal() {
    let good = assistant("m4", "r4", 5, "[]");
    let truncated = &good[..good.len() / 2];
    let (requests, outcomes) = feed_all(&[truncated, "{not json}", &good]);
    assert_eq!(requests.len(), 1);
    assert_eq!(
        &outcomes[..2],
        &[LineOutcome::Malformed, LineOutcome::Malformed]
    );
}

#[test]
fn permission_mode_carries_forward_to_later_assistant_lines() {
    let user = r#"{"type":"user","sessionId":"s1","permissionMode":"acceptEdits","message":{"role":"user","content":"hi"}}"#;
    let (requests, _) = feed_all(&[user, &assistant("m5", "r5", 1, "[]")]);
    assert_eq!(
        requests[0].event.permission_mode.as_deref(),
        Some("acceptEdits")
    );
}

#[test]
fn edit_results_count_lines_and_skills_keep_only_their_name() {
    let call = assistant(
        "m6",
        "r6",
        1,
        r#"[{"type":"tool_use","id":"t6","name":"Edit","input":{}},{"type":"tool_use","id":"t7","name":"Skill","input":{"skill":"pdf","args":"private args"}},{"type":"tool_use","id":"t8","name":"Write","input":{}}]"#,
    );
    let edit = r#"{"type":"user","sessionId":"s1","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t6","content":"ok"}]},"toolUseResult":{"filePath":"/x","structuredPatch":[{"lines":[" a","-b","+c","+d"]}]}}"#;
    let write = r#"{"type":"user","sessionId":"s1","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t8","content":"ok"}]},"toolUseResult":{"type":"create","filePath":"/y","content":"1\n2\n3\n","structuredPatch":[]}}"#;
    let (requests, _) = feed_all(&[&call, edit, write]);
    let event = requests[0].clone().into_event();
    assert_eq!((event.lines_added, event.lines_removed), (5, 1));
    assert_eq!(event.tool_calls.get("Skill:pdf"), Some(&1));
    assert!(!serde_json::to_string(&event)
        .unwrap_or_default()
        .contains("private"));
}

#[test]
fn cache_creation_without_breakdown_counts_as_5m() {
    let line = r#"{"type":"assistant","timestamp":"2026-01-09T10:00:00.000Z","sessionId":"a","message":{"id":"m","model":"claude-sonnet-4-20250514","usage":{"input_tokens":100,"output_tokens":50,"cache_creation_input_tokens":25,"cache_read_input_tokens":10,"speed":"fast"}},"requestId":"r"}"#;
    let (requests, _) = feed_all(&[line]);
    let e = &requests[0].event;
    assert_eq!(
        (
            e.cache_write_5m_tokens,
            e.cache_write_1h_tokens,
            e.speed.as_deref()
        ),
        (25, 0, Some("fast"))
    );
}

#[test]
fn applied_and_refused_edits_are_counted_per_tool_without_their_text() {
    let calls = r#"[{"type":"tool_use","id":"w1","name":"Write","input":{"file_path":"/w/p/a.py"}},
        {"type":"tool_use","id":"e1","name":"Edit","input":{"file_path":"/w/p/a.py"}},
        {"type":"tool_use","id":"e2","name":"Edit","input":{"file_path":"/w/p/b.py"}}]"#;
    let request = assistant("m9", "r9", 5, &calls.replace('\n', ""));
    let created = r#"{"type":"user","sessionId":"s1","toolUseResult":{"type":"create","filePath":"/w/p/a.py","content":"print('secret')\nprint(2)","structuredPatch":[]},"message":{"content":[{"tool_use_id":"w1","type":"tool_result","content":"File created"}]}}"#;
    let refused = r#"{"type":"user","sessionId":"s1","toolUseResult":"Error: Claude requested permissions to write to /w/p/a.py, but you haven't granted it yet.","message":{"content":[{"type":"tool_result","content":"Claude requested permissions to write to /w/p/a.py, but you haven't granted it yet.","is_error":true,"tool_use_id":"e1"}]}}"#;
    let failed = r#"{"type":"user","sessionId":"s1","toolUseResult":"Error: File has not been read yet.","message":{"content":[{"type":"tool_result","content":"<tool_use_error>File has not been read yet.</tool_use_error>","is_error":true,"tool_use_id":"e2"}]}}"#;
    let (requests, _) = feed_all(&[&request, created, refused, failed]);
    let event = requests[0].clone().into_event();
    assert_eq!((event.lines_added, event.lines_removed), (2, 0));
    let write = event
        .edit_decisions
        .get("Write")
        .copied()
        .unwrap_or_default();
    let edit = event
        .edit_decisions
        .get("Edit")
        .copied()
        .unwrap_or_default();
    assert_eq!((write.accepted, write.rejected), (1, 0));
    // The refused edit counts; the one that failed for another reason is no decision.
    assert_eq!((edit.accepted, edit.rejected), (0, 1));
    assert_eq!(event.tool_calls.get("Edit"), Some(&2));
    assert!(!serde_json::to_string(&event)
        .unwrap_or_default()
        .contains("secret"));
}
