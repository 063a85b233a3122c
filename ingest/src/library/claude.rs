//! Registers the local marketplace with Claude Code through `~/.claude/settings.json`:
//! `extraKnownMarketplaces.agentmeter` names the folder and `enabledPlugins` turns on each of
//! its plugins (and drops those it no longer has). Every other byte of the file stays as the user
//! wrote it; the file is backed up before a change; a file that is not a JSON object is reported
//! and left alone.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::json_edit::{members, remove_member, root_object, set_member};
use crate::error::{Error, Result};

const MARKETPLACES: &str = "extraKnownMarketplaces";
const ENABLED: &str = "enabledPlugins";

/// What registering did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Registered {
    Unchanged,
    /// Changed; the original was copied to the backup (none when the file is new).
    Updated {
        backup: Option<PathBuf>,
    },
}

/// Makes `settings` register the marketplace at `folder` named `market` with these `plugins`.
pub fn register(
    settings: &Path,
    market: &str,
    folder: &Path,
    plugins: &[String],
) -> Result<Registered> {
    let original = match fs::read_to_string(settings) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io(settings, e)),
    };
    let start = original.clone().unwrap_or_else(|| "{}\n".to_owned());
    let corrupt = |reason: String| Error::Settings {
        path: settings.to_path_buf(),
        reason: format!(
            "{reason}; left unchanged (fix it and run `agentmeter library sync` again)"
        ),
    };
    let parsed: Value =
        serde_json::from_str(&start).map_err(|e| corrupt(format!("not valid JSON ({e})")))?;
    if !parsed.is_object() {
        return Err(corrupt("not a JSON object".into()));
    }
    let edited = edit(&start, market, folder, plugins)
        .ok_or_else(|| corrupt("could not be read as a JSON object".into()))?;
    check_only_ours_changed(&parsed, &edited, market)
        .map_err(|reason| corrupt(format!("an edit would change other settings ({reason})")))?;
    if original.as_deref() == Some(edited.as_str()) {
        return Ok(Registered::Unchanged);
    }
    let backup = match &original {
        Some(text) => {
            let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3f");
            let backup =
                settings.with_file_name(format!("settings.json.agentmeter-backup-{stamp}"));
            fs::write(&backup, text).map_err(|e| Error::io(&backup, e))?;
            Some(backup)
        }
        None => {
            if let Some(dir) = settings.parent() {
                fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            }
            None
        }
    };
    let temp = settings.with_file_name(format!(".settings.json.agentmeter-{}", std::process::id()));
    fs::write(&temp, &edited).map_err(|e| Error::io(&temp, e))?;
    fs::rename(&temp, settings).map_err(|e| Error::io(settings, e))?;
    Ok(Registered::Updated { backup })
}

/// The text with our two keys set; None when the text is not an object we can scan.
fn edit(text: &str, market: &str, folder: &Path, plugins: &[String]) -> Option<String> {
    // Keys in sorted order, so the text is the same whether serde_json keeps insertion order.
    let entry = json!({"source": {"path": folder.to_string_lossy(), "source": "directory"}});
    let mut text = text.to_owned();
    let root = root_object(&text)?;
    text = match child_object(&text, root, MARKETPLACES) {
        Some(open) => set_if_different(&text, open, market, &entry)?,
        None => set_member(&text, root, MARKETPLACES, &json!({ market: entry }))?,
    };
    let suffix = format!("@{market}");
    let wanted: Vec<String> = plugins.iter().map(|p| format!("{p}{suffix}")).collect();
    match child_object(&text, root_object(&text)?, ENABLED) {
        None => {
            let map: serde_json::Map<String, Value> = wanted
                .iter()
                .map(|k| (k.clone(), Value::Bool(true)))
                .collect();
            if !map.is_empty() {
                text = set_member(&text, root_object(&text)?, ENABLED, &Value::Object(map))?;
            }
        }
        Some(_) => {
            for key in &wanted {
                let open = child_object(&text, root_object(&text)?, ENABLED)?;
                text = set_if_different(&text, open, key, &Value::Bool(true))?;
            }
            let open = child_object(&text, root_object(&text)?, ENABLED)?;
            let (found, _) = members(&text, open)?;
            for stale in found
                .iter()
                .filter(|m| m.key.ends_with(&suffix) && !wanted.contains(&m.key))
                .map(|m| m.key.clone())
                .collect::<Vec<_>>()
            {
                let open = child_object(&text, root_object(&text)?, ENABLED)?;
                text = remove_member(&text, open, &stale)?;
            }
        }
    }
    Some(text)
}

