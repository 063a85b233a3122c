//! The real `agentmeter-server serve` binary in a process of its own, so that a test can kill it
//! with SIGKILL (as a crash or an OOM kill would) and start it again on the same database and
//! address.

use super::app::{run, server_binary};
use super::serve::{start_serve_on, ServeProcess};

/// A running `serve` process that can be killed and restarted; killed when dropped.
pub struct ServerProcess {
    server: ServeProcess,
    database_url: String,
}

impl ServerProcess {
    /// Starts `serve` on a free loopback port over `database_url` (migrating it first).
    pub fn start(database_url: &str) -> ServerProcess {
        ServerProcess::start_on(database_url, "127.0.0.1:0")
    }

    fn start_on(database_url: &str, bind: &str) -> ServerProcess {
        ServerProcess {
            server: start_serve_on(database_url, bind, false, &[]),
            database_url: database_url.to_owned(),
        }
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.server.addr)
    }

    /// SIGKILL: no shutdown, open transactions cut where they are.
    pub fn kill_hard(&mut self) {
        self.server.child.kill().expect("SIGKILL the server");
        self.server.child.wait().expect("reap the server");
    }

    /// Kills the process and starts a new one on the same database and address.
    pub fn restart_after_kill(&mut self) {
        self.kill_hard();
        let restarted = ServerProcess::start_on(&self.database_url, &self.server.addr);
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
