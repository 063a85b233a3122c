//! `agentmeter library sync` and the user's own Claude Code settings: kept byte for byte apart
//! from the two keys it adds, backed up first, and left alone (reported) when corrupt.

use super::machine::{platform_items, DevMachine};
use crate::support::{Backend, TestApp};

const USER_SETTINGS: &str = "{\n    \"model\": \"claude-opus-4-1\",\n    \"hooks\": {\n        \"Stop\": [{\"hooks\": [{\"type\": \"command\", \"command\": \"say \\\"done\\\"\"}]}]\n    },\n    \"extraKnownMarketplaces\": {\n        \"team-tools\": {\"source\": {\"source\": \"github\", \"repo\": \"acme/tools\"}}\n    },\n    \"enabledPlugins\": {\"lint@team-tools\": true},\n    \"permissions\": {\"allow\": [\"Bash(npm test:*)\"]}\n}\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_keeps_the_users_settings_byte_for_byte_apart_from_its_keys_and_leaves_a_corrupt_file_alone(
) {
    let app = TestApp::spawn(Backend::sqlite()).await;
    app.add_team("Platform").await;
    let dev = app
        .add_user("dev@example.com", "developer", &["Platform"])
        .await;
    let lead = app
        .add_user("lead@example.com", "manager", &["Platform"])
        .await;
    let laptop = DevMachine::logged_in(&app.url(""), &dev.token);
    let reviewer = DevMachine::logged_in(&app.url(""), &lead.token);
    let sources = tempfile::tempdir().expect("sources");
    let (skill, _) = platform_items(sources.path());
    laptop.ok(&["library", "publish", skill.to_str().expect("utf-8")]);
    reviewer.ok(&["library", "approve", "release-notes@1"]);
    let settings = laptop.claude_settings();
    std::fs::create_dir_all(settings.parent().expect("dir")).expect("mkdir");
    std::fs::write(&settings, USER_SETTINGS).expect("write");

    laptop.ok(&["library", "sync"]);

    let library = laptop.library_dir();
    let expected = USER_SETTINGS
        .replace(
            "\"repo\": \"acme/tools\"}}\n    },",
            &format!(
                "\"repo\": \"acme/tools\"}}}},\n        \"agentmeter\": {{\n          \"source\": {{\n            \"path\": \"{}\",\n            \"source\": \"directory\"\n          }}\n        }}\n    }},",
                library.display()
            ),
        )
        .replace(
            "{\"lint@team-tools\": true}",
            "{\"lint@team-tools\": true, \"platform@agentmeter\": true}",
        );
    let written = std::fs::read_to_string(&settings).expect("read");
    assert_eq!(written, expected);
    let backups: Vec<_> = std::fs::read_dir(settings.parent().expect("dir"))
        .expect("dir")
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("settings.json.agentmeter-backup-")
        })
        .collect();
    assert_eq!(backups.len(), 1, "one backup");
    assert_eq!(
        std::fs::read_to_string(backups[0].path()).expect("backup"),
        USER_SETTINGS
    );
    laptop.ok(&["library", "sync"]);
    assert_eq!(
        std::fs::read_to_string(&settings).expect("read"),
        expected,
        "a second sync changes nothing"
    );

    let corrupt = "{\"model\": \"opus\",, }";
    std::fs::write(&settings, corrupt).expect("write");
    let output = laptop.agentmeter(&["library", "sync"], None);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("not valid JSON") && stderr.contains("left unchanged"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&settings).expect("read"), corrupt);
}
