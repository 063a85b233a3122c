//! A real SMTP server for the tests: `/usr/bin/python3 -m aiosmtpd` (Debian's python3-aiosmtpd,
//! which `.ci/run` installs) with its `Mailbox` handler, each message a file in a Maildir the test
//! reads back. It can be stopped and started again on the same port.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Debian's own Python: `python3` on PATH may be another, without the package.
const PYTHON: &str = "/usr/bin/python3";

pub struct SmtpServer {
    pub port: u16,
    maildir: tempfile::TempDir,
    child: Option<Child>,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

impl SmtpServer {
    /// A port and a Maildir, the server not running yet (a mail server that is down).
    pub fn reserved() -> SmtpServer {
        // The port is free once the listener is dropped; nothing else in the tests binds fixed
        // ports, so it stays free until aiosmtpd takes it.
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        SmtpServer {
            port,
            maildir: tempfile::tempdir().expect("maildir"),
            child: None,
        }
    }

    /// A running server.
    pub fn start() -> SmtpServer {
        let mut server = SmtpServer::reserved();
        server.run();
        server
    }

    /// Starts aiosmtpd on the port and waits until it accepts connections.
    pub fn run(&mut self) {
        let child = Command::new(PYTHON)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{}", self.port))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(self.mailbox())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot run {PYTHON} -m aiosmtpd ({e}): install python3-aiosmtpd (.ci/run does)")
            });
        self.child = Some(child);
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "aiosmtpd did not listen on port {}",
                self.port
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops the server: connections are refused until [`run`](Self::run) again.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// The Maildir: a directory aiosmtpd creates with its `new`, `cur` and `tmp` (an existing
    /// empty one would lack them).
    fn mailbox(&self) -> PathBuf {
        self.maildir.path().join("mail")
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far, as the raw bytes the Maildir holds.
    pub fn messages(&self) -> Vec<Vec<u8>> {
        let mut files: Vec<PathBuf> = ["new", "cur"]
            .iter()
            .filter_map(|d| std::fs::read_dir(self.mailbox().join(d)).ok())
            .flatten()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        files.sort();
        files
            .iter()
            .map(|f| std::fs::read(f).expect("read message"))
            .collect()
    }

    /// The envelope recipient of each message (aiosmtpd's `X-RcptTo`), sorted.
    pub fn recipients(&self) -> Vec<String> {
        let mut to: Vec<String> = self
            .messages()
            .iter()
            .map(|m| header(m, "X-RcptTo").unwrap_or_default())
            .collect();
        to.sort();
        to
    }
}

/// A header of a raw message.
pub fn header(message: &[u8], name: &str) -> Option<String> {
    let (headers, _) = mailparse::parse_headers(message).ok()?;
    use mailparse::MailHeaderMap;
    headers.get_first_value(name)
}
