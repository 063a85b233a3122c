//! Checks a [`CommitRecord`] before it is sent or stored: `agentmeter collect git` skips (and
//! names) each commit that fails, so one bad commit never blocks the rest of a batch.
//!
//! The rules are the server's (`POST /api/v1/ingest/commits` answers 422 naming each bad
//! record), plus one that PostgreSQL imposes: no text field may hold a NUL character.

use chrono::{DateTime, Duration, Utc};

use crate::validate::reject_nul;
use crate::wire_git::CommitRecord;

/// Longest accepted text field of a commit (repository, emails, names, paths, branches).
pub const MAX_COMMIT_TEXT_LEN: usize = 4096;
/// Most changed paths one commit may list.
pub const MAX_COMMIT_PATHS: usize = 100_000;
/// Most branches one commit may list.
pub const MAX_COMMIT_BRANCHES: usize = 1000;

/// Why `commit` cannot be stored, or `Ok` when it can. `now` bounds times from the future (one
/// day of clock skew is allowed).
pub fn validate_commit(commit: &CommitRecord, now: DateTime<Utc>) -> Result<(), String> {
    check_text(commit)?;
    let repository = commit.repository.trim();
    if repository.split('/').filter(|p| !p.is_empty()).count() < 3
        || repository != commit.repository
        || repository.contains(char::is_whitespace)
    {
        return Err(format!(
            "repository {:?} is not a normalized host/owner/name",
            commit.repository
        ));
    }
    if !is_sha(&commit.sha) {
        return Err(format!("sha {:?} is not a hex commit id", commit.sha));
    }
    if let Some(bad) = commit.parents.iter().find(|p| !is_sha(p)) {
        return Err(format!("parent {bad:?} is not a hex commit id"));
    }
    let latest = now + Duration::days(1);
    if commit.committed_at > latest || commit.authored_at > latest {
        return Err("commit time is in the future".into());
    }
    let lines = &commit.lines;
    if lines.test_added > lines.added || lines.test_removed > lines.removed {
        return Err("test-file lines exceed the totals".into());
    }
    if i64::try_from(lines.added.max(lines.removed)).is_err() {
        return Err("line counts out of range".into());
    }
    Ok(())
}

/// Counts, lengths and NUL characters of every text field.
fn check_text(commit: &CommitRecord) -> Result<(), String> {
    if commit.paths.len() > MAX_COMMIT_PATHS {
        return Err(format!(
            "paths lists {} entries, more than {MAX_COMMIT_PATHS}",
            commit.paths.len()
        ));
    }
    if commit.branches.len() > MAX_COMMIT_BRANCHES {
        return Err(format!(
            "branches lists {} entries, more than {MAX_COMMIT_BRANCHES}",
            commit.branches.len()
        ));
    }
    let single = [
        ("repository", &commit.repository),
        ("sha", &commit.sha),
        ("author_email", &commit.author_email),
        ("author_name", &commit.author_name),
    ];
    let lists = [
        ("parents", &commit.parents),
        ("paths", &commit.paths),
        ("branches", &commit.branches),
    ];
    let fields = single.into_iter().chain(
        lists
            .into_iter()
            .flat_map(|(name, values)| values.iter().map(move |v| (name, v))),
    );
    for (name, value) in fields {
        reject_nul(name, value)?;
        if value.len() > MAX_COMMIT_TEXT_LEN {
            return Err(format!("{name} is longer than {MAX_COMMIT_TEXT_LEN} bytes"));
        }
    }
    Ok(())
}

fn is_sha(s: &str) -> bool {
    (7..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Damages one field of a record.
    type Spoil = fn(&mut CommitRecord);

    fn now() -> DateTime<Utc> {
        "2026-03-02T00:00:00Z".parse().unwrap_or_default()
    }

    fn commit() -> CommitRecord {
        serde_json::from_value(serde_json::json!({
            "repository": "github.com/acme/api", "sha": "abcdef0", "parents": ["0123456"],
            "author_email": "a@b.c", "author_name": "A",
            "authored_at": "2026-03-01T10:00:00Z", "committed_at": "2026-03-01T10:00:00Z",
            "paths": ["src/a.rs"], "branches": ["main"],
            "lines": {"added": 2, "removed": 1, "test_added": 1, "test_removed": 0}
        }))
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_plain_commit_passes() {
        assert_eq!(validate_commit(&commit(), now()), Ok(()));
    }

    #[test]
    fn a_nul_in_any_text_field_is_rejected_naming_the_field() {
        let cases: [(&str, Spoil); 7] = [
            ("repository", |c| {
                c.repository = "github.com/acme/a\0pi".into()
            }),
            ("sha", |c| c.sha = "abc\0def".into()),
            ("author_email", |c| c.author_email = "a\0@b.c".into()),
            ("author_name", |c| c.author_name = "A\0".into()),
            ("parents", |c| c.parents.push("\0".into())),
            ("paths", |c| c.paths.push("src/\0.rs".into())),
            ("branches", |c| c.branches.push("feat\0x".into())),
        ];
        for (field, spoil) in cases {
            let mut bad = commit();
            spoil(&mut bad);
            let reason = validate_commit(&bad, now()).err().unwrap_or_default();
            assert!(
                reason.starts_with(field) && reason.contains("NUL"),
                "{field}: {reason}"
            );
        }
    }

    #[test]
    fn the_server_rules_are_each_named() {
        let mut c = commit();
        c.repository = "acme/api".into();
        assert!(validate_commit(&c, now()).is_err_and(|m| m.contains("repository")));
        let mut c = commit();
        c.sha = "xyz".into();
        assert!(validate_commit(&c, now()).is_err_and(|m| m.contains("sha")));
        let mut c = commit();
        c.committed_at = "2999-01-01T00:00:00Z".parse().unwrap_or_default();
        assert!(validate_commit(&c, now()).is_err_and(|m| m.contains("future")));
        let mut c = commit();
        c.lines.test_added = 3;
        assert!(validate_commit(&c, now()).is_err_and(|m| m.contains("test-file")));
        let mut c = commit();
        c.author_name = "x".repeat(MAX_COMMIT_TEXT_LEN + 1);
        assert!(validate_commit(&c, now()).is_err_and(|m| m.contains("author_name")));
        let mut c = commit();
        c.branches = vec!["b".into(); MAX_COMMIT_BRANCHES + 1];
        assert!(validate_commit(&c, now()).is_err_and(|m| m.contains("branches")));
    }
}
