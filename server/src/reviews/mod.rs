//! Review outcomes: GitHub and GitLab webhooks, commits from the git collector, critical paths,
//! identities and the review-skip report. Domain logic lives in `agentmeter-reviews` and the
//! figures in `agentmeter-metrics`; this module combines them with the store (no HTTP: the
//! handlers are in `routes`).

pub mod apply;
pub mod classification;
pub mod commit_store;
pub mod commits;
pub mod critical_paths;
pub mod identities;
pub mod load;
pub mod pull_requests;
pub mod repositories;
pub mod summary;
pub mod webhooks;

pub use load::{commit_rows, pull_request_rows};
