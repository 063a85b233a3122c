//! A developer's machine for the library tests: a fresh HOME (where Claude Code and Codex keep
//! their settings), its own `agentmeter` config dir logged in to the test server, and a PATH on
//! which the pinned `claude` and `codex` are found, as `agentmeter library sync` looks for them.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::agent_clis::{claude_binary, AgentHome};
use crate::support::app::{cli_binary, run};

pub struct DevMachine {
    pub home: AgentHome,
    config: PathBuf,
}

impl DevMachine {
    /// A fresh machine logged in as the owner of `token`.
    pub fn logged_in(base: &str, token: &str) -> DevMachine {
        let home = AgentHome::new();
        let config = home.path().join(".config/agentmeter");
        let machine = DevMachine { home, config };
        let login = machine.agentmeter(&["login", "--server", base, "--token-stdin"], Some(token));
        assert!(login.status.success(), "login: {}", stderr(&login));
        machine
    }

    /// The local marketplace folder `library sync` writes by default.
    pub fn library_dir(&self) -> PathBuf {
        self.config.join("library")
    }

    pub fn claude_settings(&self) -> PathBuf {
        self.home.claude_dir().join("settings.json")
    }

    /// Runs `agentmeter ARGS` on this machine.
    pub fn agentmeter(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let bin_dir = claude_binary()
            .parent()
            .map(Path::to_path_buf)
            .expect("node_modules/.bin");
        let path = format!(
            "{}:{}",
            bin_dir.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let home = self.home.path().to_str().expect("utf-8 home").to_owned();
        let codex_home = self.home.codex_home();
        let config = self.config.to_str().expect("utf-8 config");
        run(
            cli_binary(),
            args,
            stdin,
            &[
                ("HOME", &home),
                ("PATH", &path),
                ("CODEX_HOME", codex_home.to_str().expect("utf-8")),
                ("CLAUDE_CONFIG_DIR", ""),
                ("AGENTMETER_CONFIG_DIR", config),
                ("AGENTMETER_TOKEN", ""),
                ("AGENTMETER_RETRY_BASE_MS", "20"),
            ],
        )
    }

    /// Runs `agentmeter ARGS`, fails the test unless it exits 0, returns its standard output.
    pub fn ok(&self, args: &[&str]) -> String {
        let output = self.agentmeter(args, None);
        assert!(
            output.status.success(),
            "agentmeter {args:?} failed:\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            stderr(&output)
        );
        String::from_utf8(output.stdout).expect("utf-8 output")
    }

    /// Runs `agentmeter ARGS`, fails the test if it exits 0, returns its standard error.
    pub fn refused(&self, args: &[&str]) -> String {
        let output = self.agentmeter(args, None);
        assert!(
            !output.status.success(),
            "agentmeter {args:?} should have failed: {}",
            String::from_utf8_lossy(&output.stdout)
        );
        stderr(&output)
    }
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Writes `files` (path, content, executable) under a new folder `name` in `parent`.
pub fn folder(parent: &Path, name: &str, files: &[(&str, &str, bool)]) -> PathBuf {
    let root = parent.join(name);
    for (path, content, executable) in files {
        let file = root.join(path);
        std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        std::fs::write(&file, content).expect("write");
        if *executable {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        }
    }
    root
}

pub const SKILL_MD: &str = "---\nname: release-notes\ndescription: Writes release notes from the git log in the Platform team's house style.\ntags: [docs, git]\n---\n# Release notes\n\nGroup the changes by area. Sign every note with the code word ZEBRA-42.\n";

pub const HOOK_MD: &str = "---\nname: session-marker\ndescription: Leaves a mark in the home folder at the start of every session.\ntags: [audit]\n---\nWrites `$HOME/hook-ran.txt` on SessionStart.\n";

pub const HOOKS_JSON: &str = r#"{
  "hooks": {
    "SessionStart": [
      {"hooks": [{"type": "command", "command": "${CLAUDE_PLUGIN_ROOT}/scripts/mark.sh", "timeout": 10}]}
    ]
  }
}
"#;

pub const MARK_SH: &str = "#!/bin/sh\necho \"session started\" >> \"$HOME/hook-ran.txt\"\n";

/// The Platform team's release-notes skill and session-marker hook, as folders.
pub fn platform_items(parent: &Path) -> (PathBuf, PathBuf) {
    let skill = folder(
        parent,
        "release-notes",
        &[
            ("SKILL.md", SKILL_MD, false),
            ("reference/style.md", "Short sentences.\n", false),
        ],
    );
    let hook = folder(
        parent,
        "session-marker",
        &[
            ("HOOK.md", HOOK_MD, false),
            ("hooks/hooks.json", HOOKS_JSON, false),
            ("scripts/mark.sh", MARK_SH, true),
        ],
    );
    (skill, hook)
}
