//! The whole loop with the real binaries: a developer publishes a skill and a hook with the CLI,
//! their manager approves both, `agentmeter library sync` installs them on a fresh machine, the
//! real Claude Code is offered the skill, calls it and runs the hook, the real Codex lists the
//! plugin, and after `agentmeter upload` the library counts the use.

use serde_json::{json, Value};

use super::machine::{platform_items, DevMachine};
use crate::support::agent_clis::{ClaudeCode, Codex};
use crate::support::model_stub::{ModelStub, Turn, Usage};
use crate::support::{for_each_backend, Backend, TestApp};

fn item<'a>(items: &'a Value, name: &str) -> &'a Value {
    items
        .as_array()
        .and_then(|all| all.iter().find(|i| i["name"] == name))
        .unwrap_or_else(|| panic!("no item {name} in {items}"))
}

async fn round_trip(backend: Backend) {
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

    let published_skill = laptop.ok(&["library", "publish", skill.to_str().expect("utf-8")]);
    let published_hook = laptop.ok(&[
        "library",
        "publish",
        hook.to_str().expect("utf-8"),
        "--team",
        "Platform",
    ]);
    assert_eq!(published_skill.trim(), "release-notes@1");
    assert_eq!(published_hook.trim(), "session-marker@1");
    let refused = laptop.refused(&["library", "approve", "session-marker@1"]);
    assert!(
        refused.contains("403"),
        "a developer cannot approve: {refused}"
    );
    assert_eq!(
        reviewer
            .ok(&["library", "approve", "release-notes@1"])
            .trim(),
        "release-notes@1 approved"
    );
    assert_eq!(
        reviewer
            .ok(&["library", "approve", "Platform/session-marker@1"])
            .trim(),
        "session-marker@1 approved"
    );

    let synced = laptop.ok(&["library", "sync"]);
    assert!(
        synced.contains("platform@agentmeter: release-notes@1, session-marker@1"),
        "{synced}"
    );
    assert!(synced.contains("Claude Code: registered"), "{synced}");
    assert!(synced.contains("Codex: platform@agentmeter"), "{synced}");
    let again = laptop.ok(&["library", "sync"]);
    assert!(
        again.contains("(up to date)")
            && again.contains("Claude Code: already registered")
            && again.contains("Codex: already registered"),
        "a second sync changes nothing: {again}"
    );

    let usage = Usage {
        input_tokens: 10,
        output_tokens: 5,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        reasoning_output_tokens: 0,
    };
    let stub = ModelStub::start(vec![
        Turn::tool("Skill", json!({"skill": "platform:release-notes"})).with_usage(usage),
        Turn::text("Notes written.").with_usage(usage),
    ]);
    let session = ClaudeCode::new(&laptop.home, &stub)
        .run("write this week's notes")
        .await;
    session.assert_success("claude -p");
    let requests = stub.requests();
    let first = requests
        .iter()
        .find(|r| r.turn == 0 && r.tool_names().iter().any(|t| t == "Skill"))
        .expect("the main request");
    assert!(
        first.mentions("release-notes") && !first.mentions("ZEBRA-42"),
        "the skill is offered by name, its body not yet read"
    );
    let after_call = requests
        .iter()
        .find(|r| r.turn == 1)
        .expect("the request after the Skill call");
    assert!(
        after_call.mentions("ZEBRA-42"),
        "calling the skill loaded its SKILL.md"
    );
    let marks =
        std::fs::read_to_string(laptop.home.path().join("hook-ran.txt")).expect("the hook ran");
    assert_eq!(marks, "session started\n");

    let codex = Codex::new(&laptop.home, &stub)
        .run_command(&["plugin", "list"])
        .await;
    codex.assert_success("codex plugin list");
    let line = codex
        .stdout
        .lines()
        .find(|l| l.starts_with("platform@agentmeter"))
        .unwrap_or_else(|| panic!("{}", codex.stdout));
    assert!(line.contains("installed, enabled"), "{line}");

    let logs = laptop.home.claude_dir();
    laptop.ok(&["upload", "--logs", logs.to_str().expect("utf-8")]);
    let items = app.get_json(&lead, "/api/v1/library/items").await;
    let skill_usage = &item(&items, "release-notes")["usage"];
    assert_eq!(
        (
            skill_usage["uses"].as_u64(),
            skill_usage["users"].as_u64(),
            skill_usage["installs"].as_u64(),
            skill_usage["sessions"].as_u64()
        ),
        (Some(1), Some(1), Some(1), Some(1)),
        "one Skill call by one developer in one session: {skill_usage}"
    );
    assert_eq!(
        skill_usage["tokens"].as_u64(),
        Some(30),
        "the session's two replies, 10 + 5 tokens each"
    );
    let hook_usage = &item(&items, "session-marker")["usage"];
    assert_eq!(
        (hook_usage["uses"].as_u64(), hook_usage["installs"].as_u64()),
        (Some(1), Some(1)),
        "the hook ran in the one session started after the sync: {hook_usage}"
    );
    let own = app.get_json(&dev, "/api/v1/library/items").await;
    assert_eq!(
        item(&own, "release-notes")["usage"]["uses"].as_u64(),
        Some(1),
        "the developer sees their own use"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_published_and_approved_skill_and_hook_reach_claude_code_and_codex_and_their_use_comes_back(
) {
    for_each_backend(round_trip).await;
}
