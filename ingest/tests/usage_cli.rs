//! `agentmeter usage` run as a binary on the real samples and on generated trees with each trap.
//! Expected costs are computed by hand in the comments (USD per MTok from the dated CSV).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The sample logs kept with the tests (`tests/fixtures/samples/README.md` names their sources).
fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/samples")
}

fn usage(args: &[&str]) -> (Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_agentmeter"))
        .arg("usage")
        .args(args)
        .env_remove("CLAUDE_CONFIG_DIR")
        .env_remove("CODEX_HOME")
        .output()
        .unwrap_or_else(|e| panic!("cannot run agentmeter: {e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (json, String::from_utf8_lossy(&out.stderr).into_owned())
}

fn row<'a>(report: &'a Value, key: &str) -> &'a Value {
    report["rows"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["key"] == key))
        .unwrap_or_else(|| panic!("no row {key} in {report}"))
}

fn assert_cost(row: &Value, expected: f64) {
    let got = row["cost_usd"].as_f64().unwrap_or(f64::NAN);
    assert!(
        (got - expected).abs() < 1e-12,
        "cost {got} != {expected} in {row}"
    );
}

fn tokens(row: &Value) -> [u64; 5] {
    [
        "input_tokens",
        "output_tokens",
        "cache_creation_tokens",
        "cache_read_tokens",
        "total_tokens",
    ]
    .map(|k| row[k].as_u64().unwrap_or(u64::MAX))
}

#[test]
fn every_sample_is_read_and_priced_by_hand() {
    let (report, _) = usage(&[
        "--logs",
        samples().to_str().unwrap_or_default(),
        "--json",
        "--tz",
        "UTC",
    ]);
    // sonnet-4: 100*3 + 50*15 + 25*3.75 + 10*0.3 = 1146.75; opus-4 (fast has no multiplier on
    // Opus 4): 200*15 + 75*75 + 50*18.75 + 20*1.5 = 9592.5
    assert_cost(row(&report, "2026-01-09"), 0.01073925);
    assert_eq!(tokens(row(&report, "2026-01-09")), [300, 125, 75, 30, 530]);
    // 300*3 + 125*15 + 40*0.3 = 2787
    assert_cost(row(&report, "2026-01-10"), 0.002787);
    // opus-4-6, one request over 5 content-block lines, 1h cache write:
    // 3*5 + 13*25 + 13835*10 + 11515*0.5 = 144447.5
    assert_cost(row(&report, "2026-02-10"), 0.1444475);
    assert_eq!(
        tokens(row(&report, "2026-02-10")),
        [3, 13, 13835, 11515, 25366]
    );
    // subagent, sonnet-4-5, three requests (5m writes):
    // 3*3+3*15+13838*3.75 + 2326*3+3*15+1598*3.75+13838*0.3 + 79*3+1*15+3378*3.75+15436*0.3 = 86663.7
    assert_cost(row(&report, "2026-02-12"), 0.0866637);
    assert_eq!(
        tokens(row(&report, "2026-02-12")),
        [2408, 7, 18814, 29274, 50503]
    );
    // Codex: (1000-250)*1.75 + 250*0.175 + 125*14 = 3106.25
    assert_cost(row(&report, "2026-05-13"), 0.00310625);
    // delta 2500 in (500 cached), 300 out, model from the latest turn_context (gpt-5.2-codex):
    // 2000*1.75 + 500*0.175 + 300*14 = 7787.5
    assert_cost(row(&report, "2026-05-14"), 0.0077875);
    assert_eq!(
        row(&report, "2026-05-14")["models"],
        serde_json::json!(["gpt-5.2-codex"])
    );
    assert_eq!(report["skipped_lines"], 0);
    assert_eq!(report["unknown_models"], serde_json::json!([]));
}

const DAY1: &str = "2026-07-01T09:00:00.000Z";

fn claude_line(ts: &str, session: &str, id: &str, model: &str, usage: &str, extra: &str) -> String {
    format!(
        r#"{{"type":"assistant","timestamp":"{ts}","sessionId":"{session}","version":"2.1.40","cwd":"/w/app","requestId":"req-{id}","message":{{"id":"msg-{id}","model":"{model}","role":"assistant","content":[{{"type":"text","text":"PRIVATE"}}],"usage":{usage}}}{extra}}}"#
    )
}

fn u(input: u64, output: u64, w5: u64, w1: u64, read: u64) -> String {
    format!(
        r#"{{"input_tokens":{input},"output_tokens":{output},"cache_creation_input_tokens":{},"cache_read_input_tokens":{read},"cache_creation":{{"ephemeral_5m_input_tokens":{w5},"ephemeral_1h_input_tokens":{w1}}}}}"#,
        w5 + w1
    )
}

