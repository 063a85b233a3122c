//! Classification of a pull request: AI-assisted (with the reasons), critical (with the paths),
//! review outcome and review times.
//!
//! AI-assisted when any of its commits carries an AI marker, its body does, or an assistant
//! session of the same repository worked on its head branch during the PR's life. The PR's life
//! runs from its first commit (or its opening, if earlier) to its merge or close (open-ended
//! while open). Critical when any path changed by its commits matches the repository's globs.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::critical::CriticalPaths;
use crate::detect_ai_markers;
use crate::events::AiAssistant;
use crate::facts::{PullRequestHistory, ReviewPolicy};
use crate::outcome::{
    change_size, review_outcome, time_to_first_approval, time_to_first_review, ReviewOutcome,
};

/// Why a pull request counts as AI-assisted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum AiReason {
    /// A commit message carries a marker (trailer, footer or prefix).
    CommitMarker {
        sha: String,
        assistants: Vec<AiAssistant>,
    },
    /// The PR body carries a marker.
    BodyMarker { assistants: Vec<AiAssistant> },
    /// An assistant session worked on the head branch in the same repository during the PR's life.
    SessionBranch { session_id: String },
}

impl AiReason {
    /// The reason in words, for pages and e-mails.
    pub fn describe(&self) -> String {
        let names = |assistants: &[AiAssistant]| {
            let names: Vec<&str> = assistants.iter().map(|a| a.as_str()).collect();
            names.join(", ")
        };
        match self {
            AiReason::CommitMarker { sha, assistants } => format!(
                "commit {} marked by {}",
                sha.get(..7).unwrap_or(sha),
                names(assistants)
            ),
            AiReason::BodyMarker { assistants } => {
                format!("description marked by {}", names(assistants))
            }
            AiReason::SessionBranch { .. } => "an assistant session on its branch".to_owned(),
        }
    }
}

/// The classification of one pull request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullRequestClassification {
    pub ai_assisted: bool,
    pub ai_reasons: Vec<AiReason>,
    pub critical: bool,
    /// Changed paths that match a critical glob, sorted.
    pub critical_paths: Vec<String>,
    /// `None` while the PR is not merged.
    pub outcome: Option<ReviewOutcome>,
    /// Lines added + removed (see `outcome::change_size`).
    pub change_size: u64,
    pub time_to_first_review_seconds: Option<i64>,
    pub time_to_first_approval_seconds: Option<i64>,
}

/// Classifies a pull request under a repository's critical paths and the review policy.
pub fn classify(
    history: &PullRequestHistory,
    critical_paths: &CriticalPaths,
    policy: &ReviewPolicy,
) -> PullRequestClassification {
    let ai_reasons = ai_reasons(history);
    let critical_paths = critical_paths.matching(
        history
            .commits
            .iter()
            .flat_map(|c| c.paths.iter().map(String::as_str)),
    );
    PullRequestClassification {
        ai_assisted: !ai_reasons.is_empty(),
        ai_reasons,
        critical: !critical_paths.is_empty(),
        critical_paths,
        outcome: review_outcome(history, policy),
        change_size: change_size(history),
        time_to_first_review_seconds: time_to_first_review(history).map(|d| d.num_seconds()),
        time_to_first_approval_seconds: time_to_first_approval(history).map(|d| d.num_seconds()),
    }
}

/// Every reason the PR is AI-assisted: commit markers (one per commit, by sha), the body, then
/// matching sessions (by id).
pub fn ai_reasons(history: &PullRequestHistory) -> Vec<AiReason> {
    let pr = &history.pull_request;
    let mut by_sha: BTreeMap<&str, Vec<AiAssistant>> = BTreeMap::new();
    for commit in history.commits.iter().filter(|c| !c.ai_markers.is_empty()) {
        by_sha
            .entry(commit.sha.as_str())
            .or_default()
            .extend(&commit.ai_markers);
    }
    let mut reasons: Vec<AiReason> = by_sha
        .into_iter()
        .map(|(sha, mut assistants)| {
            assistants.sort();
            assistants.dedup();
            AiReason::CommitMarker {
                sha: sha.to_string(),
                assistants,
            }
        })
        .collect();
    let body_markers = pr
        .body
        .as_deref()
        .map(detect_ai_markers)
        .unwrap_or_default();
    if !body_markers.is_empty() {
        reasons.push(AiReason::BodyMarker {
            assistants: body_markers,
        });
    }
    let (start, end) = life(history);
    let mut sessions: Vec<&str> = history
        .sessions
        .iter()
        .filter(|s| s.repository.eq_ignore_ascii_case(&pr.repository))
        .filter(|s| s.git_branch == pr.head_branch)
        .filter(|s| s.started_at <= end && s.ended_at >= start)
        .map(|s| s.session_id.as_str())
        .collect();
    sessions.sort_unstable();
    sessions.dedup();
    reasons.extend(sessions.into_iter().map(|id| AiReason::SessionBranch {
        session_id: id.to_string(),
    }));
    reasons
}

/// The PR's life: from its first commit or its opening, whichever is earlier, to its merge or
/// close; open-ended while open.
fn life(history: &PullRequestHistory) -> (DateTime<Utc>, DateTime<Utc>) {
    let pr = &history.pull_request;
    let start = history
        .commits
        .iter()
        .map(|c| c.at)
        .fold(pr.created_at, DateTime::min);
    let end = pr
        .merged_at
        .or(pr.closed_at)
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    (start, end.max(start))
}
