//! `agentmeter collect git` against the real server: what is stored equals `git log --numstat`
//! parsed here, independently of the collector; collecting again stores nothing new.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use super::{arg, stderr, stdout, Machine};
use crate::support::{for_each_backend, TestApp};

const REPOSITORY: &str = "github.com/acme/widgets";

fn git(dir: &Path, date: &str, args: &[&str]) -> String {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=Dev",
            "-c",
            "user.email=dev@example.com",
            "-c",
            "commit.gpgsign=false",
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

fn write(dir: &Path, path: &str, lines: usize, seed: &str) {
    let file = dir.join(path);
    std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
    std::fs::write(
        file,
        (0..lines)
            .map(|i| format!("{seed} {i}\n"))
            .collect::<String>(),
    )
    .expect("write");
}

fn commit(dir: &Path, date: &str, message: &str) {
    git(dir, date, &["add", "-A"]);
    git(dir, date, &["commit", "-q", "-m", message]);
}

/// Plain and Claude-trailed commits, a test file, a rename, a binary file, a branch and a merge.
fn build_repository(dir: &Path) {
    git(dir, "2026-03-01T09:00:00Z", &["init", "-q", "-b", "main"]);
    git(
        dir,
        "2026-03-01T09:00:00Z",
        &["remote", "add", "origin", "git@github.com:acme/widgets.git"],
    );
    write(dir, "src/lib.rs", 20, "lib");
    write(dir, "src/util.rs", 8, "util");
    commit(dir, "2026-03-01T09:00:00Z", "Initial commit");
    write(dir, "src/lib.rs", 24, "lib");
    write(dir, "tests/lib_test.rs", 7, "test");
    commit(
        dir,
        "2026-03-02T09:00:00Z",
        "Add tests\n\nCo-Authored-By: Claude <noreply@anthropic.com>",
    );
    git(
        dir,
        "2026-03-03T09:00:00Z",
        &["mv", "src/util.rs", "src/helpers.rs"],
    );
    commit(dir, "2026-03-03T09:00:00Z", "Rename util to helpers");
    std::fs::write(dir.join("logo.png"), [0u8, 159, 146, 150, 0, 13, 10, 26, 0]).expect("binary");
    commit(dir, "2026-03-04T09:00:00Z", "Add logo");
    git(
        dir,
        "2026-03-05T09:00:00Z",
        &["checkout", "-q", "-b", "feature/auth"],
    );
    write(dir, "src/auth.rs", 12, "auth");
    write(dir, "tests/auth_test.rs", 5, "authtest");
    commit(
        dir,
        "2026-03-05T09:00:00Z",
        "Add auth\n\nCo-Authored-By: Claude <noreply@anthropic.com>",
    );
    git(dir, "2026-03-06T09:00:00Z", &["checkout", "-q", "main"]);
    write(dir, "README.md", 3, "readme");
    commit(dir, "2026-03-06T09:00:00Z", "Readme");
    git(
        dir,
        "2026-03-07T09:00:00Z",
        &[
            "merge",
            "-q",
            "--no-ff",
            "feature/auth",
            "-m",
            "Merge feature/auth",
        ],
    );
}

/// Per sha, from `git log --all --numstat`: (added, removed, added in tests/, removed in tests/).
fn numstat(dir: &Path) -> BTreeMap<String, (i64, i64, i64, i64)> {
    let mut out: BTreeMap<String, (i64, i64, i64, i64)> = BTreeMap::new();
    let mut current = String::new();
    for line in git(
        dir,
        "2026-03-08T00:00:00Z",
        &["log", "--all", "--numstat", "--format=commit %H"],
    )
    .lines()
    {
        if let Some(sha) = line.strip_prefix("commit ") {
            current = sha.to_owned();
            out.entry(current.clone()).or_default();
        } else if let [added, removed, path] = line.splitn(3, '\t').collect::<Vec<_>>()[..] {
            let (added, removed) = (added.parse().unwrap_or(0), removed.parse().unwrap_or(0));
            let entry = out.entry(current.clone()).or_default();
            entry.0 += added;
            entry.1 += removed;
            if path.starts_with("tests/") {
                entry.2 += added;
                entry.3 += removed;
            }
        }
    }
    out
}

type StoredCommit = (String, String, i64, i64, i64, i64, String, String);

async fn stored_commits(app: &TestApp) -> Vec<StoredCommit> {
    sqlx::query_as(
        "SELECT repository, sha, lines_added, lines_removed, test_lines_added, test_lines_removed, CAST(ai_markers AS TEXT), CAST(parents AS TEXT) \
         FROM commits ORDER BY sha",
    )
    .fetch_all(&app.sql)
    .await
    .expect("commits")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collect_git_stores_exactly_the_commits_and_line_counts_git_log_numstat_shows_and_nothing_twice(
) {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let dev = app.add_user("dev@example.com", "developer", &[]).await;
        let machine = Machine::new();
        machine.login(&app, &dev);
        let repo = tempfile::tempdir().expect("repo");
        build_repository(repo.path());
        let expected = numstat(repo.path());
        assert_eq!(expected.len(), 7, "the repository has 7 commits");

        let first = machine.agentmeter_ok(&["collect", "git", arg(repo.path())]);
        assert!(
            first.contains("sent 7 commits from 1 repositories (7 new, 0 already there)"),
            "{}: {first}",
            app.backend
        );
        let rows = stored_commits(&app).await;
        let stored: BTreeMap<String, (i64, i64, i64, i64)> = rows
            .iter()
            .map(|r| (r.1.clone(), (r.2, r.3, r.4, r.5)))
            .collect();
        assert_eq!(stored, expected, "{}", app.backend);
        assert!(rows.iter().all(|r| r.0 == REPOSITORY), "{rows:?}");
        let trailed = git(
            repo.path(),
            "2026-03-08T00:00:00Z",
            &[
                "log",
                "--all",
                "--format=%H",
                "--grep=Co-Authored-By: Claude",
            ],
        );
        let mut trailed: Vec<&str> = trailed.lines().collect();
        trailed.sort_unstable();
        let marked: Vec<&str> = rows
            .iter()
            .filter(|r| r.6.contains("claude-code"))
            .map(|r| r.1.as_str())
            .collect();
        assert_eq!(
            marked, trailed,
            "the commits with a Claude trailer, and only those, carry the marker"
        );
        let merge = git(repo.path(), "2026-03-08T00:00:00Z", &["rev-parse", "HEAD"]);
        let merge_row = rows
            .iter()
            .find(|r| r.1 == merge.trim())
            .expect("the merge is stored");
        let parents: Vec<String> = serde_json::from_str(&merge_row.7).expect("parents JSON");
        assert_eq!(parents.len(), 2, "the merge keeps both parents");

        let second = machine.agentmeter_ok(&["collect", "git", arg(repo.path())]);
        assert!(
            second.contains("(0 new, 7 already there)"),
            "{}: {second}",
            app.backend
        );
        assert_eq!(
            stored_commits(&app).await,
            rows,
            "a second collection stores nothing new"
        );

        // A branch made since, and one deleted since: the stored branches gain the new one and
        // keep the deleted one (it still names the pull request's commits).
        let auth = git(
            repo.path(),
            "2026-03-08T00:00:00Z",
            &["rev-parse", "feature/auth"],
        );
        let auth = auth.trim();
        git(
            repo.path(),
            "2026-03-08T00:00:00Z",
            &["branch", "hotfix", auth],
        );
        git(
            repo.path(),
            "2026-03-08T00:00:00Z",
            &["branch", "-D", "feature/auth"],
        );
        let third = machine.agentmeter_ok(&["collect", "git", arg(repo.path())]);
        assert!(third.contains("(0 new, 7 already there)"), "{third}");
        let (branches,): (String,) =
            sqlx::query_as("SELECT CAST(branches AS TEXT) FROM commits WHERE sha = $1")
                .bind(auth)
                .fetch_one(&app.sql)
                .await
                .expect("the auth commit");
        let branches: Vec<String> = serde_json::from_str(&branches).expect("branches JSON");
        assert_eq!(
            branches,
            ["feature/auth", "hotfix", "main"],
            "{}",
            app.backend
        );
        assert_eq!(stored_commits(&app).await, rows, "nothing else changes");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collect_git_skips_a_directory_without_git_or_origin_with_a_warning_sends_the_rest_and_exits_1(
) {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let dev = app.add_user("dev@example.com", "developer", &[]).await;
        let machine = Machine::new();
        machine.login(&app, &dev);
        let (repo, plain, no_origin) = (
            tempfile::tempdir().expect("repo"),
            tempfile::tempdir().expect("dir"),
            tempfile::tempdir().expect("dir"),
        );
        build_repository(repo.path());
        git(
            no_origin.path(),
            "2026-03-01T09:00:00Z",
            &["init", "-q", "-b", "main"],
        );
        write(no_origin.path(), "a.txt", 1, "a");
        commit(no_origin.path(), "2026-03-01T09:00:00Z", "only commit");

        let output = machine.agentmeter(
            &[
                "collect",
                "git",
                arg(plain.path()),
                arg(repo.path()),
                arg(no_origin.path()),
            ],
            None,
        );
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{err}");
        assert!(
            err.contains(&format!(
                "skipped {}: {} is not a git repository",
                arg(plain.path()),
                arg(plain.path())
            )),
            "{err}"
        );
        assert!(err.contains("has no usable `origin` remote"), "{err}");
        assert!(
            err.contains(
                "sent 7 commits from 1 repositories (7 new, 0 already there), 2 paths skipped"
            ),
            "{err}"
        );
        assert_eq!(stored_commits(&app).await.len(), 7, "{}", app.backend);
    })
    .await;
}

#[test]
fn collect_git_dry_run_prints_one_json_record_per_commit_with_the_given_test_patterns_and_needs_no_login(
) {
    let machine = Machine::new();
    let repo = tempfile::tempdir().expect("repo");
    build_repository(repo.path());
    let output = machine.agentmeter(
        &[
            "collect",
            "git",
            "--dry-run",
            "--test-pattern",
            "src/auth.rs",
            arg(repo.path()),
        ],
        None,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let records: Vec<Value> = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(records.len(), 7);
    let test_added: u64 = records
        .iter()
        .filter_map(|r| r["lines"]["test_added"].as_u64())
        .sum();
    assert_eq!(
        test_added, 12,
        "only src/auth.rs is a test file under --test-pattern src/auth.rs"
    );
    let rename = records.iter().find(|r| {
        r["paths"]
            .as_array()
            .is_some_and(|p| p.len() == 2 && p.contains(&"src/helpers.rs".into()))
    });
    assert!(
        rename.is_some_and(|r| r["paths"]
            .as_array()
            .is_some_and(|p| p.contains(&"src/util.rs".into()))),
        "{records:?}"
    );
    assert!(
        !stdout(&output).contains("lib 3"),
        "no file contents leave the machine"
    );
}
