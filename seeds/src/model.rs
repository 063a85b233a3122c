//! What the generator produces before it is written out in the real formats: assistant sessions
//! made of billed requests, and pull requests with their commits and reviews.

use agentmeter_ingest::pricing::{cost_usd, PriceTable};
use agentmeter_ingest::wire::{Tool, UsageEvent};
use chrono::{DateTime, Utc};

/// One tool call inside a request. Edit and Write calls carry the lines they changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolCall {
    pub name: &'static str,
    /// Path the call worked on (only its line counts ever leave the developer's machine).
    pub path: String,
    pub lines_added: u64,
    pub lines_removed: u64,
}

/// One billed model request, with the token counts the log will show.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub at: DateTime<Utc>,
    pub model: &'static str,
    /// Uncached input tokens (Codex: input minus cached input).
    pub input: u64,
    /// Output tokens (Codex: reasoning included).
    pub output: u64,
    pub cache_write_5m: u64,
    pub cache_write_1h: u64,
    /// Cache-read tokens (Codex: cached input).
    pub cache_read: u64,
    /// Codex reasoning tokens (part of `output`).
    pub reasoning: u64,
    pub tools: Vec<ToolCall>,
    /// Made by a Claude Code subagent (written to `<session>/subagents/agent-*.jsonl`).
    pub subagent: bool,
}

/// One assistant session of one developer in one checkout.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub id: String,
    pub tool: Tool,
    /// Index into [`crate::org::DEVELOPERS`].
    pub developer: usize,
    /// Repository name (under the demo GitHub organisation).
    pub repository: &'static str,
    pub branch: String,
    /// Claude Code permission mode for the whole session.
    pub permission_mode: &'static str,
    pub requests: Vec<Request>,
}

/// A commit of a pull request's head branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    pub sha: String,
    pub parents: Vec<String>,
    pub at: DateTime<Utc>,
    pub message: String,
    pub paths: Vec<String>,
    pub lines_added: u64,
    pub lines_removed: u64,
    pub test_added: u64,
    pub test_removed: u64,
}

/// A review state as GitHub sends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewState {
    Approved,
    Commented,
    ChangesRequested,
}

impl ReviewState {
    /// The webhook's `review.state`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewState::Approved => "approved",
            ReviewState::Commented => "commented",
            ReviewState::ChangesRequested => "changes_requested",
        }
    }
}

/// A submitted review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub id: u64,
    pub reviewer: &'static str,
    pub state: ReviewState,
    pub at: DateTime<Utc>,
}

/// A merged pull request.
#[derive(Debug, Clone, PartialEq)]
pub struct PullRequest {
    pub repository: &'static str,
    pub number: u64,
    /// Index into [`crate::org::DEVELOPERS`].
    pub author: usize,
    pub title: String,
    pub body: String,
    pub head_branch: String,
    pub created_at: DateTime<Utc>,
    pub merged_at: DateTime<Utc>,
    pub commits: Vec<Commit>,
    pub reviews: Vec<Review>,
    /// Made with an assistant (its body or commits carry a marker).
    pub ai_assisted: bool,
    /// One of the planted critical AI-assisted PRs merged without review.
    pub planted_skip: bool,
}

impl PullRequest {
    /// Lines added over all commits.
    pub fn lines_added(&self) -> u64 {
        self.commits.iter().map(|c| c.lines_added).sum()
    }

    /// Lines removed over all commits.
    pub fn lines_removed(&self) -> u64 {
        self.commits.iter().map(|c| c.lines_removed).sum()
    }

    /// Browser URL.
    pub fn url(&self) -> String {
        format!(
            "{}/pull/{}",
            crate::org::repository_url(self.repository),
            self.number
        )
    }
}

/// The wire event the ingest parser will read back from a request's log lines (without tool
/// calls, session or project, which do not change the cost).
pub fn as_event(tool: Tool, request: &Request) -> UsageEvent {
    UsageEvent {
        tool,
        dedupe_key: String::new(),
        session_id: String::new(),
        project: None,
        repository: None,
        git_branch: None,
        timestamp: request.at,
        model: request.model.to_string(),
        input_tokens: request.input,
        output_tokens: request.output,
        cache_write_5m_tokens: request.cache_write_5m,
        cache_write_1h_tokens: request.cache_write_1h,
        cache_read_tokens: request.cache_read,
        reasoning_tokens: None,
        speed: None,
        inference_geo: None,
        tool_calls: Default::default(),
        lines_added: 0,
        lines_removed: 0,
        permission_mode: None,
        is_subagent: request.subagent,
        edit_decisions: Default::default(),
    }
}

/// API-equivalent cost of a request, priced exactly as collectors and server price it.
pub fn request_cost(prices: &PriceTable, tool: Tool, request: &Request) -> f64 {
    cost_usd(prices, &as_event(tool, request)).unwrap_or(0.0)
}
