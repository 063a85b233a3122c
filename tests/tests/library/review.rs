//! What reaches a synced machine: approved versions only, a hook never on its own author's
//! approval, and nothing of an item once it is withdrawn.

use super::machine::{folder, platform_items, DevMachine, HOOKS_JSON, MARK_SH};
use crate::support::{for_each_backend, Backend, TestApp};

fn settings_text(machine: &DevMachine) -> String {
    std::fs::read_to_string(machine.claude_settings()).unwrap_or_default()
}

async fn only_reviewed_versions_are_synced(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_team("Platform").await;
    let dev = app
        .add_user("dev@example.com", "developer", &["Platform"])
        .await;
    let lead = app
        .add_user("lead@example.com", "manager", &["Platform"])
        .await;
    let base = app.url("");
    let laptop = DevMachine::logged_in(&base, &dev.token);
    let reviewer = DevMachine::logged_in(&base, &lead.token);
    let sources = tempfile::tempdir().expect("sources");
    let (skill, hook) = platform_items(sources.path());
    let own_hook = folder(
        sources.path(),
        "lead-hook",
        &[
            (
                "HOOK.md",
                "---\nname: lead-hook\ndescription: The lead's own hook.\n---\n",
                false,
            ),
            ("hooks/hooks.json", HOOKS_JSON, false),
            ("scripts/mark.sh", MARK_SH, true),
        ],
    );
    laptop.ok(&["library", "publish", skill.to_str().expect("utf-8")]);
    laptop.ok(&["library", "publish", hook.to_str().expect("utf-8")]);
    assert_eq!(
        reviewer
            .ok(&["library", "publish", own_hook.to_str().expect("utf-8")])
            .trim(),
        "lead-hook@1"
    );

    let self_approval = reviewer.refused(&["library", "approve", "lead-hook@1"]);
    assert!(
        self_approval.contains("someone other than its author"),
        "{self_approval}"
    );
    reviewer.ok(&["library", "approve", "release-notes@1"]);
    laptop.ok(&["library", "sync"]);

    let plugin = laptop.library_dir().join("plugins/platform");
    assert!(plugin.join("skills/release-notes/SKILL.md").exists());
    assert!(
        !plugin.join("hooks").exists(),
        "neither the pending hook nor the self-approved one"
    );
    assert!(!plugin.join("hook-items").exists());
    assert!(settings_text(&laptop).contains("\"platform@agentmeter\": true"));

    let admin = app.add_user("admin@example.com", "admin", &[]).await;
    let admin_machine = DevMachine::logged_in(&base, &admin.token);
    admin_machine.ok(&["library", "approve", "lead-hook@1"]);
    admin_machine.ok(&["library", "approve", "session-marker@1"]);
    laptop.ok(&["library", "sync"]);
    assert!(
        plugin.join("hook-items/lead-hook/scripts/mark.sh").exists(),
        "approved by another reviewer"
    );
    assert!(plugin
        .join("hook-items/session-marker/scripts/mark.sh")
        .exists());

    reviewer.ok(&["library", "withdraw", "release-notes"]);
    reviewer.ok(&["library", "withdraw", "lead-hook"]);
    reviewer.ok(&["library", "withdraw", "session-marker"]);
    let synced = laptop.ok(&["library", "sync"]);
    assert!(synced.contains("0 plugin(s), 0 item(s)"), "{synced}");
    assert!(
        !laptop.library_dir().join("plugins").exists(),
        "withdrawn items leave the machine"
    );
    assert!(
        !settings_text(&laptop).contains("platform@agentmeter"),
        "their plugin is switched off"
    );
    let items = app
        .get_json(&lead, "/api/v1/library/items?status=withdrawn")
        .await;
    assert_eq!(items.as_array().map(Vec::len), Some(3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_approved_versions_reach_a_synced_machine_never_a_self_approved_hook_and_withdrawal_removes_them(
) {
    for_each_backend(only_reviewed_versions_are_synced).await;
}
