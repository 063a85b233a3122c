//! `agentmeter login` + `upload` against the real server: incremental, idempotent, equal to the
//! local `agentmeter usage` totals, and safe when the server refuses a batch.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{arg, stderr, stdout, Machine};
use crate::support::{for_each_backend, Backend, TestApp, TestUser};

const SESSION: &str = "3f1c0d2e-5b6a-4c1d-9e8f-0a1b2c3d4e5f";
const CODEX_SESSION: &str = "0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";

/// A Claude Code assistant line (one content block) of request `n` at `time`.
fn claude_line(n: u32, time: &str, output_tokens: u32) -> String {
    format!(
        r#"{{"parentUuid":null,"isSidechain":false,"userType":"external","cwd":"/home/dev/widgets","sessionId":"{SESSION}","version":"2.1.38","gitBranch":"main","message":{{"model":"claude-sonnet-4-5","id":"msg_{n:04}","type":"message","role":"assistant","content":[{{"type":"text","text":"private answer {n}"}}],"stop_reason":null,"usage":{{"input_tokens":{input},"cache_creation_input_tokens":1200,"cache_read_input_tokens":5000,"cache_creation":{{"ephemeral_5m_input_tokens":200,"ephemeral_1h_input_tokens":1000}},"output_tokens":{output_tokens},"service_tier":"standard"}}}},"requestId":"req_{n:04}","type":"assistant","uuid":"u-{n}-{output_tokens}","timestamp":"{time}"}}"#,
        input = 10 + n,
    )
}

fn user_line(time: &str) -> String {
    format!(
        r#"{{"parentUuid":null,"isSidechain":false,"userType":"external","cwd":"/home/dev/widgets","sessionId":"{SESSION}","version":"2.1.38","gitBranch":"main","type":"user","message":{{"role":"user","content":"a private prompt"}},"uuid":"user-{time}","timestamp":"{time}","permissionMode":"acceptEdits"}}"#
    )
}

/// A Codex `token_count` event with the running total after `calls` identical calls.
fn codex_count(time: &str, calls: u64) -> String {
    let (input, cached, output, reasoning) = (1000 * calls, 250 * calls, 125 * calls, 75 * calls);
    format!(
        r#"{{"timestamp":"{time}","type":"event_msg","payload":{{"type":"token_count","info":{{"last_token_usage":{{"input_tokens":1000,"cached_input_tokens":250,"output_tokens":125,"reasoning_output_tokens":75,"total_tokens":1125}},"total_token_usage":{{"input_tokens":{input},"cached_input_tokens":{cached},"output_tokens":{output},"reasoning_output_tokens":{reasoning},"total_tokens":{}}}}}}}}}"#,
        input + output
    )
}

struct LogTree {
    root: tempfile::TempDir,
}

impl LogTree {
    /// Claude Code: 3 billed requests in the session (request 2 written as two content blocks)
    /// and 1 in a subagent; Codex: 2 calls, one snapshot repeated. 6 events in all.
    fn new() -> LogTree {
        let root = tempfile::tempdir().expect("log root");
        let tree = LogTree { root };
        let lines = [
            user_line("2026-07-01T09:00:00.000Z"),
            claude_line(1, "2026-07-01T09:00:01.000Z", 40),
            claude_line(2, "2026-07-01T09:01:00.000Z", 5),
            claude_line(2, "2026-07-01T09:01:01.000Z", 90),
            claude_line(3, "2026-07-02T10:00:00.000Z", 60),
        ];
        tree.append(&tree.claude_log(), &lines);
        tree.append(
            &tree.subagent_log(),
            &[claude_line(4, "2026-07-01T09:00:30.000Z", 30)],
        );
        let context = r#"{"timestamp":"2026-07-01T11:00:00.000Z","type":"turn_context","payload":{"cwd":"/home/dev/widgets","model":"gpt-5.2-codex"}}"#;
        let counts = [
            codex_count("2026-07-01T11:01:00.000Z", 1),
            codex_count("2026-07-01T11:01:05.000Z", 1),
            codex_count("2026-07-01T11:02:00.000Z", 2),
        ];
        tree.append(
            &tree.codex_log(),
            &[
                context.to_owned(),
                counts[0].clone(),
                counts[1].clone(),
                counts[2].clone(),
            ],
        );
        tree
    }

