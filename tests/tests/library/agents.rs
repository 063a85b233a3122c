//! The stand-in model and the pinned CLIs the library tests rely on, checked on their own: the
//! real Claude Code and Codex run a session against the stub and log exactly its token counts.

use serde_json::{json, Value};

use crate::support::agent_clis::{AgentHome, ClaudeCode, Codex};
use crate::support::model_stub::{Api, ModelStub, Turn, Usage};

fn lines(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .expect("transcript")
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

#[tokio::test]
async fn claude_code_runs_a_scripted_tool_call_against_the_stand_in_model_and_logs_its_exact_usage()
{
    let usage = Usage {
        input_tokens: 11,
        output_tokens: 7,
        cache_creation_input_tokens: 13,
        cache_read_input_tokens: 17,
        reasoning_output_tokens: 0,
    };
    let home = AgentHome::new();
    let project = home.workdir("greeter");
    let greeting = project.join("greeting.txt");
    let stub = ModelStub::start(vec![
        Turn::tool("Write", json!({"file_path": greeting, "content": "hi\n"})).with_usage(usage),
        Turn::text("Written.")
            .with_usage(usage)
            .by_model("claude-haiku-4-5"),
    ]);

    let run = ClaudeCode::new(&home, &stub)
        .cwd(&project)
        .model("claude-sonnet-4-5")
        .permission_mode("acceptEdits")
        .env("CLAUDE_CODE_DISABLE_TERMINAL_TITLE", "1")
        .arg("--output-format")
        .arg("json")
        .run("write the greeting file")
        .await;

    run.assert_success("claude -p");
    let result: Value = serde_json::from_str(&run.stdout).expect("--output-format json");
    assert_eq!(result["result"], "Written.");
    assert_eq!(
        std::fs::read_to_string(&greeting).expect("Write ran"),
        "hi\n"
    );
    let requests: Vec<_> = stub
        .requests()
        .into_iter()
        .filter(|r| r.api == Api::AnthropicMessages && r.path.starts_with("/v1/messages"))
        .collect();
    let main_loop: Vec<_> = requests
        .iter()
        .filter(|r| r.tool_names().iter().any(|t| t == "Write"))
        .collect();
    assert_eq!(
        main_loop
            .iter()
            .map(|r| (r.turn, r.model.as_str()))
            .collect::<Vec<_>>(),
        [(0, "claude-sonnet-4-5"), (1, "claude-haiku-4-5")],
        "the prompt, then the Write result, each offered the Write tool"
    );
    assert!(
        main_loop[0].mentions(&project.display().to_string()),
        "the model is told the working directory"
    );
    let transcripts = home.claude_transcripts();
    assert_eq!(transcripts.len(), 1, "one session: {transcripts:?}");
    let replies: Vec<(u64, String)> = lines(&transcripts[0])
        .iter()
        .filter(|l| l["type"] == "assistant")
        .map(|l| {
            let message = &l["message"];
            let output = message["usage"]["output_tokens"].as_u64().unwrap_or(0);
            (output, message["model"].as_str().unwrap_or("").to_owned())
        })
        .collect();
    assert_eq!(
        replies,
        [
            (7, "claude-sonnet-4-5".to_owned()),
            (7, "claude-haiku-4-5".to_owned())
        ]
    );
}

#[tokio::test]
async fn codex_runs_a_scripted_command_against_the_stand_in_model_and_logs_its_exact_usage() {
    let usage = Usage {
        input_tokens: 500,
        output_tokens: 70,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 300,
        reasoning_output_tokens: 20,
    };
    let stub = ModelStub::start(vec![
        Turn::tool(
            "exec_command",
            json!({"cmd": "echo \"$MARKER\" > marker.txt"}),
        )
        .with_usage(usage),
        Turn::text("Done.").with_usage(usage),
    ]);
    let home = AgentHome::new();
    let project = home.workdir("marked");
    let codex = Codex::new(&home, &stub)
        .cwd(&project)
        .env("MARKER", "stub-was-here");

    let run = codex.exec("leave a marker").await;

    run.assert_success("codex exec");
    assert_eq!(
        std::fs::read_to_string(project.join("marker.txt"))
            .expect("the command ran")
            .trim(),
        "stub-was-here"
    );
    let turns: Vec<usize> = stub
        .requests()
        .iter()
        .filter(|r| r.api == Api::OpenAiResponses)
        .map(|r| r.turn)
        .collect();
    assert_eq!(turns, [0, 1], "the prompt, then the command's output");
    let rollouts = home.codex_rollouts();
    assert_eq!(rollouts.len(), 1, "one session: {rollouts:?}");
    let last_total = lines(&rollouts[0])
        .iter()
        .rev()
        .find_map(|l| {
            l["payload"]["info"]["total_token_usage"]
                .as_object()
                .cloned()
        })
        .expect("a token_count event");
    assert_eq!(
        (
            last_total["input_tokens"].as_u64(),
            last_total["cached_input_tokens"].as_u64(),
            last_total["output_tokens"].as_u64()
        ),
        (Some(1000), Some(600), Some(140)),
        "two replies of 500 input (300 cached) and 70 output tokens"
    );
    let version = codex.run_command(&["--version"]).await;
    version.assert_success("codex --version");
    assert!(version.stdout.contains("0.169.0"), "{}", version.stdout);
}
