//! The real `agentmeter` CLI as separate processes: a developer's machine (its own config dir,
//! logged in to a server), uploads started in the background so several can run at once or be
//! killed mid-way, and the receipt each prints.

use std::path::Path;
use std::process::{Output, Stdio};

use tokio::process::{Child, Command};

use super::app::{cli_binary, run};
use super::usage_logs::UsageLogs;

/// The CLI's own pace of retries: the first after 500 ms, each next one twice as long.
const DEFAULT_RETRY_BASE_MS: &str = "500";
/// A fast pace, for tests that make uploads fail on purpose and would only wait for nothing.
const FAST_RETRY_BASE_MS: &str = "20";

/// A developer's machine: a private `agentmeter` config dir logged in to one server.
pub struct Machine {
    config: tempfile::TempDir,
    retry_base_ms: &'static str,
}

impl Machine {
    /// `agentmeter login --server BASE --token-stdin` on a fresh config dir.
    pub fn logged_in(base: &str, token: &str) -> Machine {
        let machine = Machine {
            config: tempfile::tempdir().expect("config dir"),
            retry_base_ms: DEFAULT_RETRY_BASE_MS,
        };
        let output = machine.run(&["login", "--server", base, "--token-stdin"], Some(token));
        assert!(
            output.status.success(),
            "login: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        machine
    }

    /// Retries after 20 ms, doubling, instead of the CLI's 500 ms: an upload meant to fail gives up
    /// in a third of a second.
    pub fn with_fast_retries(mut self) -> Machine {
        self.retry_base_ms = FAST_RETRY_BASE_MS;
        self
    }

    fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        run(cli_binary(), args, stdin, &self.env())
    }

    fn env(&self) -> [(&'static str, &str); 3] {
        env(self.config.path(), self.retry_base_ms)
    }

    /// Starts `agentmeter upload --logs … --logs …` in the background, output captured.
    pub fn start_upload(&self, logs: &UsageLogs) -> Child {
        let mut command = Command::new(cli_binary());
        command
            .arg("upload")
            .args(logs.log_args())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        for (key, value) in self.env() {
            command.env(key, value);
        }
        command.spawn().expect("start agentmeter upload")
    }

    /// Runs an upload to its end; fails the test unless it succeeds. Returns its receipt.
    pub async fn upload(&self, logs: &UsageLogs) -> Receipt {
        finished_upload(self.start_upload(logs).wait_with_output().await)
    }
}

fn env<'a>(config: &'a Path, retry_base_ms: &'a str) -> [(&'static str, &'a str); 3] {
    [
        (
            "AGENTMETER_CONFIG_DIR",
            config.to_str().expect("utf-8 temp path"),
        ),
        ("AGENTMETER_RETRY_BASE_MS", retry_base_ms),
        ("AGENTMETER_TOKEN", ""),
    ]
}

/// The receipt of an upload that exited 0; fails the test otherwise.
pub fn finished_upload(output: std::io::Result<Output>) -> Receipt {
    let output = output.expect("wait for agentmeter upload");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "agentmeter upload failed: {stderr}"
    );
    Receipt::parse(&stderr).unwrap_or_else(|| panic!("no receipt in: {stderr}"))
}

/// Runs `agentmeter ARGS` with `config` as its config dir; fails the test unless it succeeds and
/// returns its standard output.
pub fn cli(config: &Path, args: &[String]) -> String {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = run(cli_binary(), &args, None, &env(config, FAST_RETRY_BASE_MS));
    assert!(
        output.status.success(),
        "agentmeter {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8 output")
}

/// What `agentmeter upload` reports: "uploaded N events (X new, Y updated, Z already there)".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Receipt {
    pub received: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl Receipt {
    pub fn parse(stderr: &str) -> Option<Receipt> {
        let line = stderr.lines().find(|l| l.starts_with("uploaded "))?;
        let numbers: Vec<u64> = line
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .take(4)
            .map(str::parse)
            .collect::<Result<_, _>>()
            .ok()?;
        match numbers[..] {
            [received, inserted, updated, unchanged] => Some(Receipt {
                received,
                inserted,
                updated,
                unchanged,
            }),
            _ => None,
        }
    }
}

impl std::ops::Add for Receipt {
    type Output = Receipt;
    fn add(self, other: Receipt) -> Receipt {
        Receipt {
            received: self.received + other.received,
            inserted: self.inserted + other.inserted,
            updated: self.updated + other.updated,
            unchanged: self.unchanged + other.unchanged,
        }
    }
}

#[test]
fn a_receipt_is_read_from_the_upload_summary() {
    let stderr = "uploaded 12000 events (7000 new, 2 updated, 4998 already there) from 3 files, 1.5 MB read, 0 lines skipped\n";
    assert_eq!(
        Receipt::parse(stderr),
        Some(Receipt {
            received: 12000,
            inserted: 7000,
            updated: 2,
            unchanged: 4998
        })
    );
}
