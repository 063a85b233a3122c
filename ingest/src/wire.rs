//! Wire types: what the CLI and collectors send and what the API answers.
//!
//! Defined once here and used by both sides, so client and server cannot drift apart.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The assistant that produced a usage event (the one `Tool` of the workspace: the server's
/// metrics engine uses it too).
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
pub enum Tool {
    /// Anthropic's Claude Code: covered by Anthropic (Claude) plans.
    ClaudeCode,
    /// OpenAI's Codex CLI: covered by OpenAI (ChatGPT) plans.
    Codex,
}

impl Tool {
    /// Every tool, in a stable order.
    pub const ALL: [Tool; 2] = [Tool::ClaudeCode, Tool::Codex];

    /// The plan vendor whose subscriptions cover this tool.
    pub fn vendor(self) -> &'static str {
        match self {
            Tool::ClaudeCode => "Anthropic",
            Tool::Codex => "OpenAI",
        }
    }

    /// The wire name (`claude-code`, `codex`).
    pub fn as_str(self) -> &'static str {
        match self {
            Tool::ClaudeCode => "claude-code",
            Tool::Codex => "codex",
        }
    }

    pub fn parse(s: &str) -> Option<Tool> {
        match s {
            "claude-code" => Some(Tool::ClaudeCode),
            "codex" => Some(Tool::Codex),
            _ => None,
        }
    }
}

/// One billed model request, normalized across assistants. Carries no prompt text, code,
/// file contents, commands or tool inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UsageEvent {
    pub tool: Tool,
    /// Stable identity of the billed request, unique per tool: `message.id:requestId` for Claude
    /// Code, `session:running-total` for Codex. Storage is idempotent on (tool, dedupe_key).
    pub dedupe_key: String,
    pub session_id: String,
    /// Working directory of the session.
    #[serde(default)]
    pub project: Option<String>,
    /// Normalized git remote URL of the project, where the cwd is a checkout on the uploader's machine.
    #[serde(default)]
    pub repository: Option<String>,
    #[serde(default)]
    pub git_branch: Option<String>,
    pub timestamp: DateTime<Utc>,
    pub model: String,
    pub input_tokens: u64,
    pub output_tokens: u64,
    #[serde(default)]
    pub cache_write_5m_tokens: u64,
    #[serde(default)]
    pub cache_write_1h_tokens: u64,
    #[serde(default)]
    pub cache_read_tokens: u64,
    /// Reasoning tokens where the log reports them (already included in output_tokens).
    #[serde(default)]
    pub reasoning_tokens: Option<u64>,
    /// `fast` when the log says `speed: fast`.
    #[serde(default)]
    pub speed: Option<String>,
    /// `usage.inference_geo` where the log has it (`us` costs 1.1x on Claude 4.6+ models).
    #[serde(default)]
    pub inference_geo: Option<String>,
    /// Tool calls by tool name; Skill calls are counted as `Skill:<name>`.
    #[serde(default)]
    pub tool_calls: BTreeMap<String, u32>,
    #[serde(default)]
    pub lines_added: u64,
    #[serde(default)]
    pub lines_removed: u64,
    /// Claude Code permission mode in force: default, acceptEdits, bypassPermissions, plan.
    #[serde(default)]
    pub permission_mode: Option<String>,
    #[serde(default)]
    pub is_subagent: bool,
    /// File edits (Edit, Write, MultiEdit, NotebookEdit calls) the user or the permission rules
    /// accepted or rejected, by tool name. Counts only.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub edit_decisions: BTreeMap<String, EditDecisions>,
}

/// Accepted and rejected calls of one edit tool.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EditDecisions {
    pub accepted: u32,
    pub rejected: u32,
}

impl UsageEvent {
    /// Every token the request was billed for; the tie-breaker when two copies of one request meet.
    /// Saturates: a damaged log line may carry counts near `u64::MAX`.
    pub fn total_tokens(&self) -> u64 {
        [
            self.output_tokens,
            self.cache_write_5m_tokens,
            self.cache_write_1h_tokens,
            self.cache_read_tokens,
        ]
        .into_iter()
        .fold(self.input_tokens, u64::saturating_add)
    }

    /// The key the server stores this request under. Claude Code's `message.id:requestId` is
    /// the request id alone: Claude Code's own telemetry names a request by its id only, and one
    /// request id is one message, so an uploaded copy and a telemetry copy of a request meet.
    /// Other keys (Codex, Claude Code lines without one of the two ids) are kept whole.
    pub fn stored_key(&self) -> &str {
        if self.tool != Tool::ClaudeCode {
            return &self.dedupe_key;
        }
        match self.dedupe_key.split_once(':') {
            Some((message, request))
                if !message.is_empty() && !request.is_empty() && !request.contains(':') =>
            {
                request
            }
            _ => &self.dedupe_key,
        }
    }
}

/// Body of `POST /api/v1/ingest/usage` (sent gzip-compressed).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UsageBatch {
    pub events: Vec<UsageEvent>,
}

/// Answer to an accepted usage batch.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct UsageBatchReceipt {
    pub received: u64,
    /// Events new to the server.
    pub inserted: u64,
    /// Events that replaced a smaller copy of the same request.
    pub updated: u64,
    /// Events the server already held (same or larger copy).
    pub unchanged: u64,
}

/// Receipts of several batches add up to the receipt of them all.
impl std::ops::AddAssign for UsageBatchReceipt {
    fn add_assign(&mut self, other: UsageBatchReceipt) {
        self.received += other.received;
        self.inserted += other.inserted;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
    }
}

/// Answer of `GET /api/v1/ingest/status`: what the server holds for the caller.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct IngestStatus {
    pub events: u64,
    pub sessions: u64,
    pub first_event_at: Option<DateTime<Utc>>,
    pub last_event_at: Option<DateTime<Utc>>,
    pub total_tokens: u64,
    pub cost_usd: f64,
}

/// One rejected record in a 422 answer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct RecordError {
    pub index: usize,
    pub reason: String,
}

/// The caller, as `GET /api/v1/me` returns it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Me {
    pub email: String,
    pub name: String,
    pub role: String,
    pub teams: Vec<String>,
}
