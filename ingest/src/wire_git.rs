//! Wire types of the git history collector: what `agentmeter collect git` sends to
//! `POST /api/v1/ingest/commits` and what the server answers.
//!
//! A commit carries metadata and line counts only: no diff, no file contents. Storage is
//! idempotent on (repository, sha).

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An AI coding assistant whose marker (commit trailer, message prefix or PR-body line) was found.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum AiAssistant {
    /// Claude Code: `Co-Authored-By: Claude … <noreply@anthropic.com>`, "Generated with Claude Code".
    ClaudeCode,
    /// OpenAI Codex: `Co-authored-by: Codex <noreply@openai.com>`, "Generated with Codex".
    Codex,
    /// GitHub Copilot: `Co-authored-by: Copilot …`, the `copilot-swe-agent` coding agent.
    Copilot,
    /// Cursor: `Co-authored-by: Cursor Agent <cursoragent@cursor.com>`.
    Cursor,
    /// Aider: `aider: ` message prefix, `Co-authored-by: aider (model) <noreply@aider.chat>`.
    Aider,
}

impl AiAssistant {
    /// Every assistant, in a stable order.
    pub const ALL: [AiAssistant; 5] = [
        AiAssistant::ClaudeCode,
        AiAssistant::Codex,
        AiAssistant::Copilot,
        AiAssistant::Cursor,
        AiAssistant::Aider,
    ];

    /// The wire name, e.g. `claude-code`.
    pub fn as_str(self) -> &'static str {
        match self {
            AiAssistant::ClaudeCode => "claude-code",
            AiAssistant::Codex => "codex",
            AiAssistant::Copilot => "copilot",
            AiAssistant::Cursor => "cursor",
            AiAssistant::Aider => "aider",
        }
    }

    /// Parses a wire name; `None` for an unknown one.
    pub fn parse(s: &str) -> Option<AiAssistant> {
        AiAssistant::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

impl fmt::Display for AiAssistant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Lines added and removed by one commit, in all files and in test files.
///
/// `added`/`removed` are totals, as `git log --numstat` sums them; `test_added`/`test_removed` are
/// the part of those totals in files matching the test patterns. Binary files count zero lines. A
/// merge commit counts zero lines (git prints no numstat for merges by default): its changes are
/// counted on the commits it merges.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LineCounts {
    pub added: u64,
    pub removed: u64,
    pub test_added: u64,
    pub test_removed: u64,
}

impl LineCounts {
    /// Lines added plus removed, in all files.
    pub fn changed(&self) -> u64 {
        self.added + self.removed
    }

    /// Lines added in non-test files.
    pub fn non_test_added(&self) -> u64 {
        self.added.saturating_sub(self.test_added)
    }

    /// Lines removed in non-test files.
    pub fn non_test_removed(&self) -> u64 {
        self.removed.saturating_sub(self.test_removed)
    }
}

/// One commit of a local repository, as collected from `git log`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CommitRecord {
    /// Normalized remote identity, `host/owner/name` in lower case (see `normalize_remote_url`).
    pub repository: String,
    pub sha: String,
    /// Parent shas; two or more for a merge, none for a root commit.
    #[serde(default)]
    pub parents: Vec<String>,
    pub author_email: String,
    pub author_name: String,
    pub authored_at: DateTime<Utc>,
    pub committed_at: DateTime<Utc>,
    /// Paths the commit changed, after rename resolution (the new path of a renamed file).
    #[serde(default)]
    pub paths: Vec<String>,
    /// Line totals and their test-file part.
    #[serde(default)]
    pub lines: LineCounts,
    /// Assistants whose markers appear in the message (or in the author, for aider).
    #[serde(default)]
    pub ai_markers: Vec<AiAssistant>,
    /// Local and remote-tracking branches that contain the commit, where known.
    #[serde(default)]
    pub branches: Vec<String>,
}

/// Body of `POST /api/v1/ingest/commits`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CommitBatch {
    pub commits: Vec<CommitRecord>,
}

/// Answer of `POST /api/v1/ingest/commits`: how many commits were new, how many already known
/// (same repository and sha), and how many were refused: another person's commits in a repository
/// the uploader does not work in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CommitReceipt {
    pub accepted: u64,
    pub duplicates: u64,
    #[serde(default)]
    pub refused: u64,
}

impl std::ops::AddAssign for CommitReceipt {
    fn add_assign(&mut self, other: CommitReceipt) {
        self.accepted += other.accepted;
        self.duplicates += other.duplicates;
        self.refused += other.refused;
    }
}
