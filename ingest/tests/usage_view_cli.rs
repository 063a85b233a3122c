//! How `agentmeter usage` reads to a person and to a script, run as the real binary: 5-hour
//! windows as ccusage's `blocks`, costs without float noise in JSON, separators and dollars in the
//! table, colour only when asked for by the terminal, a clear error when there are no logs, and
//! help for every flag. Costs are computed by hand (claude-sonnet-4-5: $3 input, $15 output per
//! million tokens).

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn agentmeter(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_agentmeter"));
    command
        .args(args)
        .env_remove("CLAUDE_CONFIG_DIR")
        .env_remove("CODEX_HOME")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    for (key, value) in env {
        command.env(key, value);
    }
    command
        .output()
        .unwrap_or_else(|e| panic!("cannot run agentmeter: {e}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A Claude Code line of one request: 1,000 input and 100 output tokens of claude-sonnet-4-5,
/// 1000*3 + 100*15 = 4,500 per million, $0.0045.
fn request(ts: &str, id: &str) -> String {
    format!(
        r#"{{"type":"assistant","timestamp":"{ts}","sessionId":"s1","version":"2.1.40","cwd":"/w/app","requestId":"req-{id}","message":{{"id":"msg-{id}","model":"claude-sonnet-4-5","role":"assistant","content":[{{"type":"text","text":"x"}}],"usage":{{"input_tokens":1000,"output_tokens":100,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}}}}}"#
    )
}

/// Five requests: 10:55:30, 14:59 and 15:00:00 (exactly 5 h after the window's 10:00 start, so
/// still in it), 15:00:01 (opens the 15:00 window) and, after a gap, 21:10 (the 21:00 window).
fn windows_tree(root: &Path) {
    let project = root.join("projects/-w-app");
    fs::create_dir_all(&project).unwrap_or_else(|e| panic!("{e}"));
    let lines = [
        request("2026-07-01T10:55:30.000Z", "a"),
        request("2026-07-01T14:59:00.000Z", "b"),
        request("2026-07-01T15:00:00.000Z", "c"),
        request("2026-07-01T15:00:01.000Z", "d"),
        request("2026-07-01T21:10:00.000Z", "e"),
    ];
    fs::write(project.join("s1.jsonl"), lines.join("\n") + "\n").unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn five_hour_windows_start_at_the_first_messages_hour_as_ccusage_blocks_do() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    windows_tree(dir.path());
    let logs = dir.path().to_str().unwrap_or_default();

    let out = agentmeter(&["usage", "--logs", logs, "--by", "window", "--json"], &[]);

    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let rows = report["rows"].as_array().cloned().unwrap_or_default();
    let got: Vec<(&str, &str, &str, f64)> = rows
        .iter()
        .map(|r| {
            (
                r["key"].as_str().unwrap_or(""),
                r["window"]["end"].as_str().unwrap_or(""),
                r["window"]["last_activity"].as_str().unwrap_or(""),
                r["cost_usd"].as_f64().unwrap_or(f64::NAN),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "2026-07-01T10:00:00Z",
                "2026-07-01T15:00:00Z",
                "2026-07-01T15:00:00Z",
                0.0135
            ),
            (
                "2026-07-01T15:00:00Z",
                "2026-07-01T20:00:00Z",
                "2026-07-01T15:00:01Z",
                0.0045
            ),
            (
                "2026-07-01T21:00:00Z",
                "2026-07-02T02:00:00Z",
                "2026-07-01T21:10:00Z",
                0.0045
            ),
        ]
    );
    assert!(rows.iter().all(|r| r["window"]["active"] == false));
}

#[test]
fn json_costs_carry_no_float_noise() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    windows_tree(dir.path());
    let logs = dir.path().to_str().unwrap_or_default();

    let out = agentmeter(&["usage", "--logs", logs, "--by", "window", "--json"], &[]);

    // Three times $0.0045 is $0.0135, which a floating-point sum gives as 0.013499999999999998.
    let json = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(json.contains("\"cost_usd\": 0.0135,"), "{json}");
    assert!(json.contains("\"cost_usd\": 0.0225\n"), "the total: {json}");
    assert!(!json.contains("99999"), "{json}");
}

#[test]
fn the_table_shows_separators_and_dollars_and_colour_only_on_a_terminal_or_when_forced() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    windows_tree(dir.path());
    let logs = dir.path().to_str().unwrap_or_default();
    let args = ["usage", "--logs", logs, "--by", "window", "--tz", "UTC"];

    let piped = agentmeter(&args, &[]);
    let forced = agentmeter(&args, &[("CLICOLOR_FORCE", "1")]);
    let refused = agentmeter(&args, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);

    let table = text(&piped.stdout);
    assert!(piped.status.success(), "{}", text(&piped.stderr));
    assert!(table.contains("2026-07-01 10:00-15:00"), "{table}");
    assert!(
        table.contains("3,000") && table.contains("3,300"),
        "{table}"
    );
    assert!(
        table.contains("$0.0135") && table.contains("$0.0225"),
        "{table}"
    );
    assert!(
        !table.contains('\u{1b}'),
        "no colour through a pipe: {table:?}"
    );
    assert!(text(&forced.stdout).contains("\u{1b}["), "CLICOLOR_FORCE");
    assert!(!text(&refused.stdout).contains('\u{1b}'), "NO_COLOR wins");
}

#[test]
fn without_any_log_the_command_fails_and_names_where_it_looked() {
    let home = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let home_path = home.path().to_str().unwrap_or_default();
    let empty = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let empty_path = empty.path().to_str().unwrap_or_default();

    let defaults = agentmeter(&["usage"], &[("HOME", home_path)]);
    let named = agentmeter(&["usage", "--logs", empty_path], &[("HOME", home_path)]);

    let said = text(&defaults.stderr);
    assert!(!defaults.status.success());
    assert!(
        said.contains("no Claude Code or Codex logs found"),
        "{said}"
    );
    for place in [
        ".claude/projects",
        ".config/claude/projects",
        ".codex/sessions",
    ] {
        assert!(
            said.contains(&format!("{home_path}/{place}")),
            "{place}: {said}"
        );
    }
    let said = text(&named.stderr);
    assert!(!named.status.success());
    assert!(said.contains(empty_path), "{said}");
    assert!(named.stdout.is_empty());
}

#[test]
fn help_describes_every_flag_and_why_costs_come_from_tokens() {
    let out = agentmeter(&["usage", "--help"], &[]);
    let help = text(&out.stdout);
    assert!(out.status.success());
    for described in [
        "not taken from `costUSD` fields",
        "Which assistant's logs to read",
        "How to group the rows",
        "5-hour window, keyed by its start",
        "First day to include",
        "Last day to include",
        "Time zone for days",
        "Print the report as JSON",
        "A log root",
        "List skipped lines",
        "A price CSV",
        "Where login and upload state live",
    ] {
        assert!(
            help.contains(described),
            "{described:?} missing in:\n{help}"
        );
    }
}
