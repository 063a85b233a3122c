//! The real `agentmeter-server serve` binary in a process of its own, so that a test can kill it
//! with SIGKILL (as a crash or an OOM kill would) and start it again on the same database and
//! address. Its output is drained by threads so the server never blocks on a full pipe.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use super::app::{run, server_binary};

/// A running `serve` process; killed when dropped.
pub struct ServerProcess {
    child: Child,
    database_url: String,
    /// `127.0.0.1:PORT`, the same across restarts.
    pub addr: String,
}

impl ServerProcess {
    /// Starts `serve` on a free loopback port over `database_url` (migrating it first).
    pub fn start(database_url: &str) -> ServerProcess {
        ServerProcess::start_on(database_url, "127.0.0.1:0")
    }

    fn start_on(database_url: &str, bind: &str) -> ServerProcess {
        let mut child = Command::new(server_binary())
            .args(["serve", "--bind", bind, "--database-url", database_url])
            .env("AGENTMETER_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start agentmeter-server serve");
        let (addr_tx, addr_rx) = mpsc::channel();
        let stderr = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("listening on http://").nth(1) {
                    let _ = addr_tx.send(rest.trim().to_owned());
                }
            }
        });
        // The server prints its address once it listens: waiting for it is the readiness poll.
        let addr = addr_rx
            .recv_timeout(Duration::from_secs(120))
            .expect("serve announces its address");
        ServerProcess {
            child,
            database_url: database_url.to_owned(),
            addr,
        }
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// SIGKILL: no shutdown, open transactions cut where they are.
    pub fn kill_hard(&mut self) {
        self.child.kill().expect("SIGKILL the server");
        self.child.wait().expect("reap the server");
    }

    /// Kills the process and starts a new one on the same database and address.
    pub fn restart_after_kill(&mut self) {
        self.kill_hard();
        let restarted = ServerProcess::start_on(&self.database_url, &self.addr);
        // Swapping leaves the old, already reaped, child in `restarted`: dropping it is harmless.
        let old = std::mem::replace(self, restarted);
        drop(old);
    }

    /// Creates a user through `agentmeter-server user add` and returns a new API token of theirs
    /// from `agentmeter-server token create`.
    pub fn add_user_with_token(&self, email: &str, role: &str) -> String {
        let admin = |args: &[&str]| {
            let mut all = vec!["--database-url", self.database_url.as_str()];
            all.extend_from_slice(args);
            let output = run(server_binary(), &all, None, &[]);
            assert!(
                output.status.success(),
                "agentmeter-server {args:?}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            String::from_utf8(output.stdout).expect("utf-8 output")
        };
        admin(&[
            "user", "add", "--email", email, "--name", email, "--role", role,
        ]);
        admin(&["token", "create", "--email", email])
            .trim()
            .to_owned()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
