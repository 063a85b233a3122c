//! The git remote of a session's working directory, read from `.git/config` (no `git` process),
//! normalized to `host/owner/repo` with credentials removed. Looked up once per directory.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Caches remote lookups per working directory.
#[derive(Debug, Default)]
pub struct RemoteCache {
    known: HashMap<String, Option<String>>,
}

impl RemoteCache {
    /// The normalized origin (or first) remote of the checkout containing `cwd`.
    pub fn remote_for(&mut self, cwd: &str) -> Option<String> {
        self.known
            .entry(cwd.to_string())
            .or_insert_with(|| remote_url(Path::new(cwd)))
            .clone()
    }
}

/// Finds the checkout containing `dir` and reads its remote.
pub fn remote_url(dir: &Path) -> Option<String> {
    let config = git_config_path(dir)?;
    let text = fs::read_to_string(config).ok()?;
    parse_remote(&text).map(|u| normalize_remote(&u))
}

fn git_config_path(dir: &Path) -> Option<PathBuf> {
    for candidate in dir.ancestors() {
        let dot_git = candidate.join(".git");
        if dot_git.is_dir() {
            return Some(dot_git.join("config"));
        }
        if dot_git.is_file() {
            // A worktree or submodule: `.git` names the real git dir, whose `commondir`
            // (for worktrees) names the dir holding the shared config.
            let text = fs::read_to_string(&dot_git).ok()?;
            let gitdir = text.lines().find_map(|l| l.strip_prefix("gitdir:"))?.trim();
            let gitdir = candidate.join(gitdir);
            let common = fs::read_to_string(gitdir.join("commondir"))
                .map(|c| gitdir.join(c.trim()))
                .unwrap_or(gitdir);
            return Some(common.join("config"));
        }
    }
    None
}

/// The url of `[remote "origin"]`, else of the first remote.
fn parse_remote(config: &str) -> Option<String> {
    let mut section = String::new();
    let mut first = None;
    for line in config.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line.to_string();
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        if key.trim() != "url" || !section.starts_with("[remote ") {
            continue;
        }
        let url = value.trim().trim_matches('"').to_string();
        if section == "[remote \"origin\"]" {
            return Some(url);
        }
        first.get_or_insert(url);
    }
    first
}

/// `git@github.com:Owner/repo.git` and `https://user:pw@github.com/Owner/repo` both become
/// `github.com/Owner/repo`.
pub fn normalize_remote(url: &str) -> String {
    let mut rest = url.trim();
    let had_scheme = rest.contains("://");
    if let Some((_, after)) = rest.split_once("://") {
        rest = after;
    }
    if let Some((_, after)) = rest.split_once('@') {
        rest = after;
    }
    let (host, path) = match rest.split_once(['/', ':']) {
        Some((h, p)) if !had_scheme || rest.as_bytes()[h.len()] == b'/' => (h, p),
        Some((h, p)) => (h, p.split_once('/').map(|(_, p)| p).unwrap_or(p)),
        None => (rest, ""),
    };
    let path = path.trim_matches('/').trim_end_matches(".git");
    let host = host.split(':').next().unwrap_or(host).to_ascii_lowercase();
    if path.is_empty() {
        host
    } else {
        format!("{host}/{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remotes_normalize_to_host_owner_repo_without_credentials() {
        assert_eq!(
            normalize_remote("git@github.com:Owner/repo.git"),
            "github.com/Owner/repo"
        );
        assert_eq!(
            normalize_remote("https://user:secret@GitHub.com/Owner/repo.git/"),
            "github.com/Owner/repo"
        );
        assert_eq!(
            normalize_remote("ssh://git@gitlab.example.com:2222/group/sub/repo.git"),
            "gitlab.example.com/group/sub/repo"
        );
        assert_eq!(
            normalize_remote("https://github.com/owner/repo"),
            "github.com/owner/repo"
        );
    }

    #[test]
    fn origin_is_preferred_and_worktrees_are_followed() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let main = dir.path().join("main");
        fs::create_dir_all(main.join(".git/worktrees/wt")).unwrap_or_else(|e| panic!("{e}"));
        fs::write(main.join(".git/config"), "[core]\n\tbare = false\n[remote \"upstream\"]\n\turl = https://github.com/up/x.git\n[remote \"origin\"]\n\turl = git@github.com:me/x.git\n").unwrap_or_else(|e| panic!("{e}"));
        fs::write(main.join(".git/worktrees/wt/commondir"), "../..\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let wt = dir.path().join("wt");
        fs::create_dir_all(wt.join("src")).unwrap_or_else(|e| panic!("{e}"));
        fs::write(
            wt.join(".git"),
            format!("gitdir: {}\n", main.join(".git/worktrees/wt").display()),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(remote_url(&main).as_deref(), Some("github.com/me/x"));
        assert_eq!(
            remote_url(&wt.join("src")).as_deref(),
            Some("github.com/me/x")
        );
        assert_eq!(remote_url(Path::new("/nonexistent/dir")), None);
    }
}