    fn path(&self) -> &str {
        arg(self.root.path())
    }

    fn claude_log(&self) -> PathBuf {
        self.root
            .path()
            .join(format!("projects/-home-dev-widgets/{SESSION}.jsonl"))
    }

    fn subagent_log(&self) -> PathBuf {
        self.root.path().join(format!(
            "projects/-home-dev-widgets/{SESSION}/subagents/agent-a1b2c3d.jsonl"
        ))
    }

    fn codex_log(&self) -> PathBuf {
        self.root.path().join(format!(
            "sessions/2026/07/01/rollout-2026-07-01T11-00-00-{CODEX_SESSION}.jsonl"
        ))
    }

    fn append(&self, file: &Path, lines: &[String]) {
        fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        let mut out = OpenOptions::new()
            .create(true)
            .append(true)
            .open(file)
            .expect("open log");
        for line in lines {
            writeln!(out, "{line}").expect("append");
        }
    }
}

/// A developer's machine that has uploaded the [`LogTree`] once.
async fn uploaded_once(backend: Backend) -> (TestApp, TestUser, Machine, LogTree) {
    let app = TestApp::spawn(backend).await;
    let dev = app.add_user("dev@example.com", "developer", &[]).await;
    let machine = Machine::new();
    let logs = LogTree::new();
    machine.login(&app, &dev);
    machine.agentmeter_ok(&["upload", "--logs", logs.path()]);
    (app, dev, machine, logs)
}

async fn server_status(app: &TestApp, user: &TestUser) -> Value {
    app.get_json(user, "/api/v1/ingest/status").await
}

/// `agentmeter usage --json` totals: (total tokens, cost).
fn local_totals(machine: &Machine, logs: &LogTree) -> (u64, f64) {
    let output = machine.agentmeter(
        &["usage", "--logs", logs.path(), "--json", "--tz", "UTC"],
        None,
    );
    assert!(output.status.success(), "usage: {}", super::stderr(&output));
    let report: Value = serde_json::from_str(&stdout(&output)).expect("usage --json is JSON");
    let totals = &report["totals"];
    (
        totals["total_tokens"].as_u64().expect("total_tokens"),
        totals["cost_usd"].as_f64().expect("cost_usd"),
    )
}

