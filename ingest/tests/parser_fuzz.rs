//! Property tests of the log parsers, and of the report built on what they read: real sample
//! lines, damaged (cut, flipped, values replaced by huge, negative, wrongly typed or deeply
//! nested ones), never make a parser panic, and what comes out is bounded by what went in. Case
//! counts are modest so each property runs in a few seconds in a debug build.

#[path = "support/mutation.rs"]
mod mutation;

use std::io::Write;

use agentmeter_ingest::claude::ClaudeParser;
use agentmeter_ingest::codex::CodexParser;
use agentmeter_ingest::merge::collect;
use agentmeter_ingest::report::{build_report, GroupBy, ReportOptions, Zone};
use agentmeter_ingest::request::Request;
use agentmeter_ingest::scan::{scan_file, ScanMode, ScanStart};
use agentmeter_ingest::sources::{LogFile, LogKind};
use agentmeter_ingest::validate::MAX_FIELD_LEN;
use agentmeter_ingest::validate_event;
use agentmeter_ingest::wire::UsageEvent;
use agentmeter_ingest::PriceTable;
use proptest::prelude::*;

use mutation::{config, damaged, lines_of, Damaged};

const CLAUDE_SAMPLES: [&str; 3] = [
    include_str!("fixtures/samples/claude-code/spotter_short-session.jsonl"),
    include_str!("fixtures/samples/claude-code/spotter_subagent_agent-aac57f5.jsonl"),
    include_str!("fixtures/samples/claude-code/ccusage-fixture_project-alpha_session-alpha.jsonl"),
];

/// Rollout lines of every kind the parser reads: the sample, plus a session_meta with a branch
/// and a token_count carrying only `last_token_usage`.
const CODEX_EXTRA: &str = r#"{"timestamp":"2026-05-13T08:00:00.000Z","type":"session_meta","payload":{"id":"abc","cwd":"/w/repo","git":{"branch":"dev"}}}
{"timestamp":"2026-05-13T09:05:00.000Z","type":"event_msg","payload":{"type":"token_count","info":{"last_token_usage":{"input_tokens":10,"cached_input_tokens":2,"output_tokens":5,"reasoning_output_tokens":1,"total_tokens":15}}}}
{"timestamp":"2026-05-13T09:06:00.000Z","type":"event_msg","payload":{"type":"token_count","info":null,"rate_limits":{"primary":{"used_percent":10.0}}}}"#;

fn claude_seeds() -> Vec<Vec<u8>> {
    CLAUDE_SAMPLES.iter().flat_map(|s| lines_of(s)).collect()
}

fn codex_seeds() -> Vec<Vec<u8>> {
    let mut seeds = lines_of(include_str!(
        "fixtures/samples/codex/ccusage-fixture_session-alpha.jsonl"
    ));
    seeds.extend(lines_of(CODEX_EXTRA));
    seeds
}

/// Bytes of text an event holds: what a parser allocates per request.
fn text_bytes(event: &UsageEvent) -> usize {
    let optional = [
        &event.project,
        &event.repository,
        &event.git_branch,
        &event.speed,
        &event.inference_geo,
        &event.permission_mode,
    ];
    event.dedupe_key.len()
        + event.session_id.len()
        + event.model.len()
        + optional
            .iter()
            .flat_map(|o| o.as_deref())
            .map(str::len)
            .sum::<usize>()
        + event.tool_calls.keys().map(String::len).sum::<usize>()
}

