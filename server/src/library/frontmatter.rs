//! The YAML front matter of `SKILL.md` and `HOOK.md`: `name`, `description`, optional `tags`.
//!
//! Only what the library needs is read, from the flat `key: value` lines between the two `---`
//! lines; other keys (`allowed-tools`, `license`, nested `metadata`…) are kept in the file for
//! the assistants and ignored here.

use super::LibraryError;

/// What the library reads from an item's front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontMatter {
    pub name: String,
    pub description: String,
    pub tags: Vec<String>,
}

/// Longest item name; Claude Code's own limit for skill names.
const MAX_NAME: usize = 64;
const MAX_DESCRIPTION: usize = 1024;

/// Parses the front matter of `file` (its name, for messages) and checks its fields.
pub fn parse(file: &str, text: &str) -> Result<FrontMatter, LibraryError> {
    let bad = |why: String| LibraryError::FrontMatter(format!("{file}: {why}"));
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = body.lines();
    if lines.next().map(str::trim_end) != Some("---") {
        return Err(bad(
            "must start with a `---` line of YAML front matter".into()
        ));
    }
    let mut name = None;
    let mut description = None;
    let mut tags = Vec::new();
    let mut closed = false;
    let mut in_tags_list = false;
    for line in lines.by_ref() {
        if line.trim_end() == "---" {
            closed = true;
            break;
        }
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if line.starts_with(' ') || line.starts_with('\t') {
            if in_tags_list {
                let item = line.trim().strip_prefix("- ").ok_or_else(|| {
                    bad(format!("tags: expected `- tag`, found {:?}", line.trim()))
                })?;
                tags.push(scalar(item).map_err(bad)?);
            }
            continue;
        }
        in_tags_list = false;
        let (key, value) = line
            .split_once(':')
            .ok_or_else(|| bad(format!("expected `key: value`, found {line:?}")))?;
        let value = value.trim();
        match key.trim() {
            "name" => name = Some(scalar(value).map_err(bad)?),
            "description" => description = Some(scalar(value).map_err(bad)?),
            "tags" if value.is_empty() => in_tags_list = true,
            "tags" => tags = inline_list(value).map_err(bad)?,
            _ => {}
        }
    }
    if !closed {
        return Err(bad("the front matter has no closing `---` line".into()));
    }
    let name = name.ok_or_else(|| bad("`name` is missing".into()))?;
    check_name(&name).map_err(bad)?;
    let description = description
        .filter(|d| !d.trim().is_empty())
        .ok_or_else(|| bad("`description` is missing or empty".into()))?;
    if description.chars().count() > MAX_DESCRIPTION {
        return Err(bad(format!(
            "`description` is longer than {MAX_DESCRIPTION} characters"
        )));
    }
    for tag in &tags {
        check_name(tag).map_err(|why| bad(format!("tag {tag:?}: {why}")))?;
    }
    Ok(FrontMatter {
        name,
        description,
        tags,
    })
}

/// Lowercase letters, digits and hyphens, as Claude Code requires of skill names.
pub fn check_name(name: &str) -> Result<(), String> {
    let valid = !name.is_empty()
        && name.len() <= MAX_NAME
        && !name.starts_with('-')
        && !name.ends_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if valid {
        Ok(())
    } else {
        Err(format!(
            "{name:?} must be 1-{MAX_NAME} lowercase letters, digits and inner hyphens"
        ))
    }
}

/// A plain, single- or double-quoted scalar on one line.
fn scalar(value: &str) -> Result<String, String> {
    let value = value.trim();
    for quote in ['"', '\''] {
        if let Some(rest) = value.strip_prefix(quote) {
            return rest
                .strip_suffix(quote)
                .map(str::to_owned)
                .ok_or_else(|| format!("unterminated quote in {value:?}"));
        }
    }
    if value.starts_with(['[', '{', '|', '>', '&', '*', '!']) {
        return Err(format!("expected a one-line text, found {value:?}"));
    }
    Ok(value.to_owned())
}

/// `[a, b, "c"]`.
fn inline_list(value: &str) -> Result<Vec<String>, String> {
    let inner = value
        .strip_prefix('[')
        .and_then(|v| v.strip_suffix(']'))
        .ok_or_else(|| {
            format!("tags: expected [a, b] or a list of `- tag` lines, found {value:?}")
        })?;
    inner
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(scalar)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_skill_front_matter_gives_its_name_description_and_tags() {
        let text = "---\nname: release-notes\ndescription: \"Writes notes: short.\"\nallowed-tools: Read\ntags: [docs, git]\nmetadata:\n  owner: x\n---\nBody";
        let fm = parse("SKILL.md", text).expect("valid");
        assert_eq!(fm.name, "release-notes");
        assert_eq!(fm.description, "Writes notes: short.");
        assert_eq!(fm.tags, ["docs", "git"]);
        let block = parse(
            "SKILL.md",
            "---\nname: a\ndescription: b\ntags:\n  - x\n  - y\n---\n",
        )
        .expect("valid");
        assert_eq!(block.tags, ["x", "y"]);
    }

    #[test]
    fn malformed_front_matter_is_refused_with_the_reason() {
        let cases = [
            ("no front matter", "missing"),
            ("---\nname: a\ndescription: b\n", "closing"),
            ("---\ndescription: b\n---\n", "`name` is missing"),
            ("---\nname: a\n---\n", "`description`"),
            ("---\nname: Bad Name\ndescription: b\n---\n", "lowercase"),
            ("---\nname: a\ndescription: \"b\n---\n", "unterminated"),
            ("---\nname: a\njust text\n---\n", "key: value"),
        ];
        for (text, reason) in cases {
            let err = parse("SKILL.md", text).expect_err(text).to_string();
            assert!(
                err.contains(reason) || reason == "missing" && err.contains("must start"),
                "{text:?}: {err}"
            );
        }
    }
}
