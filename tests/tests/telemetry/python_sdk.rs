//! The OpenTelemetry Python SDK and its OTLP exporters (tests/otel-sdk, pinned; .ci/run installs
//! them into `$HOME/.cache/agentmeter/otel-venv`) against the real server: cumulative and delta
//! metrics and log records over HTTP and gRPC, lost answers and the exporter's own retries,
//! refused and oversized records.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{count, model_group};
use crate::support::{for_each_backend, TestApp, TestUser};

/// `/api/v1/metrics/{report}` from 2026-12-01 (the SDK's log records carry that day) to today
/// (its metric points carry the time they were collected).
async fn report(app: &TestApp, user: &TestUser, report: &str, extra: &str) -> Value {
    let today = chrono::Utc::now().date_naive();
    let path = format!("/api/v1/metrics/{report}?from=2026-12-01&to={today}{extra}");
    app.get_json(user, &path).await
}

/// The virtual environment's Python, or `None` (with a note) outside CI when it is missing.
fn sdk_python() -> Option<PathBuf> {
    let python = match std::env::var_os("AGENTMETER_OTEL_PYTHON") {
        Some(path) => PathBuf::from(path),
        None => std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_default()
            .join(".cache/agentmeter/otel-venv/bin/python"),
    };
    if python.exists() {
        return Some(python);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "{} is missing: .ci/run installs the OpenTelemetry SDK there",
            python.display()
        );
    }
    eprintln!(
        "note: {} missing (run .ci/run once); Python SDK test skipped",
        python.display()
    );
    None
}

/// Runs tests/otel-sdk/exporter.py; returns the answers it printed, one JSON object each.
async fn run_exporter(
    python: &Path,
    endpoint: &str,
    user: &TestUser,
    protocol: &str,
    temporality: &str,
    scenario: &str,
) -> Vec<Value> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("otel-sdk/exporter.py");
    let output = tokio::process::Command::new(python)
        .arg(&script)
        .args([
            "--endpoint",
            endpoint,
            "--token",
            &user.token,
            "--protocol",
            protocol,
        ])
        .args(["--temporality", temporality, "--scenario", scenario])
        .output()
        .await
        .expect("run the Python exporter");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "exporter.py {scenario} over {protocol}: {stderr}"
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

fn no_server_errors(answers: &[Value]) {
    for answer in answers {
        let status = answer["status"].as_i64().unwrap_or(200);
        assert!(status < 500, "a 5xx answer: {answer}");
    }
}

#[tokio::test]
async fn the_python_sdk_counts_once_over_http_and_grpc_with_either_temporality_despite_retries() {
    let Some(python) = sdk_python() else { return };
    for_each_backend(|backend| {
        let python = python.clone();
        async move {
            let grpc = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("a free port");
            let app = TestApp::spawn_with(backend, |s| s.otlp_grpc_bind = Some(grpc)).await;
            for (n, (protocol, temporality)) in [("http", "cumulative"), ("http", "delta"), ("grpc", "cumulative"), ("grpc", "delta")]
                .into_iter()
                .enumerate()
            {
                let user = app.add_user(&format!("dev{n}@example.com"), "developer", &[]).await;
                let endpoint = match protocol {
                    "http" => app.url(""),
                    _ => format!("http://{grpc}"),
                };
                let answers = run_exporter(&python, &endpoint, &user, protocol, temporality, "counts").await;
                no_server_errors(&answers);
                let case = format!("{protocol} {temporality}");
                if protocol == "http" {
                    // Each signal's first answer was lost and its bytes sent again.
                    let logs = answers.iter().filter(|a| a["path"] == "/v1/logs").count();
                    assert_eq!(logs, 5, "{case}: 4 records, the first sent twice: {answers:?}");
                }

                let activity = report(&app, &user, "activity", "").await;
                let total = &activity["total"];
                assert_eq!((total["lines_added"].as_i64(), total["lines_removed"].as_i64()), (Some(5), Some(1)), "{case}: {activity}");
                assert_eq!((total["edits_accepted"].as_i64(), total["edits_rejected"].as_i64()), (Some(2), Some(1)), "{case}");
                assert_eq!(total["active_hours"], 30.5 / 3600.0, "{case}");
                assert_eq!((total["api_requests"].as_i64(), total["api_errors"].as_i64()), (Some(2), Some(1)), "{case}");

                let spend = report(&app, &user, "spend", "&group_by=model").await;
                let sonnet = model_group(&spend, "claude-sonnet-4-5");
                assert_eq!((sonnet["events"].as_i64(), sonnet["tokens"].as_i64()), (Some(1), Some(610)), "{case}");
                assert!((sonnet["cost_usd"].as_f64().unwrap_or(0.0) - 0.00129).abs() < 1e-9, "{case}: {sonnet}");
                let haiku = model_group(&spend, "claude-haiku-4-5");
                assert!((haiku["cost_usd"].as_f64().unwrap_or(0.0) - 0.0015).abs() < 1e-9, "{case}: {haiku}");
            }
            let prompts = "SELECT COUNT(*) FROM telemetry_events WHERE CAST(attributes AS TEXT) LIKE '%secret%'";
            assert_eq!(count(&app, prompts).await, 0);
        }
    })
    .await;
}

#[tokio::test]
async fn the_python_sdk_is_told_which_records_were_refused_and_an_oversized_export_gets_413() {
    let Some(python) = sdk_python() else { return };
    for_each_backend(|backend| {
        let python = python.clone();
        async move {
            let app = TestApp::spawn_with(backend, |s| s.request_body_limit_bytes = 256 * 1024).await;
            let user = app.add_user("dev@example.com", "developer", &[]).await;
            let answers = run_exporter(&python, &app.url(""), &user, "http", "delta", "bad").await;
            no_server_errors(&answers);
            let logs = answers.iter().find(|a| a["path"] == "/v1/logs").expect("a logs answer");
            assert_eq!(logs["rejected"], 2, "{logs}");
            let message = logs["message"].as_str().unwrap_or_default();
            assert!(message.contains("logRecords[1]: api_request has no model"), "{message}");
            assert!(message.contains("logRecords[2]: 302 attributes, more than 128"), "{message}");
            let metrics = answers.iter().find(|a| a["path"] == "/v1/metrics").expect("a metrics answer");
            assert_eq!(metrics["rejected"], 1, "{metrics}");
            let message = metrics["message"].as_str().unwrap_or_default();
            assert!(message.contains("(request_duration_ms): a histogram; only sums are stored"), "{message}");
            assert_eq!(count(&app, "SELECT COUNT(*) FROM usage_events").await, 1);
            let activity = report(&app, &user, "activity", "").await;
            assert_eq!(activity["total"]["active_hours"], 12.0 / 3600.0);

            let answers = run_exporter(&python, &app.url(""), &user, "http", "delta", "oversized").await;
            no_server_errors(&answers);
            let statuses: Vec<i64> = answers.iter().filter_map(|a| a["status"].as_i64()).collect();
            assert_eq!(statuses, vec![200, 413], "{answers:?}");
            let prompts = "SELECT COUNT(*) FROM telemetry_events WHERE event_name = 'user_prompt'";
            assert_eq!(count(&app, prompts).await, 1);
            let text = "SELECT COUNT(*) FROM telemetry_events WHERE CAST(attributes AS TEXT) LIKE '%secret%'";
            assert_eq!(count(&app, text).await, 0);
        }
    })
    .await;
}