fn assert_server_equals_local(status: &Value, local: (u64, f64), backend: &str) {
    assert_eq!(
        status["total_tokens"].as_u64(),
        Some(local.0),
        "{backend}: tokens, server {status}"
    );
    let cost = status["cost_usd"].as_f64().expect("cost_usd");
    assert!(
        (cost - local.1).abs() <= 1e-9 * local.1.max(1.0),
        "{backend}: server cost {cost}, local {}",
        local.1
    );
    assert!(local.1 > 0.0, "the tree's models are priced");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploading_twice_adds_nothing_and_appended_lines_arrive_alone_with_totals_equal_to_usage() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let dev = app.add_user("dev@example.com", "developer", &[]).await;
        let machine = Machine::new();
        let logs = LogTree::new();
        machine.login(&app, &dev);

        let first = machine.agentmeter_ok(&["upload", "--logs", logs.path()]);
        assert!(
            first.contains("uploaded 6 events (6 new"),
            "{}: {first}",
            app.backend
        );
        let after_first = server_status(&app, &dev).await;
        assert_eq!(after_first["events"].as_u64(), Some(6), "{after_first}");
        assert_server_equals_local(&after_first, local_totals(&machine, &logs), app.backend);

        let second = machine.agentmeter_ok(&["upload", "--logs", logs.path()]);
        assert!(
            second.contains("uploaded 0 events (0 new"),
            "{}: {second}",
            app.backend
        );
        assert_eq!(
            server_status(&app, &dev).await,
            after_first,
            "a second upload changes nothing"
        );

        logs.append(
            &logs.claude_log(),
            &[claude_line(5, "2026-07-03T08:00:00.000Z", 70)],
        );
        logs.append(
            &logs.codex_log(),
            &[
                codex_count("2026-07-03T08:05:00.000Z", 2),
                codex_count("2026-07-03T08:06:00.000Z", 3),
            ],
        );
        let third = machine.agentmeter_ok(&["upload", "--logs", logs.path()]);
        assert!(
            third.contains("uploaded 2 events (2 new, 0 updated, 0 already there)"),
            "{}: {third}",
            app.backend
        );
        let after_third = server_status(&app, &dev).await;
        assert_eq!(after_third["events"].as_u64(), Some(8), "{after_third}");
        assert_server_equals_local(&after_third, local_totals(&machine, &logs), app.backend);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_refused_with_401_leaves_the_upload_state_unchanged_so_a_later_upload_sends_it() {
    for_each_backend(|backend| async move {
        let (app, dev, machine, logs) = uploaded_once(backend).await;
        let state_files = |dir: &Path| -> Vec<(PathBuf, String)> {
            let mut files: Vec<_> = fs::read_dir(dir)
                .expect("config dir")
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .map(|p| (p.clone(), fs::read_to_string(&p).expect("read state")))
                .collect();
            files.sort();
            files
        };
        let before = state_files(machine.config.path());
        assert!(
            before.len() >= 2,
            "credentials and upload state are stored: {before:?}"
        );

        for token in agentmeter_server::store::tokens::list(&app.db)
            .await
            .expect("tokens")
        {
            agentmeter_server::store::tokens::revoke(&app.db, token.id)
                .await
                .expect("revoke");
        }
        logs.append(
            &logs.claude_log(),
            &[claude_line(5, "2026-07-03T08:00:00.000Z", 70)],
        );
        let refused = machine.agentmeter(&["upload", "--logs", logs.path()], None);
        assert!(
            !refused.status.success(),
            "{}: an upload with a revoked token fails",
            app.backend
        );
        assert!(stderr(&refused).contains("401"), "{}", stderr(&refused));
        assert_eq!(
            state_files(machine.config.path()),
            before,
            "the refused upload changed the local state"
        );

        let renewed = crate::support::TestUser {
            token: agentmeter_server::admin::create_token(&app.db, &dev.email, Some("new"))
                .await
                .expect("token"),
            ..dev.clone()
        };
        machine.login(&app, &renewed);
        let resent = machine.agentmeter_ok(&["upload", "--logs", logs.path()]);
        assert!(
            resent.contains("uploaded 1 events (1 new"),
            "{}: {resent}",
            app.backend
        );
        let status = server_status(&app, &renewed).await;
        assert_eq!(status["events"].as_u64(), Some(7), "{status}");
        assert_server_equals_local(&status, local_totals(&machine, &logs), app.backend);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_restored_from_an_older_backup_gets_everything_again_from_the_next_upload() {
    for_each_backend(|backend| async move {
        let (app, dev, machine, logs) = uploaded_once(backend).await;
        let uploaded = server_status(&app, &dev).await;

        // The server goes back to a backup taken before July 2nd: it loses one of the 6 events.
        let cutoff = chrono::DateTime::parse_from_rfc3339("2026-07-02T00:00:00Z")
            .expect("date")
            .timestamp_millis();
        for sql in [
            "DELETE FROM usage_events WHERE ts >= $1",
            "DELETE FROM usage_hourly WHERE hour >= $1",
        ] {
            sqlx::query(sql)
                .bind(cutoff)
                .execute(&app.sql)
                .await
                .expect("restore");
        }
        assert_eq!(server_status(&app, &dev).await["events"].as_u64(), Some(5));

        let again = machine.agentmeter_ok(&["upload", "--logs", logs.path()]);
        assert!(
            again.contains("sending everything again")
                && again.contains("uploaded 6 events (1 new"),
            "{}: {again}",
            app.backend
        );
        assert_eq!(server_status(&app, &dev).await, uploaded, "{}", app.backend);
        let quiet = machine.agentmeter_ok(&["upload", "--logs", logs.path()]);
        assert!(
            quiet.contains("uploaded 0 events") && !quiet.contains("again"),
            "{}: the next upload is incremental again: {quiet}",
            app.backend
        );
    })
    .await;
}
