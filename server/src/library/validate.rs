//! What makes an uploaded folder a library item: a skill (`SKILL.md` with front matter, plus
//! supporting files) or a hook (`HOOK.md` with front matter and `hooks/hooks.json` in Claude
//! Code's plugin hook format, plus the scripts it runs through `${CLAUDE_PLUGIN_ROOT}`).
//! Every file must be UTF-8 text.

use std::collections::BTreeSet;

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::archive::UploadedFile;
use super::frontmatter::{self, FrontMatter};
use super::LibraryError;
use crate::store::library::FileRecord;

/// The two kinds of items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    Skill,
    Hook,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Skill => "skill",
            ItemKind::Hook => "hook",
        }
    }
}

/// A checked item version, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidItem {
    pub kind: ItemKind,
    pub front_matter: FrontMatter,
    pub files: Vec<FileRecord>,
    pub content_hash: String,
    pub size_bytes: i64,
}

/// Where a hook's commands are declared.
pub const HOOKS_FILE: &str = "hooks/hooks.json";
/// The hook events Claude Code runs plugin hooks on.
pub const HOOK_EVENTS: &[&str] = &[
    "PreToolUse",
    "PostToolUse",
    "UserPromptSubmit",
    "Notification",
    "Stop",
    "SubagentStop",
    "SessionStart",
    "SessionEnd",
    "PreCompact",
];
/// How hook commands name files of their own plugin.
pub const PLUGIN_ROOT: &str = "${CLAUDE_PLUGIN_ROOT}";

/// Files operating systems leave in folders they archive; dropped, not refused.
fn is_os_litter(path: &str) -> bool {
    path.starts_with("__MACOSX/") || path.rsplit('/').next() == Some(".DS_Store")
}

