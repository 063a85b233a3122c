//! `agentmeter collect git`: reads the history of local repositories with [`crate::gitlog`] and
//! sends it to `POST /api/v1/ingest/commits` in gzip batches, through the same retrying client as
//! `upload`. Storage is idempotent on (repository, sha), so collecting again sends everything
//! again and stores nothing twice.
//!
//! A PATH that cannot be collected (missing, not a git repository, no `origin` remote) is
//! skipped with a warning naming the reason; the other paths are still collected and sent, and
//! the exit status is 1 so that scripts notice.
//!
//! Test-file patterns come from `--test-pattern` (repeatable), else from `test_patterns` under
//! `[collect.git]` in `config.toml` in the config dir, else [`DEFAULT_TEST_PATTERNS`].

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::Utc;
use serde::Deserialize;

use crate::api::ApiClient;
use crate::cli::CollectGitArgs;
use crate::config::Target;
use crate::error::{Error, Result};
use crate::gitlog::{collect_commits, TestPathPatterns, DEFAULT_TEST_PATTERNS};
use crate::progress;
use crate::validate_git::validate_commit;
use crate::wire_git::{CommitBatch, CommitReceipt, CommitRecord};

/// Commits per batch; a batch the server finds too large is halved.
pub const COMMIT_BATCH_SIZE: usize = 1000;

/// The optional settings file in the config dir.
pub const CONFIG_FILE: &str = "config.toml";

#[derive(Debug, Default, Deserialize)]
struct ConfigFile {
    #[serde(default)]
    collect: CollectSection,
}

#[derive(Debug, Default, Deserialize)]
struct CollectSection {
    #[serde(default)]
    git: GitSection,
}

#[derive(Debug, Default, Deserialize)]
struct GitSection {
    test_patterns: Option<Vec<String>>,
}

