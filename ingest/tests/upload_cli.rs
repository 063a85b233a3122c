//! `login`, `upload` and `status` against a fake server speaking the ingest API
//! (`support/fake_server.rs`; the real server is exercised by the workspace end-to-end tests).

#[path = "support/fake_server.rs"]
mod fake_server;

use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};

use fake_server::{logs_with, run, serve};

#[test]
fn login_stores_a_verified_token_readable_only_by_the_user() {
    let (url, _) = serve(vec![]);
    let config = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let bad = run(
        config.path(),
        &["login", "--server", &url, "--token-stdin"],
        "wrong\n",
    );
    assert!(!bad.status.success());
    assert!(!config.path().join("credentials.json").exists());
    let ok = run(
        config.path(),
        &["login", "--server", &format!("{url}/"), "--token-stdin"],
        "good-token\n",
    );
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let stored: Value = serde_json::from_str(
        &fs::read_to_string(config.path().join("credentials.json")).unwrap_or_default(),
    )
    .unwrap_or(Value::Null);
    assert_eq!(stored, json!({"server": url, "token": "good-token"}));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(config.path().join("credentials.json"))
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or(0);
        assert_eq!(mode, 0o600);
    }
    let status = run(config.path(), &["status", "--json"], "");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
}

#[test]
fn upload_retries_server_errors_and_then_sends_only_what_is_new() {
    let (url, seen) = serve(vec![500, 503]);
    let config = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let logs = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    logs_with(logs.path(), &["a", "b"]);
    let dir = logs.path().to_str().unwrap_or_default();
    assert!(run(
        config.path(),
        &["login", "--server", &url, "--token-stdin"],
        "good-token"
    )
    .status
    .success());
    let first = run(config.path(), &["upload", "--logs", dir], "");
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(String::from_utf8_lossy(&first.stderr).contains("uploaded 2 events"));
    let second = run(config.path(), &["upload", "--quiet", "--logs", dir], "");
    assert!(second.status.success());
    assert!(second.stderr.is_empty() && second.stdout.is_empty());
    logs_with(logs.path(), &["a", "b", "c"]);
    assert!(
        run(config.path(), &["upload", "--quiet", "--logs", dir], "")
            .status
            .success()
    );
    let seen = seen.lock().unwrap_or_else(|e| e.into_inner());
    let sent: Vec<usize> = seen
        .posts
        .iter()
        .map(|b| b["events"].as_array().map(Vec::len).unwrap_or(0))
        .collect();
    assert_eq!(sent, vec![2, 1]);
    assert_eq!(seen.posts[1]["events"][0]["dedupe_key"], "msg-c:req-c");
    assert!(seen
        .posts
        .iter()
        .all(|b| !b.to_string().contains("PRIVATE")));
}

#[test]
fn a_rejected_token_saves_no_state() {
    let (url, _) = serve(vec![]);
    let config = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let logs = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    logs_with(logs.path(), &["a"]);
    let out = Command::new(env!("CARGO_BIN_EXE_agentmeter"))
        .args([
            "upload",
            "--server",
            &url,
            "--logs",
            logs.path().to_str().unwrap_or_default(),
        ])
        .env("AGENTMETER_CONFIG_DIR", config.path())
        .env("AGENTMETER_TOKEN", "revoked")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("401"));
    assert!(!config.path().join("upload-state.json").exists());
}

#[test]
fn dry_run_prints_the_records_and_changes_nothing() {
    let config = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/samples");
    let out = run(
        config.path(),
        &[
            "upload",
            "--dry-run",
            "--logs",
            samples.to_str().unwrap_or_default(),
        ],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let events: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or(Value::Null))
        .collect();
    // 3 fixture requests + 1 short-session + 3 subagent + 2 Codex
    assert_eq!(events.len(), 9);
    let short = events
        .iter()
        .find(|e| e["dedupe_key"] == "msg_01MKH1ccEGrZGNPvu8pYiiQa:req_011CY15QS2LGwAeBxdfa6e1V")
        .cloned()
        .unwrap_or(Value::Null);
    assert_eq!(short["tool_calls"], json!({"Bash": 1, "Glob": 1}));
    assert_eq!(short["permission_mode"], "bypassPermissions");
    assert_eq!(short["output_tokens"], 13);
    let web: u64 = events
        .iter()
        .filter_map(|e| e["tool_calls"]["WebFetch"].as_u64())
        .sum();
    assert_eq!(web, 6);
    assert!(events
        .iter()
        .filter(|e| e["dedupe_key"]
            .as_str()
            .is_some_and(|k| k.starts_with("msg_01X") || k.starts_with("msg_01Q")))
        .all(|e| e["is_subagent"] == true));
    for secret in ["mix phx.server", "hex.pm", "opentelemetry", "doesn't want"] {
        assert!(!text.contains(secret), "{secret} leaked");
    }
    assert!(
        fs::read_dir(config.path()).map(|d| d.count()).unwrap_or(0) == 0,
        "dry run wrote state"
    );
}

#[test]
fn a_codex_rollout_resumed_mid_file_bills_only_the_new_delta() {
    let (url, seen) = serve(vec![]);
    let config = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let home = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let dir = home.path().join("sessions/2026/07/01");
    fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let snapshot = |i: u64, o: u64| {
        format!(
            r#"{{"timestamp":"2026-07-01T08:0{o}:00.000Z","type":"event_msg","payload":{{"type":"token_count","info":{{"total_token_usage":{{"input_tokens":{i},"cached_input_tokens":0,"output_tokens":{o},"reasoning_output_tokens":0,"total_tokens":{}}}}}}}}}"#,
            i + o
        ) + "\n"
    };
    let head = r#"{"timestamp":"2026-07-01T08:00:00.000Z","type":"session_meta","payload":{"id":"cx","cwd":"/w"}}
{"timestamp":"2026-07-01T08:00:00.000Z","type":"turn_context","payload":{"model":"gpt-5.4"}}
"#.to_string() + &snapshot(100, 1) + &snapshot(100, 1);
    let file = dir.join("rollout-x.jsonl");
    fs::write(&file, &head).unwrap_or_else(|e| panic!("{e}"));
    let logs = home.path().to_str().unwrap_or_default();
    assert!(run(
        config.path(),
        &["login", "--server", &url, "--token-stdin"],
        "good-token"
    )
    .status
    .success());
    assert!(
        run(config.path(), &["upload", "--quiet", "--logs", logs], "")
            .status
            .success()
    );
    fs::write(&file, head + &snapshot(250, 3)).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        run(config.path(), &["upload", "--quiet", "--logs", logs], "")
            .status
            .success()
    );
    let seen = seen.lock().unwrap_or_else(|e| e.into_inner());
    assert_eq!(seen.posts.len(), 2);
    let second = &seen.posts[1]["events"];
    assert_eq!(second.as_array().map(Vec::len), Some(1));
    assert_eq!(
        (
            second[0]["input_tokens"].as_u64(),
            second[0]["output_tokens"].as_u64()
        ),
        (Some(150), Some(2))
    );
    assert_eq!(
        (
            second[0]["model"].as_str(),
            second[0]["session_id"].as_str()
        ),
        (Some("gpt-5.4"), Some("cx"))
    );
}
