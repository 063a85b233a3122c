//! `agentmeter upload` skips, and names, each record the server would refuse, so that one bad
//! log line never blocks the upload of the others (the server refuses a whole batch for one).

#[path = "support/fake_server.rs"]
mod fake_server;

use std::fs;

use fake_server::{run, serve, LINE};

#[test]
fn a_line_with_a_nul_in_its_branch_is_skipped_and_named_and_the_others_are_uploaded() {
    let (url, seen) = serve(vec![]);
    let config = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let logs = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let project = logs.path().join("projects/p");
    fs::create_dir_all(&project).unwrap_or_else(|e| panic!("{e}"));
    let branch = |id: &str, branch: &str| {
        LINE.replace("ID", id)
            .replace(r#""cwd""#, &format!(r#""gitBranch":"{branch}","cwd""#))
            + "\n"
    };
    let text = branch("a", "main") + &branch("bad", r"feat\u0000x") + &branch("c", "main");
    fs::write(project.join("s1.jsonl"), text).unwrap_or_else(|e| panic!("{e}"));
    let dir = logs.path().to_str().unwrap_or_default();
    let login = ["login", "--server", &url, "--token-stdin"];
    assert!(run(config.path(), &login, "good-token").status.success());

    let first = run(config.path(), &["upload", "--logs", dir], "");
    let second = run(config.path(), &["upload", "--logs", dir], "");

    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(first.status.success(), "{stderr}");
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning"))
        .collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    for part in ["s1.jsonl", "msg-bad:req-bad", "git_branch contains a NUL"] {
        assert!(warnings[0].contains(part), "{part} not in {}", warnings[0]);
    }
    assert!(stderr.contains("uploaded 2 events"), "{stderr}");
    assert!(stderr.contains("1 invalid records skipped"), "{stderr}");
    // The bad line is behind the saved offset: it is neither sent nor named again.
    let again = String::from_utf8_lossy(&second.stderr);
    assert!(
        second.status.success() && !again.contains("warning"),
        "{again}"
    );
    let seen = seen.lock().unwrap_or_else(|e| e.into_inner());
    assert_eq!(seen.rejected_batches, 0);
    let keys: Vec<&str> = seen
        .posts
        .iter()
        .flat_map(|b| b["events"].as_array().into_iter().flatten())
        .filter_map(|e| e["dedupe_key"].as_str())
        .collect();
    assert_eq!(keys, ["msg-a:req-a", "msg-c:req-c"]);
}
