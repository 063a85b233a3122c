//! What changed between two versions of an item, file by file, as unified diffs: reviewers read
//! the change against the approved version before approving.

use similar::TextDiff;

use crate::store::library::FileRecord;

/// One file's change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    pub path: String,
    /// `added`, `removed`, `changed` (mode changes included) or `same`.
    pub change: &'static str,
    /// Unified diff of the text (empty when the text is the same).
    pub diff: String,
}

/// Every path of either version, in order, with its change from `old` (none: all added) to `new`.
pub fn diff_versions(old: Option<&[FileRecord]>, new: &[FileRecord]) -> Vec<FileChange> {
    let old = old.unwrap_or_default();
    let mut paths: Vec<&str> = old
        .iter()
        .chain(new.iter())
        .map(|f| f.path.as_str())
        .collect();
    paths.sort_unstable();
    paths.dedup();
    paths
        .into_iter()
        .map(|path| {
            let before = old.iter().find(|f| f.path == path);
            let after = new.iter().find(|f| f.path == path);
            let change = match (before, after) {
                (None, _) => "added",
                (_, None) => "removed",
                (Some(b), Some(a)) if b.sha256 == a.sha256 && b.executable == a.executable => {
                    "same"
                }
                _ => "changed",
            };
            let diff = if change == "same" {
                String::new()
            } else {
                TextDiff::from_lines(text_of(before), text_of(after))
                    .unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{path}"), &format!("b/{path}"))
                    .to_string()
            };
            FileChange {
                path: path.to_owned(),
                change,
                diff,
            }
        })
        .collect()
}

fn text_of(file: Option<&FileRecord>) -> &str {
    file.map_or("", |f| f.content.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, content: &str) -> FileRecord {
        FileRecord {
            path: path.into(),
            sha256: content.into(),
            size_bytes: content.len() as i64,
            executable: false,
            content: content.into(),
        }
    }

    #[test]
    fn the_diff_names_added_removed_changed_and_unchanged_files() {
        let old = [
            file("SKILL.md", "a\nb\n"),
            file("gone.md", "x\n"),
            file("same.md", "s\n"),
        ];
        let new = [
            file("SKILL.md", "a\nc\n"),
            file("new.md", "y\n"),
            file("same.md", "s\n"),
        ];
        let changes = diff_versions(Some(&old), &new);
        let summary: Vec<(&str, &str)> = changes
            .iter()
            .map(|c| (c.path.as_str(), c.change))
            .collect();
        assert_eq!(
            summary,
            [
                ("SKILL.md", "changed"),
                ("gone.md", "removed"),
                ("new.md", "added"),
                ("same.md", "same")
            ]
        );
        assert!(changes[0].diff.contains("-b\n+c\n"), "{}", changes[0].diff);
    }
}