/// Runs `agentmeter collect git`; returns the exit code.
pub fn collect_git(config_dir: &Path, args: &CollectGitArgs) -> Result<i32> {
    let target = Target::resolve(config_dir, args.server.as_deref(), args.dry_run)?;
    let client = if args.dry_run {
        None
    } else {
        Some(target.client()?)
    };
    let patterns = test_patterns(config_dir, &args.test_patterns)?;
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut commits = Vec::new();
    let mut repositories = 0;
    let mut skipped = 0;
    let mut invalid = 0;
    for path in &paths {
        let reading = progress::spinner(
            args.quiet,
            format!("reading the history of {}", path.display()),
        );
        let collected = collect_commits(path, args.since, &patterns);
        if let Some(spinner) = reading {
            spinner.finish_and_clear();
        }
        match collected {
            Ok(found) => {
                repositories += 1;
                invalid += keep_valid(found, path, &mut commits);
            }
            Err(
                e @ (Error::Io { .. } | Error::NotAGitRepository { .. } | Error::NoRemote { .. }),
            ) => {
                eprintln!("warning: skipped {}: {e}", path.display());
                skipped += 1;
            }
            Err(e) => return Err(e),
        }
    }
    let code = i32::from(skipped > 0);
    let Some(client) = client else {
        print_json_lines(&commits)?;
        return Ok(code);
    };
    let bar = progress::bar(
        args.quiet,
        commits.len() as u64,
        "commits",
        "sending".into(),
    );
    let mut total = CommitReceipt::default();
    for chunk in commits.chunks(COMMIT_BATCH_SIZE) {
        total += send(&client, chunk)?;
        if let Some(bar) = &bar {
            bar.inc(chunk.len() as u64);
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if !args.quiet {
        eprintln!(
            "sent {} commits from {repositories} repositories ({} new, {} already there){}{}",
            commits.len(),
            total.accepted,
            total.duplicates,
            if skipped > 0 {
                format!(", {skipped} paths skipped")
            } else {
                String::new()
            },
            if invalid > 0 {
                format!(", {invalid} invalid commits skipped")
            } else {
                String::new()
            }
        );
        if total.refused > 0 {
            eprintln!(
                "{} commits by other people were not accepted: the server takes others' commits only \
                 in repositories where you have commits or assistant usage yourself",
                total.refused
            );
        }
    }
    Ok(code)
}

/// Moves the commits the server would accept into `out`; names each other one on stderr (the
/// repository path, sha and why) and returns how many there were. The server refuses a whole
/// batch for one bad record, so sending it would block every commit after it.
fn keep_valid(found: Vec<CommitRecord>, path: &Path, out: &mut Vec<CommitRecord>) -> usize {
    let now = Utc::now();
    let mut invalid = 0;
    for commit in found {
        match validate_commit(&commit, now) {
            Ok(()) => out.push(commit),
            Err(reason) => {
                invalid += 1;
                let sha: String = commit.sha.chars().take(64).collect();
                eprintln!(
                    "warning: skipped commit {sha:?} of {}: {reason}",
                    path.display()
                );
            }
        }
    }
    invalid
}

/// The test-file patterns in force: the flags, else the config file, else the defaults.
pub fn test_patterns(config_dir: &Path, flags: &[String]) -> Result<TestPathPatterns> {
    if !flags.is_empty() {
        return TestPathPatterns::new(flags);
    }
    let path = config_dir.join(CONFIG_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::io(path, e)),
    };
    let config: ConfigFile = toml::from_str(&text).map_err(|e| Error::Settings {
        path: path.clone(),
        reason: e.message().to_string(),
    })?;
    match config.collect.git.test_patterns {
        Some(patterns) => TestPathPatterns::new(&patterns),
        None => TestPathPatterns::new(&DEFAULT_TEST_PATTERNS),
    }
}

/// Sends one batch, halving it when the server says it is too large.
fn send(client: &ApiClient, commits: &[CommitRecord]) -> Result<CommitReceipt> {
    let batch = CommitBatch {
        commits: commits.to_vec(),
    };
    match client.post_commits(&batch) {
        Err(Error::TooLarge) if commits.len() > 1 => {
            let (a, b) = commits.split_at(commits.len() / 2);
            let mut receipt = send(client, a)?;
            receipt += send(client, b)?;
            Ok(receipt)
        }
        other => other,
    }
}

fn print_json_lines(commits: &[CommitRecord]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    for commit in commits {
        let line =
            serde_json::to_string(commit).map_err(|e| Error::InvalidArgument(e.to_string()))?;
        writeln!(out, "{line}").map_err(|e| Error::io("stdout", e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_the_config_file_which_overrides_the_defaults() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let defaults = test_patterns(dir.path(), &[]).unwrap_or_else(|e| panic!("{e}"));
        assert!(defaults.is_test("tests/a.rs") && !defaults.is_test("qa/a.sh"));
        std::fs::write(
            dir.path().join(CONFIG_FILE),
            "[collect.git]\ntest_patterns = [\"qa/**\"]\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let configured = test_patterns(dir.path(), &[]).unwrap_or_else(|e| panic!("{e}"));
        assert!(configured.is_test("qa/a.sh") && !configured.is_test("tests/a.rs"));
        let flagged =
            test_patterns(dir.path(), &["spec/**".to_string()]).unwrap_or_else(|e| panic!("{e}"));
        assert!(flagged.is_test("spec/a.rb") && !flagged.is_test("qa/a.sh"));
    }

    #[test]
    fn a_commit_that_fails_validation_is_skipped_and_the_others_kept() {
        let commit = |sha: &str, branch: &str| -> CommitRecord {
            serde_json::from_value(serde_json::json!({
                "repository": "github.com/acme/api", "sha": sha, "author_email": "a@b.c",
                "author_name": "A", "authored_at": "2026-03-01T10:00:00Z",
                "committed_at": "2026-03-01T10:00:00Z", "branches": [branch]
            }))
            .unwrap_or_else(|e| panic!("{e}"))
        };
        let found = vec![
            commit("abcdef0", "main"),
            commit("abcdef1", "feat\0x"),
            commit("abcdef2", "main"),
        ];
        let mut kept = Vec::new();
        assert_eq!(keep_valid(found, Path::new("repo"), &mut kept), 1);
        let shas: Vec<&str> = kept.iter().map(|c| c.sha.as_str()).collect();
        assert_eq!(shas, ["abcdef0", "abcdef2"]);
    }

    #[test]
    fn a_malformed_config_file_or_glob_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(
            dir.path().join(CONFIG_FILE),
            "[collect.git]\ntest_patterns = 3\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let error = test_patterns(dir.path(), &[]).err().map(|e| e.to_string());
        assert!(error.is_some_and(|e| e.contains(CONFIG_FILE)));
        let bad_glob = test_patterns(dir.path(), &["src/[a".to_string()]);
        assert!(matches!(bad_glob, Err(Error::BadPattern { .. })));
    }
}