/// Where the object value of `key` (a member of the object at `open`) opens, if it is one.
fn child_object(text: &str, open: usize, key: &str) -> Option<usize> {
    let (found, _) = members(text, open)?;
    let member = found.into_iter().find(|m| m.key == key)?;
    (text.as_bytes().get(member.value_start) == Some(&b'{')).then_some(member.value_start)
}

fn set_if_different(text: &str, open: usize, key: &str, value: &Value) -> Option<String> {
    let (found, _) = members(text, open)?;
    let same = found.iter().find(|m| m.key == key).is_some_and(|m| {
        serde_json::from_str::<Value>(&text[m.value_start..m.value_end])
            .ok()
            .as_ref()
            == Some(value)
    });
    if same {
        Some(text.to_owned())
    } else {
        set_member(text, open, key, value)
    }
}

/// The edited settings equal the original but for our marketplace and our plugins' switches.
fn check_only_ours_changed(
    before: &Value,
    after_text: &str,
    market: &str,
) -> std::result::Result<(), String> {
    let after: Value = serde_json::from_str(after_text).map_err(|e| e.to_string())?;
    let strip = |v: &Value| {
        let mut v = v.clone();
        if let Some(map) = v.get_mut(MARKETPLACES).and_then(Value::as_object_mut) {
            map.remove(market);
        }
        if let Some(map) = v.get_mut(ENABLED).and_then(Value::as_object_mut) {
            map.retain(|k, _| !k.ends_with(&format!("@{market}")));
        }
        if let Some(map) = v.as_object_mut() {
            for key in [MARKETPLACES, ENABLED] {
                if map
                    .get(key)
                    .and_then(Value::as_object)
                    .is_some_and(|m| m.is_empty())
                {
                    map.remove(key);
                }
            }
        }
        v
    };
    if strip(before) == strip(&after) {
        Ok(())
    } else {
        Err("unexpected difference".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registering_keeps_the_users_settings_byte_for_byte_and_twice_changes_nothing() {
        let dir = tempfile::tempdir().expect("tmp");
        let settings = dir.path().join("settings.json");
        let original = "{\n  \"hooks\": {\"Stop\": []},\n  \"extraKnownMarketplaces\": {\n    \"mine\": {\"source\": {\"source\": \"github\", \"repo\": \"me/x\"}}\n  },\n  \"enabledPlugins\": {\"tool@mine\": true, \"gone@agentmeter\": true}\n}\n";
        fs::write(&settings, original).expect("write");
        let plugins = vec!["platform".to_owned()];

        let first =
            register(&settings, "agentmeter", Path::new("/lib"), &plugins).expect("register");
        let Registered::Updated {
            backup: Some(backup),
        } = first
        else {
            panic!("expected an update with a backup: {first:?}");
        };
        assert_eq!(fs::read_to_string(backup).expect("backup"), original);
        let text = fs::read_to_string(&settings).expect("read");
        assert!(text.starts_with("{\n  \"hooks\": {\"Stop\": []},\n  \"extraKnownMarketplaces\": {\n    \"mine\": {\"source\": {\"source\": \"github\", \"repo\": \"me/x\"}},\n    \"agentmeter\": {"), "{text}");
        assert!(
            text.contains(
                "\"enabledPlugins\": {\"tool@mine\": true, \"platform@agentmeter\": true}"
            ),
            "{text}"
        );
        assert_eq!(
            register(&settings, "agentmeter", Path::new("/lib"), &plugins).expect("again"),
            Registered::Unchanged
        );
    }

    #[test]
    fn a_corrupt_settings_file_is_reported_and_left_alone() {
        let dir = tempfile::tempdir().expect("tmp");
        let settings = dir.path().join("settings.json");
        fs::write(&settings, "{\"hooks\": ").expect("write");
        let err = register(&settings, "agentmeter", Path::new("/lib"), &[]).expect_err("corrupt");
        assert!(err.to_string().contains("left unchanged"), "{err}");
        assert_eq!(fs::read_to_string(&settings).expect("read"), "{\"hooks\": ");
        assert_eq!(
            fs::read_dir(dir.path()).expect("dir").count(),
            1,
            "no backup, no temp file"
        );
    }
}
