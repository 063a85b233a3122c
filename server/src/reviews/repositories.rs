//! Repositories as admins and webhooks name them: found by id, full name or a unique
//! `owner/name`, and the rule for a valid name. Storage is `store::repositories`.

use crate::db::Db;
use crate::error::{Error, Result};

pub use crate::store::repositories::{ensure, list, set_secret, Repository};

/// A repository by id, by full `host/owner/name`, or by a unique `owner/name` suffix.
pub async fn find(db: &Db, key: &str) -> Result<Repository> {
    let key = key.trim().trim_matches('/').to_lowercase();
    let all = list(db).await?;
    if let Ok(id) = key.parse::<i64>() {
        if let Some(found) = all.iter().find(|r| r.id == id) {
            return Ok(found.clone());
        }
    }
    if let Some(found) = all.iter().find(|r| r.name == key) {
        return Ok(found.clone());
    }
    let suffix = format!("/{key}");
    let mut matches = all.into_iter().filter(|r| r.name.ends_with(&suffix));
    match (matches.next(), matches.next()) {
        (Some(found), None) => Ok(found),
        (Some(_), Some(_)) => Err(Error::BadRequest(format!(
            "repository {key:?} is ambiguous; give host/owner/name"
        ))),
        _ => Err(Error::NotFound(format!("repository {key:?}"))),
    }
}

/// The repository named by `key`; a full `host/owner/name` not seen yet is created.
pub async fn find_or_create(db: &Db, key: &str) -> Result<Repository> {
    match find(db, key).await {
        Err(Error::NotFound(_)) if key.trim_matches('/').split('/').count() >= 3 => {
            let name = key.trim().trim_matches('/').to_lowercase();
            if !is_valid_name(&name) {
                return Err(Error::BadRequest(format!(
                    "{name:?} is not a repository name: host/owner/name, each part letters, digits, '.', '-' or '_' (not '.' or '..')"
                )));
            }
            let provider = if name.contains("gitlab") {
                "gitlab"
            } else {
                "github"
            };
            ensure(db, &name, provider).await?;
            find(db, &name).await
        }
        other => other,
    }
}

/// Whether `name` is a normalized repository name, `host/owner/name` (GitLab groups may nest):
/// lower case, each part made of letters, digits, `.`, `-`, `_`, none of them `.` or `..`.
pub fn is_valid_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('/').collect();
    parts.len() >= 3
        && name.len() <= 255
        && parts.iter().all(|part| {
            !part.is_empty()
                && *part != "."
                && *part != ".."
                && part.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_')
                })
        })
}

#[cfg(test)]
mod tests {
    use super::is_valid_name;

    #[test]
    fn repository_names_are_host_owner_name_without_dot_segments() {
        assert!(is_valid_name("github.com/acme/api"));
        assert!(is_valid_name(
            "gitlab.example.com/group/sub-group/my_repo.js"
        ));
        assert!(!is_valid_name("../../x"));
        assert!(!is_valid_name("github.com/../x"));
        assert!(!is_valid_name("github.com/acme/./api"));
        assert!(!is_valid_name("github.com/acme"));
        assert!(!is_valid_name("github.com//api"));
        assert!(!is_valid_name("github.com/acme/a pi"));
        assert!(!is_valid_name("github.com/Acme/api"));
    }
}
