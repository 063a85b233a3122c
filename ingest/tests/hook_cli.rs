//! `agentmeter hook install|uninstall` on a Claude Code settings file.

use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};

fn hook(action: &str, settings: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_agentmeter"))
        .args([
            "hook",
            action,
            "--settings",
            settings.to_str().unwrap_or_default(),
        ])
        .output()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap_or_default()).unwrap_or(Value::Null)
}

#[test]
fn install_keeps_other_settings_backs_up_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let settings = dir.path().join("settings.json");
    let original = json!({"model": "opus", "hooks": {"SessionEnd": [{"hooks": [{"type": "command", "command": "echo bye"}]}],
        "PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "check"}]}]}});
    fs::write(
        &settings,
        serde_json::to_string_pretty(&original).unwrap_or_default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(hook("install", &settings).status.success());
    let installed = read(&settings);
    assert_eq!(installed["model"], "opus");
    assert_eq!(
        installed["hooks"]["PreToolUse"],
        original["hooks"]["PreToolUse"]
    );
    let groups = installed["hooks"]["SessionEnd"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(groups.len(), 2);
    let command = groups[1]["hooks"][0]["command"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        command.contains("agentmeter") && command.ends_with("upload --quiet >/dev/null 2>&1 &"),
        "{command}"
    );
    assert!(
        command.starts_with('/') || command.starts_with("'/"),
        "not absolute: {command}"
    );
    assert_eq!(groups[1]["hooks"][0]["type"], "command");
    let backup = dir.path().join("settings.json.agentmeter-backup");
    assert_eq!(read(&backup), original);

    let (before, backup_before) = (fs::read(&settings).ok(), fs::read(&backup).ok());
    assert!(hook("install", &settings).status.success());
    assert_eq!(
        fs::read(&settings).ok(),
        before,
        "second install changed the settings"
    );
    assert_eq!(
        fs::read(&backup).ok(),
        backup_before,
        "second install changed the backup"
    );

    assert!(hook("uninstall", &settings).status.success());
    assert_eq!(read(&settings), original);
}

#[test]
fn install_creates_a_missing_settings_file() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let settings = dir.path().join("new/settings.json");
    assert!(hook("install", &settings).status.success());
    assert_eq!(
        read(&settings)["hooks"]["SessionEnd"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}