/// Checks an uploaded folder and hashes its files.
pub fn validate(uploaded: Vec<UploadedFile>) -> Result<ValidItem, LibraryError> {
    let mut seen = BTreeSet::new();
    let mut files = Vec::new();
    for file in uploaded.into_iter().filter(|f| !is_os_litter(&f.path)) {
        if !seen.insert(file.path.clone()) {
            return Err(LibraryError::Path(format!("{} appears twice", file.path)));
        }
        let content = String::from_utf8(file.bytes)
            .map_err(|_| LibraryError::NotText(format!("{} is not UTF-8 text", file.path)))?;
        files.push(FileRecord {
            sha256: hex::encode(Sha256::digest(content.as_bytes())),
            size_bytes: content.len() as i64,
            path: file.path,
            executable: file.executable,
            content,
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let text_of = |path: &str| {
        files
            .iter()
            .find(|f| f.path == path)
            .map(|f| f.content.as_str())
    };
    let (kind, front_matter) = match (text_of("SKILL.md"), text_of("HOOK.md")) {
        (Some(_), Some(_)) => {
            return Err(LibraryError::Layout(
                "a folder holds either SKILL.md (a skill) or HOOK.md (a hook), not both".into(),
            ))
        }
        (Some(skill), None) => (ItemKind::Skill, frontmatter::parse("SKILL.md", skill)?),
        (None, Some(hook)) => {
            let hooks = text_of(HOOKS_FILE).ok_or_else(|| {
                LibraryError::Layout(format!("a hook needs {HOOKS_FILE} next to HOOK.md"))
            })?;
            let paths: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
            check_hooks(hooks, &paths)?;
            (ItemKind::Hook, frontmatter::parse("HOOK.md", hook)?)
        }
        (None, None) => {
            return Err(LibraryError::Layout(
                "no SKILL.md (a skill) or HOOK.md with hooks/hooks.json (a hook) at the top of the folder"
                    .into(),
            ))
        }
    };
    Ok(ValidItem {
        kind,
        front_matter,
        content_hash: content_hash(&files),
        size_bytes: files.iter().map(|f| f.size_bytes).sum(),
        files,
    })
}

/// sha256 over each file's path, hash and executable bit, in path order: equal content, equal
/// hash, whatever the archive's order or timestamps.
pub fn content_hash(files: &[FileRecord]) -> String {
    let mut hasher = Sha256::new();
    for file in files {
        hasher.update(file.path.as_bytes());
        hasher.update([0]);
        hasher.update(file.sha256.as_bytes());
        hasher.update(if file.executable { b"\0x\n" } else { b"\0-\n" });
    }
    hex::encode(hasher.finalize())
}

/// `{"hooks": {EVENT: [{"matcher"?: "...", "hooks": [{"type": "command", "command": "...",
/// "timeout"?: N}]}]}}`, each `${CLAUDE_PLUGIN_ROOT}/path` naming a file of the folder.
pub fn check_hooks(text: &str, paths: &BTreeSet<&str>) -> Result<(), LibraryError> {
    let bad = |why: String| LibraryError::Hooks(format!("{HOOKS_FILE}: {why}"));
    let root: Value = serde_json::from_str(text).map_err(|e| bad(format!("not JSON: {e}")))?;
    let events = root["hooks"]
        .as_object()
        .ok_or_else(|| bad("expected an object {\"hooks\": {EVENT: [...]}}".into()))?;
    if events.is_empty() {
        return Err(bad("declares no hook".into()));
    }
    for (event, groups) in events {
        if !HOOK_EVENTS.contains(&event.as_str()) {
            return Err(bad(format!(
                "unknown event {event:?}; one of {HOOK_EVENTS:?}"
            )));
        }
        let groups = groups
            .as_array()
            .ok_or_else(|| bad(format!("{event}: expected a list")))?;
        for group in groups {
            if !(group["matcher"].is_null() || group["matcher"].is_string()) {
                return Err(bad(format!("{event}: matcher must be text")));
            }
            let hooks = group["hooks"]
                .as_array()
                .filter(|h| !h.is_empty())
                .ok_or_else(|| bad(format!("{event}: each entry needs a list of hooks")))?;
            for hook in hooks {
                check_command(event, hook, paths).map_err(bad)?;
            }
        }
    }
    Ok(())
}

fn check_command(event: &str, hook: &Value, paths: &BTreeSet<&str>) -> Result<(), String> {
    if hook["type"] != "command" {
        return Err(format!(
            "{event}: only hooks of type \"command\" are supported"
        ));
    }
    let command = hook["command"]
        .as_str()
        .filter(|c| !c.trim().is_empty())
        .ok_or_else(|| format!("{event}: a hook needs a command"))?;
    if !(hook["timeout"].is_null() || hook["timeout"].as_u64().is_some_and(|t| t > 0)) {
        return Err(format!(
            "{event}: timeout must be a positive number of seconds"
        ));
    }
    for (at, _) in command.match_indices(PLUGIN_ROOT) {
        let rest = &command[at + PLUGIN_ROOT.len()..];
        let path: String = rest
            .strip_prefix('/')
            .unwrap_or(rest)
            .chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, '"' | '\'' | ';' | '&' | '|'))
            .collect();
        if !path.is_empty() && !paths.contains(path.as_str()) {
            return Err(format!(
                "{event}: the command runs {path}, which is not in the folder"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> UploadedFile {
        UploadedFile {
            path: path.into(),
            bytes: text.as_bytes().to_vec(),
            executable: path.ends_with(".sh"),
        }
    }

    const HOOK_MD: &str = "---\nname: notify\ndescription: Notifies.\n---\n";

    #[test]
    fn a_skill_folder_is_valid_and_its_hash_ignores_archive_order() {
        let skill = "---\nname: lint-fix\ndescription: Fixes lint.\n---\nDo it.";
        let a = validate(vec![file("SKILL.md", skill), file("ref.md", "x")]).expect("valid");
        let b = validate(vec![file("ref.md", "x"), file("SKILL.md", skill)]).expect("valid");
        assert_eq!(a.kind, ItemKind::Skill);
        assert_eq!(a.front_matter.name, "lint-fix");
        assert_eq!(a.content_hash, b.content_hash);
        assert_eq!(a.size_bytes, skill.len() as i64 + 1);
        let c = validate(vec![file("SKILL.md", skill), file("ref.md", "y")]).expect("valid");
        assert_ne!(a.content_hash, c.content_hash);
    }

    #[test]
    fn a_hook_must_run_only_files_of_its_folder() {
        let hooks = r#"{"hooks": {"SessionEnd": [{"hooks": [{"type": "command", "command": "${CLAUDE_PLUGIN_ROOT}/scripts/n.sh", "timeout": 5}]}]}}"#;
        let valid = validate(vec![
            file("HOOK.md", HOOK_MD),
            file(HOOKS_FILE, hooks),
            file("scripts/n.sh", "#!/bin/sh\n"),
        ])
        .expect("valid");
        assert_eq!(valid.kind, ItemKind::Hook);
        let missing = validate(vec![file("HOOK.md", HOOK_MD), file(HOOKS_FILE, hooks)])
            .expect_err("script missing");
        assert!(missing.to_string().contains("scripts/n.sh"), "{missing}");
    }

    #[test]
    fn malformed_hooks_and_binary_files_are_refused() {
        let cases = [
            (r#"{"hooks": {"OnBoot": []}}"#, "unknown event"),
            (r#"{"hooks": {"Stop": [{"hooks": []}]}}"#, "list of hooks"),
            (
                r#"{"hooks": {"Stop": [{"hooks": [{"type": "command"}]}]}}"#,
                "needs a command",
            ),
            (
                r#"{"hooks": {"Stop": [{"hooks": [{"type": "prompt", "command": "x"}]}]}}"#,
                "command",
            ),
            ("not json", "not JSON"),
        ];
        for (hooks, reason) in cases {
            let err = validate(vec![file("HOOK.md", HOOK_MD), file(HOOKS_FILE, hooks)])
                .expect_err(hooks)
                .to_string();
            assert!(err.contains(reason), "{hooks}: {err}");
        }
        let binary = UploadedFile {
            path: "logo.png".into(),
            bytes: vec![0x89, 0x50, 0xff, 0xfe],
            executable: false,
        };
        let skill = "---\nname: a\ndescription: b\n---\n";
        let err = validate(vec![file("SKILL.md", skill), binary]).expect_err("binary");
        assert!(err.to_string().contains("not UTF-8"), "{err}");
        let none = validate(vec![file("README.md", "hi")]).expect_err("no item");
        assert!(none.to_string().contains("SKILL.md"), "{none}");
    }
}
