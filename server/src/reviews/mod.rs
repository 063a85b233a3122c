//! Review outcomes: GitHub and GitLab webhooks, commits from the git collector, critical paths,
//! identities and the review-skip report. Domain logic lives in `agentmeter-reviews` and the
//! figures in `agentmeter-metrics`; this module combines them with the store (no HTTP: the
//! handlers are in `routes`).

pub mod acknowledgements;
pub(crate) mod apply;
pub(crate) mod classification;
pub mod commit_store;
pub(crate) mod commits;
pub(crate) mod critical_paths;
pub(crate) mod identities;
pub mod load;
pub(crate) mod pull_requests;
pub(crate) mod repositories;
pub mod self_view;
pub mod summary;
pub(crate) mod webhooks;
