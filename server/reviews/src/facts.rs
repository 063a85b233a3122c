//! What classification looks at: a pull request and what is known about it, as the server has
//! stored it from webhooks, collected commits and uploaded assistant sessions.
//!
//! Identities (`author`, `reviewer`) are opaque strings compared case-insensitively: the server
//! passes the same kind of key for both (the agentmeter user when mapped, else the forge login).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::events::{AiAssistant, ReviewState};

/// Thresholds of the rubber-stamp rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReviewPolicy {
    /// N: an approval this many minutes or less from the last push can be a rubber stamp.
    pub rubber_stamp_minutes: u32,
    /// M: only changes of more than this many lines (added + removed) can be rubber-stamped.
    pub rubber_stamp_lines: u64,
}

impl Default for ReviewPolicy {
    fn default() -> Self {
        ReviewPolicy {
            rubber_stamp_minutes: 5,
            rubber_stamp_lines: 300,
        }
    }
}

/// The pull request itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullRequestFacts {
    /// Normalized `host/owner/name`.
    pub repository: String,
    pub author: String,
    pub head_branch: String,
    pub body: Option<String>,
    pub created_at: DateTime<Utc>,
    pub merged_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The forge's own count (GitHub `additions`/`deletions`); when either is absent the change
    /// size is summed over the commits instead.
    pub lines_added: Option<u64>,
    pub lines_removed: Option<u64>,
}

/// One review (or GitLab approval) of the pull request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewFact {
    pub reviewer: String,
    pub state: ReviewState,
    pub submitted_at: DateTime<Utc>,
    /// Dismissed on GitHub, or withdrawn on GitLab, at any time.
    pub dismissed: bool,
}

/// One commit of the pull request's head branch, from a push payload or the git collector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitFact {
    pub sha: String,
    /// Commit (or push) time.
    pub at: DateTime<Utc>,
    pub paths: Vec<String>,
    /// Zero when unknown (push payloads carry no line counts).
    pub lines_added: u64,
    pub lines_removed: u64,
    pub ai_markers: Vec<AiAssistant>,
}

/// An uploaded assistant session: where and when it worked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionFact {
    pub session_id: String,
    pub repository: String,
    pub git_branch: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
}

/// Everything known about one pull request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullRequestHistory {
    pub pull_request: PullRequestFacts,
    pub reviews: Vec<ReviewFact>,
    /// Times new commits reached the head branch: push events and `synchronize` deliveries.
    pub pushes: Vec<DateTime<Utc>>,
    pub commits: Vec<CommitFact>,
    /// Sessions of the same repository; those on other branches or times are ignored.
    pub sessions: Vec<SessionFact>,
}
