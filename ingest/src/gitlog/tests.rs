//! The collector against a real repository built with the `git` binary, checked against
//! `git log --numstat` parsed independently here.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

use chrono::NaiveDate;

use super::*;
use crate::wire_git::AiAssistant;

/// Runs git in `dir` with a fixed identity and the given author/committer date.
fn git(dir: &Path, date: &str, args: &[&str]) -> String {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=Dev One",
            "-c",
            "user.email=dev@example.com",
        ])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("LC_ALL", "C")
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn write(dir: &Path, path: &str, contents: &[u8]) {
    let full = dir.join(path);
    fs::create_dir_all(full.parent().expect("has parent")).expect("mkdir");
    fs::write(full, contents).expect("write");
}

/// A repository with a root commit, an AI-trailer commit adding tests, a rename, a binary file,
/// a branch with a Codex commit, an aider commit on main, and a merge.
fn build_repository(dir: &Path) {
    git(dir, "2024-01-10T09:00:00Z", &["init", "-q"]);
    git(
        dir,
        "2024-01-10T09:00:00Z",
        &["remote", "add", "origin", "git@github.com:Acme/Widgets.git"],
    );
    write(
        dir,
        "src/lib.rs",
        b"pub fn one() -> u8 {\n    1\n}\n// a\n// b\n// c\n",
    );
    write(dir, "README.md", b"# Widgets\n");
    write(dir, "assets/logo.bin", &[0, 1, 2, 0, 255, 0]);
    git(dir, "2024-01-10T09:00:00Z", &["add", "-A"]);
    git(
        dir,
        "2024-01-10T09:00:00Z",
        &["commit", "-q", "-m", "Initial import"],
    );

    write(
        dir,
        "src/lib.rs",
        b"pub fn one() -> u8 {\n    1 + 0\n}\n// a\n// b\n// c\n",
    );
    write(
        dir,
        "tests/one_test.rs",
        b"#[test]\nfn one() {\n    assert_eq!(1, 1);\n}\n",
    );
    git(dir, "2024-01-11T09:00:00Z", &["add", "-A"]);
    let message =
        "Add tests\n\nGenerated with Claude Code\n\nCo-Authored-By: Claude <noreply@anthropic.com>";
    git(
        dir,
        "2024-01-11T09:00:00Z",
        &["commit", "-q", "-m", message],
    );

    git(
        dir,
        "2024-02-05T09:00:00Z",
        &["mv", "src/lib.rs", "src/core.rs"],
    );
    write(
        dir,
        "src/core.rs",
        b"pub fn one() -> u8 {\n    1 + 0\n}\n// a\n// b\n// c\n// d\n",
    );
    write(dir, "assets/logo.bin", &[0, 9, 9, 0, 255, 0, 7]);
    git(dir, "2024-02-05T09:00:00Z", &["add", "-A"]);
    git(
        dir,
        "2024-02-05T09:00:00Z",
        &["commit", "-q", "-m", "Rename lib to core"],
    );

    git(
        dir,
        "2024-02-06T09:00:00Z",
        &["checkout", "-q", "-b", "feature/codex"],
    );
    write(dir, "src/extra.rs", b"pub fn two() -> u8 {\n    2\n}\n");
    git(dir, "2024-02-06T09:00:00Z", &["add", "-A"]);
    let message = "Add two\n\nCo-authored-by: Codex <noreply@openai.com>";
    git(
        dir,
        "2024-02-06T09:00:00Z",
        &["commit", "-q", "-m", message],
    );

    git(dir, "2024-02-07T09:00:00Z", &["checkout", "-q", "main"]);
    write(dir, "README.md", b"# Widgets\n\nNow with docs.\n");
    git(
        dir,
        "2024-02-07T09:00:00Z",
        &["commit", "-q", "-a", "-m", "aider: Document the crate"],
    );
    git(
        dir,
        "2024-02-08T09:00:00Z",
        &[
            "merge",
            "-q",
            "--no-ff",
            "-m",
            "Merge feature",
            "feature/codex",
        ],
    );
}

/// sha -> (added, removed, test added, test removed), from plain `git log --numstat`.
fn independent_numstat(dir: &Path) -> BTreeMap<String, (u64, u64, u64, u64)> {
    let output = git(
        dir,
        "2024-03-01T00:00:00Z",
        &["log", "--all", "--numstat", "--format=commit %H"],
    );
    let mut counts = BTreeMap::new();
    let mut current = String::new();
    for line in output.lines() {
        if let Some(sha) = line.strip_prefix("commit ") {
            current = sha.to_string();
            counts.insert(current.clone(), (0, 0, 0, 0));
        } else if !line.is_empty() {
            let parts: Vec<&str> = line.splitn(3, '\t').collect();
            let added = parts[0].parse().unwrap_or(0);
            let removed = parts[1].parse().unwrap_or(0);
            let path = renamed_to(parts[2]);
            let is_test = path.starts_with("tests/") || path.contains("_test.");
            let entry = counts.get_mut(&current).expect("commit seen first");
            entry.0 += added;
            entry.1 += removed;
            if is_test {
                entry.2 += added;
                entry.3 += removed;
            }
        }
    }
    counts
}

