//! Repository identity from a git remote URL or a forge's web URL.
//!
//! Every form (`git@github.com:Owner/Repo.git`, `https://github.com/owner/repo(.git)`,
//! `ssh://git@host:22/owner/repo.git`, `https://user:token@host/group/sub/repo`) maps to
//! `host/owner/name` in lower case, so that a commit collected locally, a webhook and an
//! assistant session all name a repository the same way. Nested GitLab groups are kept:
//! `gitlab.com/group/sub/repo`.

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
    use super::normalize_remote_url;

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
}
