//! schemathesis (pinned in tests/schemathesis/requirements.txt, installed by .ci/run into
//! `$HOME/.cache/agentmeter/schemathesis-venv`) generates requests for every operation of the
//! document, valid and not, and sends them as the demo admin to a server with the demo loaded,
//! for a bounded time: no answer may be a 5xx, and every answer must match the document.

use std::path::PathBuf;
use std::time::Duration;

use crate::support::{Backend, TestApp};

/// Generated cases per operation and phase: enough to meet each parameter's edge values, few
/// enough that the run stays within about two minutes on two cores.
const MAX_EXAMPLES: &str = "8";
/// The run's own time budget for fuzzing, in seconds.
const MAX_TIME_SECS: &str = "120";
/// Past this the run is stuck, not slow.
const HARD_LIMIT: Duration = Duration::from_secs(600);

/// The virtual environment's schemathesis, or `None` (with a note) outside CI when it is missing.
fn schemathesis() -> Option<PathBuf> {
    let program = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default()
        .join(".cache/agentmeter/schemathesis-venv/bin/schemathesis");
    if program.exists() {
        return Some(program);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "{} is missing: .ci/run installs schemathesis there",
            program.display()
        );
    }
    eprintln!(
        "note: {} missing (run .ci/run once); schemathesis test skipped",
        program.display()
    );
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_no_server_error_and_no_answer_unlike_the_document() {
    let Some(program) = schemathesis() else {
        return;
    };
    let today = chrono::Utc::now().date_naive();
    let (app, admin) = TestApp::spawn_demo(Backend::sqlite(), today).await;
    // Its working directory too: schemathesis and hypothesis keep their caches
    // (`.schemathesis/`, `.hypothesis/`) there, which must not land in the repository.
    let reports = tempfile::tempdir().expect("report dir");
    let started = std::time::Instant::now();
    let run = tokio::process::Command::new(program)
        .current_dir(reports.path())
        .args(["run", &app.url("/api/v1/openapi.json")])
        .args(["--url", &app.url("")])
        .args(["--header", &format!("Authorization: Bearer {}", admin.token)])
        .args([
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
        ])
        .args(["--max-examples", MAX_EXAMPLES, "--max-time", MAX_TIME_SECS])
        .args(["--phases", "examples,coverage,fuzzing"])
        .args(["--workers", "2", "--seed", "16"])
        .args(["--suppress-health-check", "all"])
        .args(["--report-dir", &reports.path().display().to_string()])
        .env("NO_COLOR", "1")
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(HARD_LIMIT, run)
        .await
        .expect("schemathesis finishes within its bound")
        .expect("schemathesis runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    eprintln!(
        "schemathesis ran {:.0} s: {}",
        started.elapsed().as_secs_f64(),
        stdout.lines().rfind(|l| l.contains(" in ")).unwrap_or("")
    );
    assert!(
        output.status.success(),
        "schemathesis found answers unlike the document:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
