//! Review outcomes: pure domain logic behind the GitHub and GitLab webhooks and the review-skip
//! metrics. No database, no HTTP, no async: the server stores and serves what this crate computes.
//!
//! - [`signature`]: `X-Hub-Signature-256` and `X-Gitlab-Token` verification.
//! - [`github`], [`gitlab`]: webhook payloads read into [`WebhookEvent`]s.
//! - [`critical`]: critical-path globs.
//! - [`facts`], [`outcome`], [`classify`]: AI-assisted, critical and review outcome of a PR.
//!
//! Repository naming and AI markers come from `agentmeter-ingest`, shared with the git collector.
#![forbid(unsafe_code)]

pub mod classify;
pub mod critical;
mod error;
pub mod events;
pub mod facts;
pub mod github;
pub mod gitlab;
pub mod outcome;
pub mod signature;
pub mod time;

pub use agentmeter_ingest::gitlog::{detect_ai_author, detect_ai_markers, normalize_remote_url};
pub use classify::{ai_reasons, classify, AiReason, PullRequestClassification};
pub use critical::{CriticalGlob, CriticalPaths};
pub use error::ReviewsError;
pub use events::*;
pub use facts::{
    CommitFact, PullRequestFacts, PullRequestHistory, ReviewFact, ReviewPolicy, SessionFact,
};
pub use github::parse_github_event;
pub use gitlab::parse_gitlab_event;
pub use outcome::{review_outcome, time_to_first_approval, time_to_first_review, ReviewOutcome};
pub use signature::{sign_github, verify_github_signature, verify_gitlab_token};
