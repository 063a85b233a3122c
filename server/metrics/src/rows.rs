//! Input rows: what the server loads from its database and hands to the engine.
//!
//! Usage rows may be raw events (`events = 1`) or hourly rollups (one row per user, hour, tool,
//! model, project, repository and session with summed tokens, `ts_utc_ms` the start of the hour and
//! `events` the number of events summed). Every report is exact for either granularity; coarser
//! rollups (daily) would blur the 5-hour windows and the time-zone bucketing.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The coding assistant a usage row comes from: the wire type the uploader sends.
pub use agentmeter_ingest::wire::Tool;

/// A tool's number in a frame's `tool` column.
pub(crate) fn tool_code(tool: Tool) -> u32 {
    match tool {
        Tool::ClaudeCode => 0,
        Tool::Codex => 1,
    }
}

/// One usage event, or an hourly rollup of events (see the module docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsageRow {
    /// The developer.
    pub user_id: i64,
    /// Event time (or start of the hour for rollups), milliseconds since the Unix epoch, UTC.
    pub ts_utc_ms: i64,
    /// Which assistant.
    pub tool: Tool,
    /// Model id as logged.
    pub model: String,
    /// Project (working directory name), if known.
    pub project: Option<String>,
    /// Repository (normalised remote), if known.
    pub repository: Option<String>,
    /// Assistant session id.
    pub session_id: String,
    /// Number of events this row stands for (1 for a raw event).
    pub events: i64,
    /// Uncached input tokens.
    pub input_tokens: i64,
    /// Output tokens (reasoning included).
    pub output_tokens: i64,
    /// Cache-write tokens.
    pub cache_write_tokens: i64,
    /// Cache-read tokens.
    pub cache_read_tokens: i64,
    /// API-equivalent cost; `None` when the model's price is unknown (never read as $0).
    pub cost_usd: Option<f64>,
    /// File-editing tool calls (Edit, Write, MultiEdit, NotebookEdit).
    pub edits: i64,
    /// Those of `edits` made with per-edit review off (`acceptEdits`, `bypassPermissions`).
    pub edits_unreviewed: i64,
}

/// A developer of the organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeveloperRow {
    /// User id.
    pub user_id: i64,
    /// Display name.
    pub name: String,
    /// E-mail address.
    pub email: String,
    /// Teams the developer belongs to (zero or more).
    pub teams: Vec<i64>,
    /// Current plans, at most one per vendor (ids of [`PlanRow`]); none means pay-as-you-go.
    pub plans: Vec<i64>,
}

/// A team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamRow {
    /// Team id.
    pub id: i64,
    /// Team name.
    pub name: String,
}

/// How a plan is charged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PlanKind {
    /// A flat seat price with usage limits (5-hour window, week).
    Flat,
    /// A seat fee (possibly 0) plus every token at API rates.
    UsageBased,
    /// Custom pricing or no coverage of a tracked tool: never recommended.
    NotComparable,
}

/// A plan of the dated catalog, with its estimated limits in API-equivalent dollars.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanRow {
    /// Plan id.
    pub id: i64,
    /// Vendor (`Anthropic`, `OpenAI`, `Cursor`, `GitHub`, ...).
    pub vendor: String,
    /// Plan name.
    pub name: String,
    /// How it is charged.
    pub kind: PlanKind,
    /// Monthly-equivalent seat price; `None` for custom pricing.
    pub usd_per_seat_month: Option<f64>,
    /// Estimated limit of one 5-hour window, in API-equivalent dollars (`None` = unknown).
    pub limit_5h_usd: Option<f64>,
    /// Estimated weekly limit, in API-equivalent dollars (`None` = unknown).
    pub limit_week_usd: Option<f64>,
    /// First day the plan can be bought (inclusive), if dated.
    pub valid_from: Option<NaiveDate>,
    /// Last day the plan can be bought (inclusive), if dated.
    pub valid_to: Option<NaiveDate>,
    /// Where the price comes from.
    pub source: String,
}

/// Review outcome of a merged pull request (see the reviews issue).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReviewOutcome {
    /// Approved by someone other than the author before the merge.
    Approved,
    /// No qualifying approval.
    Unreviewed,
    /// Approved within N minutes of the last push on a change over M lines.
    RubberStamped,
}

/// A pull (merge) request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullRequestRow {
    /// Repository.
    pub repository: String,
    /// PR number.
    pub number: i64,
    /// Link to the PR.
    pub url: String,
    /// Title.
    pub title: String,
    /// Author, when mapped to a user.
    pub author_user_id: Option<i64>,
    /// Opened at.
    pub created_at: DateTime<Utc>,
    /// Merged at (`None` = not merged).
    pub merged_at: Option<DateTime<Utc>>,
    /// First review submitted by someone other than the author.
    pub first_review_at: Option<DateTime<Utc>>,
    /// Review outcome, for merged PRs (`None` = not classified yet).
    pub outcome: Option<ReviewOutcome>,
    /// AI-assisted (markers or a matching assistant session).
    pub ai_assisted: bool,
    /// Why it counts as AI-assisted, in words ("commit 1a2b3c4 marked by Claude Code"); empty
    /// when it does not.
    pub ai_evidence: Vec<String>,
    /// Touches a critical path.
    pub critical: bool,
    /// The changed files that matched a critical-path glob.
    pub critical_paths: Vec<String>,
    /// Lines added.
    pub lines_added: i64,
    /// Lines removed.
    pub lines_removed: i64,
}

/// A commit from the git collector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommitRow {
    /// Repository.
    pub repository: String,
    /// Commit sha.
    pub sha: String,
    /// Author, when mapped to a user.
    pub author_user_id: Option<i64>,
    /// Author time.
    pub ts: DateTime<Utc>,
    /// Lines added in test files.
    pub lines_added_test: i64,
    /// Lines added in other files.
    pub lines_added_nontest: i64,
    /// Lines removed in test files.
    pub lines_removed_test: i64,
    /// Lines removed in other files.
    pub lines_removed_nontest: i64,
    /// The message carries an AI marker.
    pub ai_marker: bool,
}
