//! Review outcomes: GitHub and GitLab webhooks, commits from the git collector, critical paths,
//! identities and the review-skip endpoints. Domain logic lives in `agentmeter-reviews` and the
//! figures in `agentmeter-metrics`; this module stores, loads and serves.

use axum::routing::{get, post};
use axum::Router;
use tower_http::decompression::RequestDecompressionLayer;

use crate::state::AppState;

pub mod apply;
pub mod classification;
pub mod commit_store;
pub mod commits;
pub mod critical_paths;
pub mod identities;
pub mod load;
pub mod pages;
pub mod pull_requests;
pub mod repositories;
pub mod summary;
pub mod webhooks;

pub use load::{commit_rows, pull_request_rows};

/// Routes under `/api/v1`.
pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/webhooks/github", post(webhooks::github))
        .route("/webhooks/gitlab", post(webhooks::gitlab))
        .route(
            "/ingest/commits",
            post(commits::upload).layer(RequestDecompressionLayer::new().gzip(true)),
        )
        .route("/repositories", get(critical_paths::list))
        .route(
            "/repositories/{*path}",
            get(critical_paths::show).put(critical_paths::update),
        )
        .route("/identities", get(identities::list_handler))
        .route("/identities/{id}/match", post(identities::match_handler))
        .route("/reviews/summary", get(summary::summary))
        .route("/reviews/alerts", get(summary::alerts))
        .route("/reviews/pull-requests", get(pull_requests::list))
}

/// Page routes (HTML).
pub fn page_routes() -> Router<AppState> {
    Router::new()
        .route(
            "/admin/repositories",
            get(pages::repositories_show).post(pages::repositories_add),
        )
        .route(
            "/admin/repositories/{id}/critical-paths",
            post(pages::repositories_globs),
        )
        .route(
            "/admin/webhooks",
            get(pages::webhooks_show).post(pages::webhooks_set),
        )
        .route("/admin/identities", get(pages::identities_show))
        .route(
            "/admin/identities/{id}/match",
            post(pages::identities_match),
        )
}
