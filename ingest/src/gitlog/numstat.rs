//! Parser of `git log -z --numstat` output in the collector's own format.
//!
//! With `-z` every field and every numstat entry ends in NUL, and a rename's two paths come as
//! separate NUL-terminated fields, so no path or message needs unquoting. Each commit starts with
//! the field [`COMMIT_MARKER`] followed by the fields of [`LOG_FORMAT`], in order.

use chrono::{DateTime, Utc};

use crate::error::Error;

/// First field of every commit record.
pub(crate) const COMMIT_MARKER: &str = "agentmeter-commit";

/// `--format` for `git log -z --numstat`: marker, sha, parents, author email, author name,
/// author date, committer date, raw message.
pub(crate) const LOG_FORMAT: &str =
    "format:agentmeter-commit%x00%H%x00%P%x00%ae%x00%an%x00%aI%x00%cI%x00%B%x00";

/// One file entry of a commit's numstat: `None` counts for a binary file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileStat {
    pub added: Option<u64>,
    pub removed: Option<u64>,
    /// The path before a rename, if the file was renamed.
    pub old_path: Option<String>,
    pub path: String,
}

/// One commit as `git log` printed it, before classification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawCommit {
    pub sha: String,
    pub parents: Vec<String>,
    pub author_email: String,
    pub author_name: String,
    pub authored_at: DateTime<Utc>,
    pub committed_at: DateTime<Utc>,
    pub message: String,
    pub files: Vec<FileStat>,
}

/// Parses the whole output of `git log -z --numstat --format=LOG_FORMAT`.
pub(crate) fn parse_log(output: &str) -> Result<Vec<RawCommit>, Error> {
    let mut fields = output.split('\0').map(|f| f.trim_start_matches('\n'));
    let mut commits: Vec<RawCommit> = Vec::new();
    while let Some(field) = fields.next() {
        if field == COMMIT_MARKER {
            let mut next = || {
                fields
                    .next()
                    .ok_or_else(|| malformed("commit record cut short"))
            };
            let sha = next()?.to_string();
            let parents = next()?.split_whitespace().map(str::to_string).collect();
            let author_email = next()?.to_string();
            let author_name = next()?.to_string();
            let authored_at = parse_time(next()?)?;
            let committed_at = parse_time(next()?)?;
            let message = next()?.to_string();
            commits.push(RawCommit {
                sha,
                parents,
                author_email,
                author_name,
                authored_at,
                committed_at,
                message,
                files: Vec::new(),
            });
            continue;
        }
        if field.is_empty() {
            continue;
        }
        let commit = commits
            .last_mut()
            .ok_or_else(|| malformed("numstat before any commit"))?;
        let mut parts = field.splitn(3, '\t');
        let (Some(added), Some(removed), Some(path)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(malformed(&format!("numstat entry `{field}`")));
        };
        let added = parse_count(added)?;
        let removed = parse_count(removed)?;
        let stat = if path.is_empty() {
            let old = fields
                .next()
                .ok_or_else(|| malformed("rename without old path"))?;
            let new = fields
                .next()
                .ok_or_else(|| malformed("rename without new path"))?;
            FileStat {
                added,
                removed,
                old_path: Some(old.to_string()),
                path: new.to_string(),
            }
        } else {
            FileStat {
                added,
                removed,
                old_path: None,
                path: path.to_string(),
            }
        };
        commit.files.push(stat);
    }
    Ok(commits)
}

fn parse_count(text: &str) -> Result<Option<u64>, Error> {
    if text == "-" {
        return Ok(None);
    }
    text.parse()
        .map(Some)
        .map_err(|_| malformed(&format!("line count `{text}`")))
}

fn parse_time(text: &str) -> Result<DateTime<Utc>, Error> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| malformed(&format!("timestamp `{text}`")))
}

fn malformed(what: &str) -> Error {
    Error::UnexpectedGitOutput(what.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commits_renames_binaries_and_merges_are_read_from_nul_separated_output() {
        let fields = [
            "agentmeter-commit",
            "m1",
            "p1 p2",
            "a@x.io",
            "Ann",
            "2024-05-01T10:00:00+02:00",
            "2024-05-01T10:00:00+02:00",
            "Merge\n",
            "",
            "agentmeter-commit",
            "p1",
            "",
            "b@x.io",
            "Bo",
            "2024-04-30T09:00:00Z",
            "2024-04-30T09:05:00Z",
            "first\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n",
            "",
            "\n3\t1\tsrc/lib.rs",
            "-\t-\tlogo.png",
            "0\t0\t",
            "old name.rs",
            "new name.rs",
            "",
        ];
        let output = fields.join("\0");
        let commits = parse_log(&output).expect("parses");
        assert_eq!(commits.len(), 2);
        assert_eq!(commits[0].parents, vec!["p1", "p2"]);
        assert!(commits[0].files.is_empty());
        assert_eq!(
            commits[0].authored_at.to_rfc3339(),
            "2024-05-01T08:00:00+00:00"
        );
        assert!(commits[1].parents.is_empty());
        assert!(commits[1].message.contains("Co-Authored-By"));
        assert_eq!(
            commits[1].files,
            vec![
                FileStat {
                    added: Some(3),
                    removed: Some(1),
                    old_path: None,
                    path: "src/lib.rs".into()
                },
                FileStat {
                    added: None,
                    removed: None,
                    old_path: None,
                    path: "logo.png".into()
                },
                FileStat {
                    added: Some(0),
                    removed: Some(0),
                    old_path: Some("old name.rs".into()),
                    path: "new name.rs".into()
                },
            ]
        );
    }

    #[test]
    fn truncated_output_is_an_error_not_a_panic() {
        assert!(parse_log("agentmeter-commit\0sha\0").is_err());
        assert!(parse_log("3\t1\tsrc/lib.rs\0").is_err());
    }
}
