//! The crate's one error type.

use std::path::PathBuf;

use crate::wire::RecordError;

/// Everything that can go wrong in the collectors, the cost engine and the uploader.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("price file, line {line}: {reason}")]
    PriceFile { line: usize, reason: String },
    #[error("{0}")]
    InvalidArgument(String),
    #[error("not logged in: run `agentmeter login --server URL` first")]
    NotLoggedIn,
    #[error("the server rejected the token (401): run `agentmeter login` again")]
    Unauthorized,
    #[error("the server refused the batch as too large (413)")]
    TooLarge,
    #[error("the server rejected {} record(s): {}", .0.len(), summarize(.0))]
    Rejected(Vec<RecordError>),
    #[error("server answered {status}: {message}")]
    Server { status: u16, message: String },
    #[error("could not reach the server: {0}")]
    Network(String),
    #[error("{path}: not valid JSON: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("{path}: {reason}")]
    Settings { path: PathBuf, reason: String },
    #[error("could not run git in {path}: {source}")]
    GitUnavailable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("git {command} failed in {path}: {stderr}")]
    GitFailed {
        command: String,
        path: PathBuf,
        stderr: String,
    },
    #[error("{path} is not a git repository")]
    NotAGitRepository { path: PathBuf },
    #[error("{path} has no usable `origin` remote; the repository cannot be named")]
    NoRemote { path: PathBuf },
    #[error("invalid test-file pattern `{pattern}`: {reason}")]
    BadPattern { pattern: String, reason: String },
    #[error("unexpected git output: {0}")]
    UnexpectedGitOutput(String),
    #[error(
        "no Claude Code or Codex logs found; looked in: {}. Claude Code keeps them under \
         ~/.claude/projects (or CLAUDE_CONFIG_DIR), Codex under ~/.codex/sessions (or CODEX_HOME); \
         --logs DIR reads another directory",
        paths(.looked)
    )]
    NoLogs { looked: Vec<PathBuf> },
}

fn paths(list: &[PathBuf]) -> String {
    let names: Vec<String> = list.iter().map(|p| p.display().to_string()).collect();
    names.join(", ")
}

fn summarize(errors: &[RecordError]) -> String {
    let mut parts: Vec<String> = errors
        .iter()
        .take(5)
        .map(|e| format!("#{}: {}", e.index, e.reason))
        .collect();
    if errors.len() > 5 {
        parts.push(format!("and {} more", errors.len() - 5));
    }
    parts.join("; ")
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// Result with the crate's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
