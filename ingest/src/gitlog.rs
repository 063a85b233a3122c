//! Git history collector behind `agentmeter collect git`.
//!
//! Runs the `git` binary on a local checkout and turns every commit reachable from any ref
//! (`git log --all`, each commit once) into a [`CommitRecord`]: sha, parents, author, times, the
//! paths changed, line counts split into test and non-test files, AI markers of its message, and
//! the branches containing it. Nothing of the diff or of file contents is kept.

pub mod markers;
mod numstat;
pub mod test_paths;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::process::Command;

use chrono::{Duration, NaiveDate, TimeZone, Utc};

use crate::error::Error;
pub use crate::gitremote::normalize_remote_url;
use crate::wire_git::{CommitRecord, LineCounts};
pub use markers::{detect_ai_author, detect_ai_markers};
use numstat::{parse_log, RawCommit, LOG_FORMAT};
pub use test_paths::{TestPathPatterns, DEFAULT_TEST_PATTERNS};

/// Branches past this number (by name) are not listed: a commit on the main line is on nearly
/// every branch, and each would lengthen its record.
pub const MAX_BRANCHES_LISTED: usize = 64;

/// Collects the commits of the repository at `repo_path` committed on or after `since` (UTC
/// midnight), newest first. The repository is named by its `origin` remote.
pub fn collect_commits(
    repo_path: &Path,
    since: Option<NaiveDate>,
    test_patterns: &TestPathPatterns,
) -> Result<Vec<CommitRecord>, Error> {
    ensure_repository(repo_path)?;
    let repository = repository_name(repo_path)?;
    let mut args = vec![
        "log",
        "--all",
        "-z",
        "--numstat",
        "--no-color",
        "--date-order",
    ];
    let format_arg = format!("--format={LOG_FORMAT}");
    args.push(&format_arg);
    let cutoff = since
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| Utc.from_utc_datetime(&t));
    // A day of margin: git's cut-off is approximate; the exact one is applied below.
    let since_arg = cutoff.map(|c| {
        format!(
            "--since={}",
            (c - Duration::days(1)).format("%Y-%m-%dT%H:%M:%SZ")
        )
    });
    args.extend(since_arg.as_deref());
    // Tips first: every tip read is then in the history read after it, even if a commit lands
    // in between.
    let tips = branch_tips(repo_path)?;
    let output = run_git(repo_path, &args)?;
    let raw = parse_log(&output)?;
    let branches = branches_by_commit(&tips, &raw);
    Ok(raw
        .into_iter()
        .filter(|c| cutoff.is_none_or(|cutoff| c.committed_at >= cutoff))
        .map(|c| to_record(c, &repository, test_patterns, &branches))
        .collect())
}

/// An error unless `repo_path` is a directory inside a git work tree (or a bare repository).
pub fn ensure_repository(repo_path: &Path) -> Result<(), Error> {
    if !repo_path.is_dir() {
        return Err(Error::io(
            repo_path,
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such directory"),
        ));
    }
    match run_git(repo_path, &["rev-parse", "--git-dir"]) {
        Err(Error::GitFailed { .. }) => Err(Error::NotAGitRepository {
            path: repo_path.to_path_buf(),
        }),
        other => other.map(|_| ()),
    }
}

/// The normalized name of the repository at `repo_path`, from `git remote get-url origin`.
pub fn repository_name(repo_path: &Path) -> Result<String, Error> {
    let url =
        run_git(repo_path, &["remote", "get-url", "origin"]).map_err(|_| Error::NoRemote {
            path: repo_path.to_path_buf(),
        })?;
    normalize_remote_url(url.trim()).ok_or_else(|| Error::NoRemote {
        path: repo_path.to_path_buf(),
    })
}

fn to_record(
    raw: RawCommit,
    repository: &str,
    test_patterns: &TestPathPatterns,
    branches: &BTreeMap<String, Vec<String>>,
) -> CommitRecord {
    let mut lines = LineCounts::default();
    let mut paths = BTreeSet::new();
    for file in &raw.files {
        let added = file.added.unwrap_or(0);
        let removed = file.removed.unwrap_or(0);
        lines.added += added;
        lines.removed += removed;
        if test_patterns.is_test(&file.path) {
            lines.test_added += added;
            lines.test_removed += removed;
        }
        paths.extend(file.old_path.clone());
        paths.insert(file.path.clone());
    }
    let mut ai_markers = detect_ai_markers(&raw.message);
    ai_markers.extend(detect_ai_author(&raw.author_name, &raw.author_email));
    ai_markers.sort();
    ai_markers.dedup();
    CommitRecord {
        repository: repository.to_string(),
        branches: branches.get(&raw.sha).cloned().unwrap_or_default(),
        sha: raw.sha,
        parents: raw.parents,
        author_email: raw.author_email,
        author_name: raw.author_name,
        authored_at: raw.authored_at,
        committed_at: raw.committed_at,
        paths: paths.into_iter().collect(),
        lines,
        ai_markers,
    }
}

/// (tip sha, name) of the local and remote-tracking branches, the first [`MAX_BRANCHES_LISTED`]
/// by name (`origin/HEAD` skipped).
fn branch_tips(repo_path: &Path) -> Result<Vec<(String, String)>, Error> {
    let refs = run_git(
        repo_path,
        &[
            "for-each-ref",
            "--format=%(objectname) %(refname:short)",
            "refs/heads",
            "refs/remotes",
        ],
    )?;
    Ok(refs
        .lines()
        .filter_map(|line| line.split_once(' '))
        .filter(|(_, name)| !name.is_empty() && !name.ends_with("/HEAD") && *name != "origin")
        .take(MAX_BRANCHES_LISTED)
        .map(|(tip, name)| (tip.to_owned(), name.to_owned()))
        .collect())
}

/// Sha -> names of the branches containing it, found by walking the parent links of the commits
/// read from each branch's tip (no `git` call per branch).
fn branches_by_commit(
    tips: &[(String, String)],
    commits: &[RawCommit],
) -> BTreeMap<String, Vec<String>> {
    let parents: HashMap<&str, &[String]> = commits
        .iter()
        .map(|c| (c.sha.as_str(), c.parents.as_slice()))
        .collect();
    let mut by_commit: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (tip, branch) in tips {
        let mut seen = HashSet::new();
        let mut next = vec![tip.as_str()];
        while let Some(sha) = next.pop() {
            // A commit outside what was read (before `--since`) ends the walk there.
            let Some(its_parents) = parents.get(sha) else {
                continue;
            };
            if seen.insert(sha) {
                by_commit
                    .entry(sha.to_owned())
                    .or_default()
                    .push(branch.clone());
                next.extend(its_parents.iter().map(String::as_str));
            }
        }
    }
    by_commit
}

/// Runs `git -C repo_path args…` with a stable, uncoloured, C-locale output.
fn run_git(repo_path: &Path, args: &[&str]) -> Result<String, Error> {
    let output = Command::new("git")
        .arg("-C")
        .arg(repo_path)
        .args(["-c", "core.quotepath=off", "-c", "log.showSignature=false"])
        .args(args)
        .env("LC_ALL", "C")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .map_err(|source| Error::GitUnavailable {
            path: repo_path.to_path_buf(),
            source,
        })?;
    if !output.status.success() {
        return Err(Error::GitFailed {
            command: args.first().copied().unwrap_or_default().to_string(),
            path: repo_path.to_path_buf(),
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_string(),
        });
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[cfg(test)]
mod tests;
