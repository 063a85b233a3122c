//! A real `agentmeter-server serve` process on a free port, for tests that need the binary
//! itself: its start-up, its memory, or a kill.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use super::app::server_binary;

/// A running `serve` process; killed when dropped. Its output is drained by threads so the
/// server never blocks on a full pipe.
pub struct ServeProcess {
    pub child: Child,
    pub addr: String,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start_serve(database_url: &str, demo: bool) -> ServeProcess {
    start_serve_with(database_url, demo, &[])
}

/// Starts `serve` with extra environment (settings as `AGENTMETER_*` variables).
pub fn start_serve_with(database_url: &str, demo: bool, env: &[(&str, &str)]) -> ServeProcess {
    start_serve_on(database_url, "127.0.0.1:0", demo, env)
}

/// Starts `serve` on `bind` (a restarted server takes its predecessor's address).
pub fn start_serve_on(
    database_url: &str,
    bind: &str,
    demo: bool,
    env: &[(&str, &str)],
) -> ServeProcess {
    let mut args = vec!["serve", "--bind", bind, "--database-url", database_url];
    if demo {
        args.push("--demo");
    }
    let mut child = Command::new(server_binary())
        .args(&args)
        .env("AGENTMETER_LOG", "warn")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn serve");
    let (addr_tx, addr_rx) = mpsc::channel();
    let stderr = child.stderr.take().expect("stderr");
    let stderr_text = Arc::new(Mutex::new(String::new()));
    let log = Arc::clone(&stderr_text);
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("listening on http://").nth(1) {
                let _ = addr_tx.send(rest.trim().to_owned());
            }
            if let Ok(mut text) = log.lock() {
                text.push_str(&line);
                text.push('\n');
            }
        }
    });
    let stdout_text = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&stdout_text);
    let stdout = child.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Ok(mut text) = sink.lock() {
                text.push_str(&line);
                text.push('\n');
            }
        }
    });
    let addr = addr_rx
        .recv_timeout(Duration::from_secs(120))
        .expect("serve announces its address");
    ServeProcess {
        child,
        addr,
        stdout: stdout_text,
        stderr: stderr_text,
    }
}

impl ServeProcess {
    /// Waits until stdout contains `needle` (the demo prints its login there) and returns it all.
    pub fn stdout_once_it_contains(&self, needle: &str) -> String {
        for _ in 0..1200 {
            let text = self.stdout.lock().map(|t| t.clone()).unwrap_or_default();
            if text.contains(needle) {
                return text;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("serve never printed {needle:?}");
    }

    /// Waits until the log (stderr) has at least `count` lines containing `needle`, then returns
    /// how many it has.
    pub fn log_lines_once_there_are(&self, needle: &str, count: usize) -> usize {
        let lines = || {
            let text = self.stderr.lock().map(|t| t.clone()).unwrap_or_default();
            text.lines().filter(|l| l.contains(needle)).count()
        };
        for _ in 0..600 {
            if lines() >= count {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        lines()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// The process's peak resident memory (`VmHWM`), in KiB.
    pub fn peak_memory_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("proc status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM")
    }
}
