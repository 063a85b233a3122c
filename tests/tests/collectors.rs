//! The developer-side collectors end to end: the real `agentmeter` binary (login, upload, usage,
//! collect git) against the real server on each backend.
//!
//! The binary is run synchronously, so these tests use a multi-threaded runtime: the server's
//! tasks keep running on the workers while the test thread waits for the CLI.

mod git;
mod upload;

use std::path::Path;
use std::process::Output;

use crate::support::app::{cli_binary, run};
use crate::support::{TestApp, TestUser};

/// A developer's machine: a private config dir for `agentmeter`.
pub struct Machine {
    pub config: tempfile::TempDir,
}

impl Machine {
    pub fn new() -> Machine {
        Machine {
            config: tempfile::tempdir().expect("config dir"),
        }
    }

    /// Runs `agentmeter args…` with this machine's config dir and fast retries.
    pub fn agentmeter(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let config = self.config.path().to_str().expect("utf-8 temp path");
        run(
            cli_binary(),
            args,
            stdin,
            &[
                ("AGENTMETER_CONFIG_DIR", config),
                ("AGENTMETER_RETRY_BASE_MS", "1"),
                ("AGENTMETER_TOKEN", ""),
            ],
        )
    }

    /// Runs the command and fails the test unless it succeeds; returns its standard error.
    pub fn agentmeter_ok(&self, args: &[&str]) -> String {
        let output = self.agentmeter(args, None);
        assert!(
            output.status.success(),
            "agentmeter {args:?} failed: {}",
            stderr(&output)
        );
        stderr(&output)
    }

    /// `agentmeter login --server URL --token-stdin` as `user`.
    pub fn login(&self, app: &TestApp, user: &TestUser) {
        let url = app.url("");
        let output = self.agentmeter(
            &["login", "--server", &url, "--token-stdin"],
            Some(&user.token),
        );
        assert!(output.status.success(), "login failed: {}", stderr(&output));
    }
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A path as a `&str` argument.
pub fn arg(path: &Path) -> &str {
    path.to_str().expect("utf-8 temp path")
}