/// Every request becomes an event the validator can judge, and the text kept is bounded by the
/// input (a constant per request covers ids built from the file name and numbers).
fn check_requests(requests: Vec<Request>, lines: &[Damaged]) -> Result<(), TestCaseError> {
    let input: usize = lines.iter().map(|l| l.len()).sum();
    prop_assert!(requests.len() <= lines.len());
    let now = chrono::Utc::now();
    let events = requests.len();
    let mut kept = 0;
    for request in requests {
        let event = request.into_event();
        let _ = event.total_tokens();
        let _ = validate_event(&event, now);
        kept += text_bytes(&event);
    }
    // Context (session, cwd, branch, model) is copied into each request, each value at most
    // MAX_FIELD_LEN long.
    let per_request = 4 * MAX_FIELD_LEN + 256;
    prop_assert!(
        kept <= 4 * input + per_request * events,
        "{kept} bytes kept in {events} requests from {input} bytes read"
    );
    Ok(())
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn damaged_claude_lines_never_panic_and_keep_bounded_text(
        lines in prop::collection::vec(damaged(claude_seeds(), 0..4), 1..8),
        skip_details in any::<bool>(),
        subagent_file in any::<bool>(),
    ) {
        let mut parser = ClaudeParser::default();
        parser.file_session = "file-session".into();
        parser.skip_details = skip_details;
        parser.subagent_file = subagent_file;
        for line in &lines {
            parser.feed(line);
        }
        let (requests, context) = parser.finish();
        prop_assert!(context.permission_mode.len() <= lines.len());
        check_requests(requests, &lines)?;
    }

    #[test]
    fn damaged_codex_lines_never_panic_and_keep_bounded_text(
        lines in prop::collection::vec(damaged(codex_seeds(), 0..4), 1..10),
    ) {
        let mut parser = CodexParser::default();
        parser.file_session = "file-session".into();
        for line in &lines {
            parser.feed(line);
        }
        let (requests, _) = parser.finish();
        check_requests(requests, &lines)?;
    }
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn damaged_files_scan_and_merge_without_panicking(
        claude in prop::collection::vec(damaged(claude_seeds(), 0..3), 0..6),
        codex in prop::collection::vec(damaged(codex_seeds(), 0..3), 0..6),
        upload in any::<bool>(),
        cut_last_newline in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mode = if upload { ScanMode::Upload } else { ScanMode::Report };
        let mut scans = Vec::new();
        for (name, kind, lines) in [
            ("s.jsonl", LogKind::Claude, &claude),
            ("rollout-x.jsonl", LogKind::Codex, &codex),
        ] {
            let path = dir.path().join(name);
            let mut file = std::fs::File::create(&path)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let mut text = lines.join(&b'\n');
            if !cut_last_newline {
                text.push(b'\n');
            }
            file.write_all(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let scan = scan_file(&LogFile { path, kind }, &ScanStart::default(), mode)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(scan.end_offset <= text.len() as u64);
            let line_count = text.split(|b| *b == b'\n').count() as u64;
            prop_assert!(scan.skipped_count <= line_count);
            prop_assert!(scan.end_line <= line_count);
            scans.push(scan);
        }
        let collected = collect(scans.iter_mut());
        prop_assert!(collected.events.len() <= claude.len() + codex.len());
        let options = ReportOptions {
            by: GroupBy::Day,
            since: None,
            until: None,
            zone: Zone::parse("UTC").map_err(|e| TestCaseError::fail(e.to_string()))?,
            tool: None,
            now: chrono::Utc::now(),
        };
        let report = build_report(
            &collected.events,
            &PriceTable::builtin(),
            &options,
            collected.skipped_lines,
        );
        prop_assert!(report.rows.len() <= collected.events.len());
    }
}

fn claude_line(usage: &str) -> String {
    format!(
        r#"{{"type":"assistant","timestamp":"2026-07-01T09:00:00.000Z","sessionId":"s","requestId":"r","message":{{"id":"m","model":"claude-sonnet-4-5","usage":{usage}}}}}"#
    )
}

#[test]
fn claude_token_counts_at_the_u64_limit_saturate_instead_of_overflowing() {
    let max = u64::MAX;
    let mut parser = ClaudeParser::default();
    let line = claude_line(&format!(
        r#"{{"input_tokens":{max},"output_tokens":{max},"cache_creation_input_tokens":{max},"cache_read_input_tokens":{max},"cache_creation":{{"ephemeral_5m_input_tokens":{max},"ephemeral_1h_input_tokens":{max}}}}}"#
    ));
    parser.feed(line.as_bytes());
    parser.feed(line.as_bytes());
    let (requests, _) = parser.finish();
    let events: Vec<UsageEvent> = requests.into_iter().map(Request::into_event).collect();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].total_tokens(), u64::MAX);
    assert!(validate_event(&events[0], chrono::Utc::now()).is_err());
}

#[test]
fn codex_running_totals_at_the_u64_limit_saturate_instead_of_overflowing() {
    let max = u64::MAX;
    let mut parser = CodexParser::default();
    for output in [max, max - 1] {
        let line = format!(
            r#"{{"timestamp":"2026-05-13T09:01:00.000Z","type":"event_msg","payload":{{"type":"token_count","info":{{"total_token_usage":{{"input_tokens":{max},"output_tokens":{output}}},"last_token_usage":{{"input_tokens":{max},"output_tokens":{max}}}}}}}}}"#
        );
        parser.feed(line.as_bytes());
    }
    let (requests, _) = parser.finish();
    assert!(!requests.is_empty());
    for request in requests {
        let event = request.into_event();
        assert_eq!(event.total_tokens(), u64::MAX);
    }
}

#[test]
fn an_overlong_codex_session_id_is_not_copied_into_every_request() {
    let mut parser = CodexParser::default();
    parser.file_session = "from-file-name".into();
    let meta = format!(
        r#"{{"timestamp":"2026-05-13T08:00:00.000Z","type":"session_meta","payload":{{"id":"{}","cwd":"/w"}}}}"#,
        "x".repeat(20_000)
    );
    parser.feed(meta.as_bytes());
    for input in [100, 200, 300] {
        let line = format!(
            r#"{{"timestamp":"2026-05-13T09:01:00.000Z","type":"event_msg","payload":{{"type":"token_count","info":{{"total_token_usage":{{"input_tokens":{input},"output_tokens":1}}}}}}}}"#
        );
        parser.feed(line.as_bytes());
    }
    let (requests, _) = parser.finish();
    assert_eq!(requests.len(), 3);
    for request in requests {
        assert_eq!(request.event.session_id, "from-file-name");
        assert_eq!(request.event.project.as_deref(), Some("/w"));
    }
}

#[test]
fn a_report_over_token_counts_at_the_u64_limit_saturates_instead_of_overflowing() {
    let max = u64::MAX;
    let mut parser = ClaudeParser::default();
    for id in ["a", "b"] {
        let line = claude_line(&format!(
            r#"{{"input_tokens":{max},"output_tokens":{max}}}"#
        ))
        .replace(r#""requestId":"r""#, &format!(r#""requestId":"{id}""#));
        parser.feed(line.as_bytes());
    }
    let (requests, _) = parser.finish();
    let events: Vec<UsageEvent> = requests.into_iter().map(Request::into_event).collect();
    let options = ReportOptions {
        by: GroupBy::Day,
        since: None,
        until: None,
        zone: Zone::Named(chrono_tz::UTC),
        tool: None,
        now: chrono::Utc::now(),
    };
    let report = build_report(&events, &PriceTable::builtin(), &options, 0);
    assert_eq!(events.len(), 2);
    assert_eq!(report.totals.total_tokens, u64::MAX);
}