/// `src/{lib.rs => core.rs}` or `a => b` -> the new path.
fn renamed_to(path: &str) -> String {
    match (path.find('{'), path.find('}')) {
        (Some(open), Some(close)) => {
            let inner = &path[open + 1..close];
            let new = inner.split(" => ").nth(1).unwrap_or(inner);
            format!("{}{}{}", &path[..open], new, &path[close + 1..]).replace("//", "/")
        }
        _ => path.split(" => ").last().unwrap_or(path).to_string(),
    }
}

#[test]
fn gitlog_collects_exactly_the_commits_and_line_counts_git_log_numstat_shows() {
    let dir = tempfile::tempdir().expect("tempdir");
    build_repository(dir.path());

    let commits =
        collect_commits(dir.path(), None, &TestPathPatterns::default()).expect("collects");

    let expected = independent_numstat(dir.path());
    assert_eq!(commits.len(), 6);
    let actual: BTreeMap<String, (u64, u64, u64, u64)> = commits
        .iter()
        .map(|c| {
            (
                c.sha.clone(),
                (
                    c.lines.added,
                    c.lines.removed,
                    c.lines.test_added,
                    c.lines.test_removed,
                ),
            )
        })
        .collect();
    assert_eq!(actual, expected);
    assert!(commits
        .iter()
        .all(|c| c.repository == "github.com/acme/widgets"));
}

#[test]
fn gitlog_records_markers_renames_binaries_merges_and_branches() {
    let dir = tempfile::tempdir().expect("tempdir");
    build_repository(dir.path());

    let commits =
        collect_commits(dir.path(), None, &TestPathPatterns::default()).expect("collects");

    let by_subject = |prefix: &str| {
        let sha = git(
            dir.path(),
            "2024-03-01T00:00:00Z",
            &["log", "--all", "--format=%H", "--grep", prefix],
        );
        let sha = sha.lines().next().expect("found").to_string();
        commits
            .iter()
            .find(|c| c.sha == sha)
            .expect("collected")
            .clone()
    };
    let root = by_subject("^Initial import");
    assert!(root.parents.is_empty());
    assert_eq!(root.lines.added, 7, "the binary logo counts no lines");
    assert_eq!(
        root.paths,
        vec!["README.md", "assets/logo.bin", "src/lib.rs"]
    );
    assert_eq!(root.author_email, "dev@example.com");
    assert_eq!(root.committed_at.to_rfc3339(), "2024-01-10T09:00:00+00:00");

    let tests = by_subject("^Add tests");
    assert_eq!(tests.ai_markers, vec![AiAssistant::ClaudeCode]);
    assert_eq!(
        (tests.lines.test_added, tests.lines.non_test_added()),
        (4, 1)
    );

    let rename = by_subject("^Rename");
    assert_eq!(
        rename.paths,
        vec!["assets/logo.bin", "src/core.rs", "src/lib.rs"]
    );
    assert_eq!((rename.lines.added, rename.lines.removed), (1, 0));

    let codex = by_subject("^Add two");
    assert_eq!(codex.ai_markers, vec![AiAssistant::Codex]);
    assert_eq!(codex.branches, vec!["feature/codex", "main"]);
    assert_eq!(by_subject("^aider").ai_markers, vec![AiAssistant::Aider]);

    let merge = by_subject("^Merge feature");
    assert_eq!(merge.parents.len(), 2);
    assert_eq!(merge.lines, LineCounts::default());
    assert_eq!(merge.branches, vec!["main"]);
}

#[test]
fn each_branch_lists_exactly_the_commits_git_rev_list_gives_for_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    build_repository(dir.path());
    git(
        dir.path(),
        "2024-03-01T00:00:00Z",
        &["branch", "old", "HEAD~3"],
    );

    let commits =
        collect_commits(dir.path(), None, &TestPathPatterns::default()).expect("collects");

    let branches = git(
        dir.path(),
        "2024-03-01T00:00:00Z",
        &["for-each-ref", "--format=%(refname:short)", "refs/heads"],
    );
    for branch in branches.lines() {
        let listed = git(dir.path(), "2024-03-01T00:00:00Z", &["rev-list", branch]);
        let mut expected: Vec<&str> = listed.lines().collect();
        expected.sort_unstable();
        let mut got: Vec<&str> = commits
            .iter()
            .filter(|c| c.branches.iter().any(|b| b == branch))
            .map(|c| c.sha.as_str())
            .collect();
        got.sort_unstable();
        assert_eq!(got, expected, "{branch}");
    }
}

#[test]
fn gitlog_since_keeps_only_commits_from_that_day_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    build_repository(dir.path());
    let since = NaiveDate::from_ymd_opt(2024, 2, 1);

    let commits =
        collect_commits(dir.path(), since, &TestPathPatterns::default()).expect("collects");

    assert_eq!(commits.len(), 4);
    assert!(commits
        .iter()
        .all(|c| c.committed_at.to_rfc3339().starts_with("2024-02")));
}

#[test]
fn gitlog_refuses_a_repository_without_an_origin_remote() {
    let dir = tempfile::tempdir().expect("tempdir");
    git(dir.path(), "2024-01-10T09:00:00Z", &["init", "-q"]);

    let result = collect_commits(dir.path(), None, &TestPathPatterns::default());

    assert!(matches!(result, Err(Error::NoRemote { .. })));
}
