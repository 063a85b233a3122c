//! The real assistant CLIs, pinned in `tests/agent-clis/package.json` (Claude Code 2.1.328,
//! Codex CLI 0.169.0; `npm ci --prefix tests/agent-clis` installs them, `.ci/run` does), run
//! offline against a [`ModelStub`] in a fresh HOME per test.
//!
//! ```ignore
//! let stub = ModelStub::start(vec![Turn::text("Done.")]);
//! let home = AgentHome::new();
//! let run = ClaudeCode::new(&home, &stub).run("say hello").await;
//! assert!(run.success(), "{}", run.stderr);
//! let transcripts = home.claude_transcripts();
//! ```
//!
//! The processes get a cleared environment (PATH only, plus what is set here and through
//! `.env`), so nothing of the machine running the tests leaks in: no real credentials, no
//! `~/.claude`, no `CODEX_HOME` of the developer's.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::process::Command;

use super::model_stub::ModelStub;

/// A stuck CLI fails its test instead of hanging the suite; real runs take seconds.
const RUN_LIMIT: Duration = Duration::from_secs(300);

fn agent_clis_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("agent-clis")
}

fn installed(name: &str) -> PathBuf {
    let path = agent_clis_dir().join("node_modules/.bin").join(name);
    assert!(
        path.exists(),
        "{} is missing: run `npm ci --prefix tests/agent-clis` first (.ci/run does)",
        path.display()
    );
    path
}

/// The pinned Claude Code executable.
pub fn claude_binary() -> PathBuf {
    installed("claude")
}

/// The pinned Codex CLI executable (a node launcher).
pub fn codex_binary() -> PathBuf {
    installed("codex")
}

/// A fresh HOME for one test: `~/.claude` (logs, settings, plugins) and `~/.codex` live here and
/// go away with it.
pub struct AgentHome {
    dir: tempfile::TempDir,
}

