//! `agentmeter hook install|uninstall`: a Claude Code `SessionEnd` hook that runs
//! `agentmeter upload --quiet` in the background. Other settings are kept, a backup of the
//! original is written before the first change, and installing twice changes nothing.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

use crate::error::{Error, Result};

/// Marks our hook command so it can be found again.
const MARKER: &str = "upload --quiet";

/// The settings file: `--settings`, else the first `CLAUDE_CONFIG_DIR` entry, else `~/.claude`.
pub fn settings_path(flag: Option<&Path>) -> Result<PathBuf> {
    if let Some(p) = flag {
        return Ok(p.to_path_buf());
    }
    if let Some(first) = std::env::var("CLAUDE_CONFIG_DIR").ok().and_then(|v| {
        v.split(',')
            .map(str::trim)
            .find(|e| !e.is_empty())
            .map(PathBuf::from)
    }) {
        return Ok(first.join("settings.json"));
    }
    dirs::home_dir()
        .map(|h| h.join(".claude").join("settings.json"))
        .ok_or_else(|| Error::InvalidArgument("no home dir: pass --settings".into()))
}

/// The hook command for the running executable.
pub fn hook_command() -> String {
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| p.canonicalize().ok())
        .unwrap_or_else(|| PathBuf::from("agentmeter"));
    let exe = exe.to_string_lossy();
    let quoted = if exe
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+".contains(c))
    {
        exe.into_owned()
    } else {
        format!("'{}'", exe.replace('\'', r"'\''"))
    };
    format!("{quoted} {MARKER} >/dev/null 2>&1 &")
}

fn is_ours(hook: &Value) -> bool {
    hook.get("command")
        .and_then(Value::as_str)
        .is_some_and(|c| c.contains("agentmeter") && c.contains(MARKER))
}

fn read_settings(path: &Path) -> Result<Option<Map<String, Value>>> {
    match fs::read_to_string(path) {
        Ok(text) if text.trim().is_empty() => Ok(Some(Map::new())),
        Ok(text) => match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(map)) => Ok(Some(map)),
            Ok(_) => Err(Error::Settings {
                path: path.into(),
                reason: "not a JSON object".into(),
            }),
            Err(source) => Err(Error::Json {
                path: path.into(),
                source,
            }),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

fn write_settings(path: &Path, settings: &Map<String, Value>, existed: bool) -> Result<()> {
    if existed {
        let backup = path.with_extension("json.agentmeter-backup");
        fs::copy(path, &backup).map_err(|e| Error::io(&backup, e))?;
    } else if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let mut text = serde_json::to_string_pretty(settings).map_err(|source| Error::Json {
        path: path.into(),
        source,
    })?;
    text.push('\n');
    let tmp = path.with_extension("json.agentmeter-tmp");
    fs::write(&tmp, text).map_err(|e| Error::io(&tmp, e))?;
    fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

fn session_end(settings: &mut Map<String, Value>) -> Result<&mut Vec<Value>> {
    let hooks = settings.entry("hooks").or_insert_with(|| json!({}));
    let hooks = hooks
        .as_object_mut()
        .ok_or_else(|| Error::InvalidArgument("`hooks` is not an object".into()))?;
    hooks
        .entry("SessionEnd")
        .or_insert_with(|| json!([]))
        .as_array_mut()
        .ok_or_else(|| Error::InvalidArgument("`hooks.SessionEnd` is not a list".into()))
}

/// Adds the hook unless it is there already.
pub fn install(flag: Option<&Path>) -> Result<i32> {
    let path = settings_path(flag)?;
    let existing = read_settings(&path)?;
    let existed = existing.is_some();
    let mut settings = existing.unwrap_or_default();
    let groups = session_end(&mut settings).map_err(|e| Error::Settings {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    let installed = groups.iter().any(|g| {
        g.get("hooks")
            .and_then(Value::as_array)
            .is_some_and(|hs| hs.iter().any(is_ours))
    });
    if installed {
        eprintln!(
            "the agentmeter SessionEnd hook is already in {}",
            path.display()
        );
        return Ok(0);
    }
    groups.push(json!({"hooks": [{"type": "command", "command": hook_command()}]}));
    write_settings(&path, &settings, existed)?;
    eprintln!(
        "added a SessionEnd hook to {} (backup of the original beside it)",
        path.display()
    );
    Ok(0)
}

/// Removes our hook, leaving every other hook in place.
pub fn uninstall(flag: Option<&Path>) -> Result<i32> {
    let path = settings_path(flag)?;
    let Some(mut settings) = read_settings(&path)? else {
        eprintln!("{} does not exist; nothing to remove", path.display());
        return Ok(0);
    };
    let original = settings.clone();
    let groups = session_end(&mut settings).map_err(|e| Error::Settings {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    for group in groups.iter_mut() {
        if let Some(hs) = group.get_mut("hooks").and_then(Value::as_array_mut) {
            hs.retain(|h| !is_ours(h));
        }
    }
    groups.retain(|g| {
        g.get("hooks")
            .and_then(Value::as_array)
            .is_none_or(|hs| !hs.is_empty())
    });
    if groups.is_empty() {
        if let Some(hooks) = settings.get_mut("hooks").and_then(Value::as_object_mut) {
            hooks.remove("SessionEnd");
            if hooks.is_empty() {
                settings.remove("hooks");
            }
        }
    }
    if settings != original {
        write_settings(&path, &settings, true)?;
        eprintln!("removed the agentmeter hook from {}", path.display());
    } else {
        eprintln!("no agentmeter hook in {}", path.display());
    }
    Ok(0)
}
