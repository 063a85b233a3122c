//! The real Claude Code (2.1.328, tests/agent-clis) exports its own telemetry to the server over
//! `http/json`, `http/protobuf` and `grpc` in turn while it runs scripted sessions against the
//! stand-in model: a Write and an Edit accepted, an Edit rejected (no permission in print mode),
//! text replies. The server's tokens and cost per model equal the scripted usage, lines of code
//! and decisions equal what the sessions did; uploading the same sessions with `agentmeter
//! upload` then changes no total, and a developer who only uploads sees the same figures.

use serde_json::{json, Value};

use super::model_group;
use crate::support::agent_clis::{AgentHome, ClaudeCode};
use crate::support::app::cli_binary;
use crate::support::model_stub::{ModelStub, Turn, Usage};
use crate::support::{for_each_backend, TestApp, TestUser};

fn usage(input: u64, output: u64, cache_write: u64, cache_read: u64) -> Usage {
    Usage {
        input_tokens: input,
        output_tokens: output,
        cache_creation_input_tokens: cache_write,
        cache_read_input_tokens: cache_read,
        reasoning_output_tokens: 0,
    }
}

/// Session A (claude-sonnet-4-5, edits accepted): writes a 3-line file, then an Edit replacing
/// one line by two (+2 −1), then text.
fn writing_session(file: &str) -> Vec<Turn> {
    vec![
        Turn::tool("Write", json!({"file_path": file, "content": "print('a')\nprint('b')\nprint('c')"}))
            .with_usage(usage(100, 10, 200, 300)),
        Turn::tool("Edit", json!({"file_path": file, "old_string": "print('b')", "new_string": "print('B')\nprint('b2')"}))
            .with_usage(usage(101, 11, 0, 400)),
        Turn::text("Done.").with_usage(usage(102, 12, 0, 500)),
    ]
}

/// Session B (claude-haiku-4-5, default permissions, print mode): reads the file, its Edit is
/// rejected for want of a permission, then text.
fn rejected_session(file: &str) -> Vec<Turn> {
    vec![
        Turn::tool("Read", json!({"file_path": file})).with_usage(usage(50, 5, 0, 1000)),
        Turn::tool(
            "Edit",
            json!({"file_path": file, "old_string": "print('c')", "new_string": "print('C')"}),
        )
        .with_usage(usage(51, 6, 0, 1100)),
        Turn::text("Left it.").with_usage(usage(52, 7, 0, 1200)),
    ]
}

/// `/api/v1/metrics/{report}` over today (UTC, the org time zone of the test server), when the
/// sessions ran.
async fn report(app: &TestApp, user: &TestUser, report: &str, extra: &str) -> Value {
    let today = chrono::Utc::now().date_naive();
    let path = format!("/api/v1/metrics/{report}?from={today}&to={today}{extra}");
    app.get_json(user, &path).await
}

/// What both sessions add up to (hand-computed from the script and the price table):
/// sonnet 303 in, 33 out, 200 cache writes, 1,200 cache reads:
/// 303 × 3 + 33 × 15 + 200 × 3.75 + 1,200 × 0.30 = 2,514 µ$;
/// haiku 153 in, 18 out, 3,300 cache reads: 153 × 1 + 18 × 5 + 3,300 × 0.10 = 573 µ$.
async fn assert_scripted_totals(app: &TestApp, user: &TestUser, case: &str) {
    let spend = report(app, user, "spend", "&group_by=model").await;
    let sonnet = model_group(&spend, "claude-sonnet-4-5");
    assert_eq!(sonnet["events"], 3, "{case}: {spend}");
    assert_eq!(
        (
            sonnet["input_tokens"].as_i64(),
            sonnet["output_tokens"].as_i64()
        ),
        (Some(303), Some(33)),
        "{case}"
    );
    assert_eq!(
        (
            sonnet["cache_write_tokens"].as_i64(),
            sonnet["cache_read_tokens"].as_i64()
        ),
        (Some(200), Some(1200)),
        "{case}"
    );
    assert!(
        (sonnet["cost_usd"].as_f64().unwrap_or(0.0) - 0.002514).abs() < 1e-9,
        "{case}: {sonnet}"
    );
    let haiku = model_group(&spend, "claude-haiku-4-5");
    assert_eq!(haiku["events"], 3, "{case}: {spend}");
    assert_eq!(
        (
            haiku["input_tokens"].as_i64(),
            haiku["cache_read_tokens"].as_i64()
        ),
        (Some(153), Some(3300)),
        "{case}"
    );
    assert!(
        (haiku["cost_usd"].as_f64().unwrap_or(0.0) - 0.000573).abs() < 1e-9,
        "{case}: {haiku}"
    );

    let activity = report(app, user, "activity", "").await;
    let total = &activity["total"];
    assert_eq!(
        (
            total["lines_added"].as_i64(),
            total["lines_removed"].as_i64()
        ),
        (Some(5), Some(1)),
        "{case}: {activity}"
    );
    assert_eq!(
        (
            total["edits_accepted"].as_i64(),
            total["edits_rejected"].as_i64()
        ),
        (Some(2), Some(1)),
        "{case}: {activity}"
    );
    let tool = |name: &str| -> Value {
        activity["per_tool"]
            .as_array()
            .and_then(|t| t.iter().find(|x| x["tool"] == name).cloned())
            .unwrap_or_default()
    };
    assert_eq!(
        (
            tool("Write")["accepted"].as_i64(),
            tool("Write")["rejected"].as_i64()
        ),
        (Some(1), Some(0)),
        "{case}"
    );
    assert_eq!(
        (
            tool("Edit")["accepted"].as_i64(),
            tool("Edit")["rejected"].as_i64()
        ),
        (Some(1), Some(1)),
        "{case}"
    );
}