impl AgentHome {
    pub fn new() -> AgentHome {
        AgentHome {
            dir: tempfile::tempdir().expect("temp HOME"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn claude_dir(&self) -> PathBuf {
        self.path().join(".claude")
    }

    /// `CODEX_HOME`.
    pub fn codex_home(&self) -> PathBuf {
        self.path().join(".codex")
    }

    /// A working directory inside HOME (created), for a session to run in.
    pub fn workdir(&self, name: &str) -> PathBuf {
        let dir = self.path().join(name);
        std::fs::create_dir_all(&dir).expect("workdir");
        dir
    }

    /// Claude Code's session transcripts: `~/.claude/projects/*/*.jsonl`, sorted.
    pub fn claude_transcripts(&self) -> Vec<PathBuf> {
        jsonl_files_under(&self.claude_dir().join("projects"))
    }

    /// Codex's rollout files: `$CODEX_HOME/sessions/YYYY/MM/DD/rollout-*.jsonl`, sorted.
    pub fn codex_rollouts(&self) -> Vec<PathBuf> {
        jsonl_files_under(&self.codex_home().join("sessions"))
    }
}

fn jsonl_files_under(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "jsonl") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// How a CLI process ended.
#[derive(Debug)]
pub struct AgentRun {
    pub status: std::process::ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl AgentRun {
    pub fn success(&self) -> bool {
        self.status.success()
    }

    /// Fails the test with the CLI's output unless it exited 0.
    pub fn assert_success(&self, what: &str) {
        assert!(
            self.success(),
            "{what} failed ({}):\nstdout: {}\nstderr: {}",
            self.status,
            self.stdout,
            self.stderr
        );
    }
}

/// Shared by both CLIs: a cleared environment with HOME and PATH, plus the test's own.
fn base_command(program: &Path, home: &AgentHome, env: &[(String, String)]) -> Command {
    let mut command = Command::new(program);
    command
        .env_clear()
        .env("HOME", home.path())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("LANG", "C.UTF-8")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (key, value) in env {
        command.env(key, value);
    }
    command
}

async fn finish(mut command: Command, what: &str) -> AgentRun {
    let child = command
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
    let output = tokio::time::timeout(RUN_LIMIT, child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("{what} still running after {RUN_LIMIT:?}"))
        .unwrap_or_else(|e| panic!("waiting for {what}: {e}"));
    AgentRun {
        status: output.status,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Claude Code in print mode (`claude -p PROMPT`) against the stub.
pub struct ClaudeCode<'a> {
    home: &'a AgentHome,
    env: Vec<(String, String)>,
    args: Vec<String>,
    cwd: PathBuf,
    model: String,
    permission_mode: String,
}

impl<'a> ClaudeCode<'a> {
    /// Runs in `home`'s `project` folder as model `claude-sonnet-4-5`, edits accepted.
    pub fn new(home: &'a AgentHome, stub: &ModelStub) -> ClaudeCode<'a> {
        let env = [
            ("ANTHROPIC_BASE_URL", stub.base_url()),
            ("ANTHROPIC_API_KEY", "sk-ant-test".to_owned()),
            ("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1".to_owned()),
            ("DISABLE_AUTOUPDATER", "1".to_owned()),
        ];
        ClaudeCode {
            home,
            env: env.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
            args: Vec::new(),
            cwd: home.workdir("project"),
            model: "claude-sonnet-4-5".to_owned(),
            permission_mode: "acceptEdits".to_owned(),
        }
    }

    /// An extra environment variable (telemetry settings, a hook's needs, …).
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    /// An extra command-line argument, after the defaults.
    pub fn arg(mut self, arg: &str) -> Self {
        self.args.push(arg.to_owned());
        self
    }

    pub fn cwd(mut self, dir: &Path) -> Self {
        self.cwd = dir.to_path_buf();
        self
    }

    pub fn model(mut self, model: &str) -> Self {
        self.model = model.to_owned();
        self
    }

    /// `--permission-mode` (`acceptEdits` by default; `bypassPermissions` to run any tool).
    pub fn permission_mode(mut self, mode: &str) -> Self {
        self.permission_mode = mode.to_owned();
        self
    }

    /// A command for other subcommands (`claude plugin list`, …) with the same HOME and env.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = base_command(&claude_binary(), self.home, &self.env);
        command.args(args).current_dir(&self.cwd);
        command
    }

    /// Runs `claude ARGS` to its end.
    pub async fn run_command(&self, args: &[&str]) -> AgentRun {
        finish(self.command(args), "claude").await
    }

    /// Runs one print-mode session to its end.
    pub async fn run(&self, prompt: &str) -> AgentRun {
        let mut args = vec![
            "-p",
            prompt,
            "--model",
            &self.model,
            "--permission-mode",
            &self.permission_mode,
        ];
        args.extend(self.args.iter().map(String::as_str));
        self.run_command(&args).await
    }
}

/// Codex CLI with `$CODEX_HOME/config.toml` naming the stub as its provider.
pub struct Codex<'a> {
    home: &'a AgentHome,
    env: Vec<(String, String)>,
    cwd: PathBuf,
}

impl<'a> Codex<'a> {
    /// Writes `$CODEX_HOME/config.toml` (model `gpt-5-codex` through the stub's Responses API)
    /// unless one exists, and runs in `home`'s `project` folder.
    pub fn new(home: &'a AgentHome, stub: &ModelStub) -> Codex<'a> {
        let codex_home = home.codex_home();
        std::fs::create_dir_all(&codex_home).expect("CODEX_HOME");
        let config = codex_home.join("config.toml");
        if !config.exists() {
            let text = format!(
                "model = \"gpt-5-codex\"\nmodel_provider = \"stub\"\n\n\
                 [model_providers.stub]\nname = \"stub\"\nbase_url = \"{}\"\n\
                 wire_api = \"responses\"\nenv_key = \"STUB_KEY\"\n",
                stub.openai_base_url()
            );
            std::fs::write(&config, text).expect("codex config.toml");
        }
        let env = [
            ("CODEX_HOME", codex_home.display().to_string()),
            ("STUB_KEY", "sk-stub".to_owned()),
        ];
        Codex {
            home,
            env: env.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
            cwd: home.workdir("project"),
        }
    }

    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    pub fn cwd(mut self, dir: &Path) -> Self {
        self.cwd = dir.to_path_buf();
        self
    }

    /// A command for any subcommand (`codex plugin list`, …) with the same HOME and env.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = base_command(&codex_binary(), self.home, &self.env);
        command.args(args).current_dir(&self.cwd);
        command
    }

    /// Runs `codex ARGS` to its end.
    pub async fn run_command(&self, args: &[&str]) -> AgentRun {
        finish(self.command(args), "codex").await
    }

    /// Runs one non-interactive session (`codex exec`), tools allowed, to its end.
    pub async fn exec(&self, prompt: &str) -> AgentRun {
        self.run_command(&[
            "exec",
            "--skip-git-repo-check",
            "--dangerously-bypass-approvals-and-sandbox",
            prompt,
        ])
        .await
    }
}
