//! Repository identity from git remotes: the one normalizer ([`normalize_remote_url`]) used by the
//! usage events' `repository`, the commit collector and the server's webhooks, and the remote of a
//! session's working directory, read from `.git/config` (no `git` process, looked up once per
//! directory).
//!
//! Every URL form (`git@github.com:Owner/Repo.git`, `https://github.com/owner/repo(.git)`,
//! `ssh://git@host:22/owner/repo.git`, `https://user:token@host/group/sub/repo`) maps to
//! `host/owner/name` in lower case, so that a commit collected locally, a webhook and an
//! assistant session all name a repository the same way. Nested GitLab groups are kept:
//! `gitlab.com/group/sub/repo`.

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
    parse_remote(&text).and_then(|u| normalize_remote_url(&u))
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

/// Normalizes a remote or web URL to `host/path` in lower case, without scheme, credentials, port,
/// trailing `.git` or slash. `None` when no host and at least `owner/name` can be read.
pub fn normalize_remote_url(url: &str) -> Option<String> {
    let url = url.trim();
    let (host, path) = if let Some((scheme, rest)) = url.split_once("://") {
        if scheme.is_empty() || scheme.eq_ignore_ascii_case("file") {
            return None;
        }
        let (authority, path) = rest.split_once('/')?;
        (host_of(authority), path)
    } else {
        // scp-like syntax: [user@]host:path, where the host has no slash before the colon.
        let (authority, path) = url.split_once(':')?;
        if authority.contains('/') || authority.is_empty() {
            return None;
        }
        (host_of(authority), path)
    };
    let host = host.trim_end_matches('.');
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let path = path.trim_matches('/');
    let path = path
        .strip_suffix(".git")
        .unwrap_or(path)
        .trim_end_matches('/');
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if host.is_empty() || segments.len() < 2 {
        return None;
    }
    Some(format!("{}/{}", host, segments.join("/")).to_lowercase())
}

/// The host of an authority `[user[:password]@]host[:port]`.
fn host_of(authority: &str) -> &str {
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if let Some(bracketed) = host_port.strip_prefix('[') {
        return bracketed.split(']').next().unwrap_or_default();
    }
    host_port.split(':').next().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssh_https_and_ssh_url_forms_of_one_repository_agree() {
        let expected = Some("github.com/octo-org/octo-repo".to_string());
        for url in [
            "git@github.com:Octo-Org/Octo-Repo.git",
            "git@github.com:octo-org/octo-repo",
            "https://github.com/octo-org/octo-repo",
            "https://github.com/Octo-Org/octo-repo.git",
            "https://github.com/octo-org/octo-repo/",
            "ssh://git@github.com:22/octo-org/octo-repo.git",
            "ssh://git@github.com/octo-org/octo-repo.git",
            "https://x-access-token:secret@github.com/octo-org/octo-repo.git",
            "git://github.com/octo-org/octo-repo.git",
        ] {
            assert_eq!(normalize_remote_url(url), expected, "{url}");
        }
    }

    #[test]
    fn nested_gitlab_groups_and_custom_hosts_are_kept() {
        assert_eq!(
            normalize_remote_url("https://gitlab.example.com:8443/Group/Sub/Repo.git").as_deref(),
            Some("gitlab.example.com/group/sub/repo")
        );
        assert_eq!(
            normalize_remote_url("git@gitlab.com:group/sub/repo.git").as_deref(),
            Some("gitlab.com/group/sub/repo")
        );
    }

    #[test]
    fn local_paths_and_urls_without_owner_are_rejected() {
        assert_eq!(normalize_remote_url("/srv/git/repo.git"), None);
        assert_eq!(normalize_remote_url("file:///srv/git/repo.git"), None);
        assert_eq!(normalize_remote_url("https://github.com/onlyowner"), None);
        assert_eq!(normalize_remote_url(""), None);
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