/// Runs both sessions in a fresh HOME with telemetry to `endpoint`; returns the HOME.
async fn run_sessions(telemetry: &[(&str, &str)]) -> AgentHome {
    let home = AgentHome::new();
    let file = home.workdir("project").join("hello.py");
    let file = file.to_str().expect("utf-8 path");
    for (turns, model, mode) in [
        (writing_session(file), "claude-sonnet-4-5", "acceptEdits"),
        (rejected_session(file), "claude-haiku-4-5", "default"),
    ] {
        let stub = ModelStub::start(turns);
        let mut claude = ClaudeCode::new(&home, &stub)
            .model(model)
            .permission_mode(mode);
        for (key, value) in telemetry {
            claude = claude.env(key, value);
        }
        claude
            .run("work on hello.py")
            .await
            .assert_success("claude -p");
        assert_eq!(stub.requests().len(), 3, "three model requests per session");
    }
    home
}

/// `agentmeter upload` of the HOME's transcripts as `user`.
async fn upload(app: &TestApp, user: &TestUser, home: &AgentHome) {
    let config = tempfile::tempdir().expect("config dir");
    let output = tokio::process::Command::new(cli_binary())
        .args(["upload", "--logs"])
        .arg(home.claude_dir())
        .env("AGENTMETER_CONFIG_DIR", config.path())
        .env("AGENTMETER_SERVER", app.url(""))
        .env("AGENTMETER_TOKEN", &user.token)
        .output()
        .await
        .expect("run agentmeter upload");
    assert!(
        output.status.success(),
        "upload: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn claude_codes_own_telemetry_over_each_protocol_equals_the_script_and_uploads_add_nothing() {
    for_each_backend(|backend| async move {
        let grpc = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port");
        let app = TestApp::spawn_with(backend, |s| s.otlp_grpc_bind = Some(grpc)).await;
        let http = app.url("");
        let grpc = format!("http://{grpc}");
        for (n, (protocol, endpoint, temporality)) in [
            ("http/json", &http, "delta"),
            ("http/protobuf", &http, "cumulative"),
            ("grpc", &grpc, "delta"),
        ]
        .into_iter()
        .enumerate()
        {
            let user = app
                .add_user(&format!("dev{n}@example.com"), "developer", &[])
                .await;
            let headers = format!("Authorization=Bearer {}", user.token);
            let home = run_sessions(&[
                ("CLAUDE_CODE_ENABLE_TELEMETRY", "1"),
                ("OTEL_METRICS_EXPORTER", "otlp"),
                ("OTEL_LOGS_EXPORTER", "otlp"),
                ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol),
                ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint),
                ("OTEL_EXPORTER_OTLP_HEADERS", &headers),
                (
                    "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE",
                    temporality,
                ),
                ("OTEL_METRIC_EXPORT_INTERVAL", "1000"),
                ("OTEL_LOGS_EXPORT_INTERVAL", "500"),
            ])
            .await;
            assert_scripted_totals(&app, &user, &format!("{protocol} telemetry")).await;

            upload(&app, &user, &home).await;
            assert_scripted_totals(&app, &user, &format!("{protocol} telemetry, then uploaded"))
                .await;

            // The same transcripts uploaded by someone without telemetry give the same figures.
            let uploader = app
                .add_user(&format!("up{n}@example.com"), "developer", &[])
                .await;
            upload(&app, &uploader, &home).await;
            assert_scripted_totals(&app, &uploader, &format!("{protocol}: upload only")).await;
        }
    })
    .await;
}
