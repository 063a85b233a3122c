//! Domain events read from GitHub and GitLab webhooks, independent of the forge's JSON shape.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use agentmeter_ingest::wire_git::AiAssistant;

/// The forge a webhook came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Forge {
    GitHub,
    GitLab,
}

/// A forge account as the payload names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// GitHub login or GitLab username.
    pub login: String,
    /// The forge's numeric user id, where given.
    pub id: Option<u64>,
    pub name: Option<String>,
    pub email: Option<String>,
}

/// What one webhook delivery means for review outcomes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WebhookEvent {
    /// GitHub's `ping` on hook creation; nothing to store.
    Ping(PingEvent),
    PullRequest(PullRequestEvent),
    Review(ReviewEvent),
    Push(PushEvent),
    /// Any other event: acknowledged (202) and dropped.
    Ignored(IgnoredEvent),
}

/// GitHub's `ping`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PingEvent {
    pub hook_id: Option<u64>,
    pub zen: Option<String>,
    /// Absent for organization and app hooks.
    pub repository: Option<String>,
}

/// An event type (and action) that review outcomes do not use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IgnoredEvent {
    pub event: String,
    pub action: Option<String>,
}

/// What happened to a pull (merge) request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PullRequestAction {
    Opened,
    /// Title, body or base changed (GitLab `update` without new commits).
    Edited,
    /// New commits were pushed to the head branch (GitLab `update` with `oldrev`).
    Synchronize,
    /// Closed, merged or not: see [`PullRequestEvent::merged`].
    Closed,
    Reopened,
    /// Any other action (labeled, assigned, …): carries the current state all the same.
    Other(String),
}

/// A pull request (GitHub) or merge request (GitLab) as of one delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullRequestEvent {
    pub forge: Forge,
    pub action: PullRequestAction,
    /// Normalized `host/owner/name`.
    pub repository: String,
    /// PR number (GitHub) or MR iid (GitLab).
    pub number: u64,
    pub title: String,
    pub body: Option<String>,
    pub url: Option<String>,
    /// The author; on GitLab known only when the acting user is the author (see `author_id`).
    pub author: Option<Account>,
    pub author_id: Option<u64>,
    /// Who triggered this delivery (GitHub `sender`, GitLab `user`).
    pub actor: Option<Account>,
    pub head_branch: String,
    pub head_sha: Option<String>,
    pub base_branch: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub merged: bool,
    pub merged_at: Option<DateTime<Utc>>,
    pub merged_by: Option<String>,
    pub draft: bool,
    /// Size of the change as the forge counts it (GitHub only; absent in review payloads).
    pub lines_added: Option<u64>,
    pub lines_removed: Option<u64>,
    /// AI markers found in the body.
    pub body_ai_markers: Vec<AiAssistant>,
}

/// What happened to a review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewAction {
    Submitted,
    /// A GitHub review dismissed, or a GitLab approval withdrawn (`unapproved`/`unapproval`): the
    /// reviewer's earlier approvals of this PR stop counting.
    Dismissed,
    Edited,
}

/// The verdict of a review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    Approved,
    ChangesRequested,
    Commented,
    Dismissed,
    Pending,
}

impl ReviewState {
    /// Reads GitHub's state in any case (`approved`, `APPROVED`, `changes_requested`, …).
    pub fn parse(state: &str) -> Option<ReviewState> {
        match state.to_ascii_lowercase().as_str() {
            "approved" => Some(ReviewState::Approved),
            "changes_requested" => Some(ReviewState::ChangesRequested),
            "commented" => Some(ReviewState::Commented),
            "dismissed" => Some(ReviewState::Dismissed),
            "pending" => Some(ReviewState::Pending),
            _ => None,
        }
    }
}

/// A review submitted or dismissed on a pull request, or a GitLab approval given or withdrawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewEvent {
    pub forge: Forge,
    pub action: ReviewAction,
    pub repository: String,
    pub number: u64,
    /// GitHub review id; `None` for GitLab approvals (one per reviewer).
    pub review_id: Option<u64>,
    pub reviewer: Account,
    pub state: ReviewState,
    /// GitHub `submitted_at`; GitLab: the merge request's `updated_at` at approval.
    pub submitted_at: Option<DateTime<Utc>>,
    pub commit_id: Option<String>,
    /// The pull request as the payload carries it (GitHub review payloads omit merge and size).
    pub pull_request: PullRequestEvent,
}

/// Commits pushed to a branch or tag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushEvent {
    pub forge: Forge,
    pub repository: String,
    /// Full ref, e.g. `refs/heads/main`.
    pub git_ref: String,
    /// Branch name when the ref is a branch.
    pub branch: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    /// When the push happened: GitHub `repository.pushed_at`, else the head commit's time.
    pub pushed_at: Option<DateTime<Utc>>,
    pub pusher: Option<Account>,
    pub deleted: bool,
    pub forced: bool,
    pub commits: Vec<PushedCommit>,
}

/// One commit of a push, with the paths it touched (no line counts: payloads carry none).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushedCommit {
    pub sha: String,
    pub message: String,
    pub timestamp: Option<DateTime<Utc>>,
    pub author_name: Option<String>,
    pub author_email: Option<String>,
    pub author_username: Option<String>,
    pub added: Vec<String>,
    pub modified: Vec<String>,
    pub removed: Vec<String>,
    pub ai_markers: Vec<AiAssistant>,
}

impl PushedCommit {
    /// Added, modified and removed paths, sorted and without repeats.
    pub fn paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = self
            .added
            .iter()
            .chain(&self.modified)
            .chain(&self.removed)
            .cloned()
            .collect();
        paths.sort();
        paths.dedup();
        paths
    }
}