/// A tree holding every trap of the sample logs' format notes.
fn trap_tree(root: &Path) {
    let project = root.join("projects/-w-app");
    fs::create_dir_all(project.join("s1/subagents")).unwrap_or_else(|e| panic!("{e}"));
    let s = "claude-sonnet-4-5";
    let s1 = [
        // request a: three content-block lines, the last has the largest output
        claude_line(DAY1, "s1", "a", s, &u(1000, 5, 1000, 2000, 4000), ""),
        claude_line(DAY1, "s1", "a", s, &u(1000, 50, 1000, 2000, 4000), ""),
        claude_line(DAY1, "s1", "a", s, &u(1000, 2000, 1000, 2000, 4000), ""),
        String::new(),
        claude_line(DAY1, "s1", "syn", "<synthetic>", &u(0, 0, 0, 0, 0), ""),
        claude_line(
            DAY1,
            "s1",
            "err",
            s,
            &u(9, 9, 0, 0, 0),
            r#","isApiErrorMessage":true"#,
        ),
        "{\"type\":\"user\", this is not json}".to_string(),
        // request b, first copy (smaller)
        claude_line(
            "2026-07-02T09:00:00.000Z",
            "s1",
            "b",
            s,
            &u(100, 10, 0, 0, 0),
            "",
        ),
        // a >200k request: 150000 + 1000 + 2000 + 100000 = 253000 prompt tokens
        claude_line(
            "2026-07-03T09:00:00.000Z",
            "s1",
            "big",
            s,
            &u(150_000, 2000, 1000, 2000, 100_000),
            "",
        ),
        claude_line(
            "2026-07-04T09:00:00.000Z",
            "s1",
            "unk",
            "claude-unreleased-9",
            &u(10, 10, 0, 0, 0),
            "",
        ),
        claude_line(
            "2026-07-05T23:30:00.000Z",
            "s1",
            "late",
            "claude-haiku-4-5",
            &u(10, 10, 0, 0, 0),
            "",
        ),
    ];
    let truncated = claude_line(DAY1, "s1", "cut", s, &u(1, 1, 0, 0, 0), "");
    fs::write(
        project.join("s1.jsonl"),
        format!("{}\n{}", s1.join("\n"), &truncated[..truncated.len() / 2]),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    // a resumed session replays request b with a larger output, and request a unchanged
    let s2 = [
        claude_line(
            "2026-07-02T09:00:00.000Z",
            "s1",
            "b",
            s,
            &u(100, 900, 0, 0, 0),
            "",
        ),
        claude_line(DAY1, "s1", "a", s, &u(1000, 2000, 1000, 2000, 4000), ""),
    ];
    fs::write(project.join("s2.jsonl"), s2.join("\n") + "\n").unwrap_or_else(|e| panic!("{e}"));
    let sub = claude_line(
        "2026-07-02T10:00:00.000Z",
        "s1",
        "sub",
        "claude-haiku-4-5",
        &u(100, 100, 0, 0, 0),
        r#","isSidechain":true"#,
    );
    fs::write(project.join("s1/subagents/agent-x.jsonl"), sub + "\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let codex = root.join("sessions/2026/07/01");
    fs::create_dir_all(&codex).unwrap_or_else(|e| panic!("{e}"));
    let tc = |ts: &str, i: u64, c: u64, o: u64| {
        format!(
            r#"{{"timestamp":"{ts}","type":"event_msg","payload":{{"type":"token_count","info":{{"total_token_usage":{{"input_tokens":{i},"cached_input_tokens":{c},"output_tokens":{o},"reasoning_output_tokens":0,"total_tokens":{}}}}}}}}}"#,
            i + o
        )
    };
    let rollout = [
        r#"{"timestamp":"2026-07-01T08:00:00.000Z","type":"session_meta","payload":{"id":"cx1","cwd":"/w/app"}}"#.to_string(),
        r#"{"timestamp":"2026-07-01T08:00:00.000Z","type":"turn_context","payload":{"model":"gpt-5.4"}}"#.to_string(),
        tc("2026-07-01T08:01:00.000Z", 10_000, 4000, 500),
        tc("2026-07-01T08:01:01.000Z", 10_000, 4000, 500),
        tc("2026-07-01T08:01:02.000Z", 10_000, 4000, 500),
        tc("2026-07-01T08:02:00.000Z", 30_000, 14_000, 700),
    ];
    fs::write(
        codex.join("rollout-2026-07-01T08-00-00-cx1.jsonl"),
        rollout.join("\n") + "\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn generated_traps_are_each_handled() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    trap_tree(dir.path());
    let logs = dir.path().to_str().unwrap_or_default();
    let (report, stderr) = usage(&["--logs", logs, "--json", "--tz", "UTC", "--tool", "claude"]);
    // day 1, request a once (duplicates across lines and files): 1000*3 + 2000*15 + 1000*3.75
    // + 2000*6 + 4000*0.3 = 49950; synthetic and API-error lines add nothing.
    assert_cost(row(&report, "2026-07-01"), 0.04995);
    assert_eq!(
        tokens(row(&report, "2026-07-01")),
        [1000, 2000, 3000, 4000, 10_000]
    );
    // day 2: b's larger copy 100*3 + 900*15 = 13800; subagent haiku 100*1 + 100*5 = 600
    assert_cost(row(&report, "2026-07-02"), 0.0144);
    // day 3: the whole request at long-context rates:
    // 150000*6 + 2000*22.5 + 1000*7.5 + 2000*12 + 100000*0.6 = 1036500
    assert_cost(row(&report, "2026-07-03"), 1.0365);
    // day 4: an unknown model is counted, named, never priced at $0 silently
    assert_eq!(tokens(row(&report, "2026-07-04")), [10, 10, 0, 0, 20]);
    assert_eq!(
        report["unknown_models"],
        serde_json::json!(["claude-unreleased-9"])
    );
    assert!(stderr.contains("claude-unreleased-9"), "{stderr}");
    // blank, malformed and truncated lines
    assert_eq!(report["skipped_lines"], 3);
    // day 5, haiku: 10*1 + 10*5 = 60
    assert_cost(row(&report, "2026-07-05"), 0.00006);
    assert_cost(&report["totals"], 0.04995 + 0.0144 + 1.0365 + 0.00006);
}

#[test]
fn codex_repeated_snapshots_add_nothing() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    trap_tree(dir.path());
    let (report, _) = usage(&[
        "--logs",
        dir.path().to_str().unwrap_or_default(),
        "--json",
        "--tz",
        "UTC",
        "--tool",
        "codex",
    ]);
    // first call: 6000*2.5 + 4000*0.25 + 500*15 = 23500; second: delta 20000 in (10000 cached),
    // 200 out: 10000*2.5 + 10000*0.25 + 200*15 = 30500
    let day = row(&report, "2026-07-01");
    assert_eq!(tokens(day), [16_000, 700, 0, 14_000, 30_700]);
    assert_cost(day, 0.054);
}

#[test]
fn grouping_filters_and_time_zones() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    trap_tree(dir.path());
    let logs = dir.path().to_str().unwrap_or_default();
    let (by_model, _) = usage(&[
        "--logs", logs, "--json", "--by", "model", "--tool", "claude",
    ]);
    assert_eq!(
        tokens(row(&by_model, "claude-haiku-4-5")),
        [110, 110, 0, 0, 220]
    );
    let (month, _) = usage(&["--logs", logs, "--json", "--by", "month", "--tz", "UTC"]);
    assert_eq!(month["rows"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        row(&month, "2026-07")["models"].as_array().map(Vec::len),
        Some(4)
    );
    let (since, _) = usage(&[
        "--logs",
        logs,
        "--json",
        "--tz",
        "UTC",
        "--since",
        "2026-07-02",
        "--until",
        "2026-07-03",
    ]);
    let keys: Vec<&str> = since["rows"]
        .as_array()
        .map(|r| r.iter().filter_map(|x| x["key"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(keys, ["2026-07-02", "2026-07-03"]);
    // 23:30 UTC on 2026-07-05 is already 2026-07-06 in Auckland (UTC+12)
    let (nz, _) = usage(&[
        "--logs",
        logs,
        "--json",
        "--tz",
        "Pacific/Auckland",
        "--tool",
        "claude",
        "--since",
        "2026-07-05",
    ]);
    let keys: Vec<&str> = nz["rows"]
        .as_array()
        .map(|r| r.iter().filter_map(|x| x["key"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(keys, ["2026-07-06"]);
    assert_cost(row(&nz, "2026-07-06"), 0.00006);
}

#[test]
fn claude_config_dir_lists_several_roots() {
    let a = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    trap_tree(a.path());
    let out = Command::new(env!("CARGO_BIN_EXE_agentmeter"))
        .args(["usage", "--json", "--tz", "UTC", "--tool", "claude"])
        .env(
            "CLAUDE_CONFIG_DIR",
            format!(
                "{},{}",
                a.path().display(),
                samples().join("nowhere").display()
            ),
        )
        .env("HOME", a.path())
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_cost(row(&report, "2026-07-01"), 0.04995);
}
