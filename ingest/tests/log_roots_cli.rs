//! `--logs` directories as the binary sees them: a tree with symlink loops is read once, and a
//! directory that does not exist is an error naming it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Runs `agentmeter ARGS`, failing the test if it has not finished within `limit`.
fn run_within(limit: Duration, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_agentmeter"))
        .args(args)
        .env_remove("CLAUDE_CONFIG_DIR")
        .env_remove("CODEX_HOME")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run agentmeter: {e}"));
    let started = Instant::now();
    while child.try_wait().ok().flatten().is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("agentmeter {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap_or_else(|e| panic!("{e}"))
}

fn usage_report(logs: &Path) -> Value {
    let dir = logs.to_str().unwrap_or_default();
    let out = run_within(
        Duration::from_secs(30),
        &["usage", "--json", "--tz", "UTC", "--logs", dir],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON: {e}"))
}

/// The sample logs copied under `root`, plus a file with a blank and a malformed line, so that
/// a file read twice would show in the skipped-line count.
fn sample_tree(root: &Path) {
    let samples = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/samples");
    for kind in ["claude-code", "codex"] {
        let dir = root.join(kind);
        fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        for entry in fs::read_dir(samples.join(kind)).unwrap_or_else(|e| panic!("{e}")) {
            let from = entry.unwrap_or_else(|e| panic!("{e}")).path();
            let to = dir.join(from.file_name().unwrap_or_default());
            fs::write(&to, fs::read(&from).unwrap_or_else(|e| panic!("{e}")))
                .unwrap_or_else(|e| panic!("{e}"));
        }
    }
    fs::write(
        root.join("claude-code/damaged.jsonl"),
        "\n{\"sessionId\": not json}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
}

#[cfg(unix)]
#[test]
fn a_tree_with_three_loop_links_reports_what_the_tree_without_them_reports() {
    use std::os::unix::fs::symlink;
    let plain = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    sample_tree(plain.path());
    let looped = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    sample_tree(looped.path());
    let root = looped.path();
    symlink("..", root.join("claude-code/up")).unwrap_or_else(|e| panic!("{e}"));
    symlink(root, root.join("codex/root")).unwrap_or_else(|e| panic!("{e}"));
    symlink("../codex", root.join("claude-code/sibling")).unwrap_or_else(|e| panic!("{e}"));

    let expected = usage_report(plain.path());
    let started = Instant::now();
    let report = usage_report(root);

    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(report["skipped_lines"], 2);
    assert_eq!(report["totals"], expected["totals"]);
    assert_eq!(report, expected);
}

#[test]
fn a_logs_directory_that_does_not_exist_is_an_error_naming_it() {
    let config = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let missing = config.path().join("no-such-logs");
    let missing = missing.to_str().unwrap_or_default();
    let config_dir = config.path().to_str().unwrap_or_default();
    for command in [vec!["usage"], vec!["upload", "--dry-run"]] {
        let mut args = vec!["--config-dir", config_dir];
        args.extend(command);
        args.extend(["--logs", missing]);
        let out = run_within(Duration::from_secs(30), &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains(missing) && stderr.contains("no such directory"),
            "{args:?}: {stderr}"
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn a_logs_path_that_is_a_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("s.jsonl");
    fs::write(&file, "{}\n").unwrap_or_else(|e| panic!("{e}"));
    let file = file.to_str().unwrap_or_default();
    let out = run_within(Duration::from_secs(30), &["usage", "--logs", file]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains(file) && stderr.contains("not a directory"),
        "{stderr}"
    );
}
