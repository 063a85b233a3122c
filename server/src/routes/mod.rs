//! The route table, readable top to bottom. Handlers live in one module per resource.

use axum::middleware;
use axum::routing::{get, post, put};
use axum::Router;
use tower_http::decompression::RequestDecompressionLayer;

use crate::state::AppState;
use crate::{analytics, pages, reviews};

pub mod batch;
pub(crate) mod extract;
pub mod health;
pub mod ingest;
pub mod library;
#[cfg(test)]
mod ingest_fuzz;
pub mod me;

/// Every route of the server: the JSON API under `/api/v1`, then the HTML pages.
pub fn table(state: AppState) -> Router {
    let gzip = || RequestDecompressionLayer::new().gzip(true);
    let api = Router::new()
        .route("/me", get(me::show))
        .route("/teams", get(me::teams))
        .route("/ingest/usage", post(ingest::upload_usage).layer(gzip()))
        .route("/ingest/status", get(ingest::status))
        .route(
            "/ingest/commits",
            post(reviews::commits::upload).layer(gzip()),
        )
        .route("/metrics/spend", get(analytics::api::spend))
        .route("/metrics/plans", get(analytics::api::plans))
        .route("/metrics/adoption", get(analytics::api::adoption))
        .route("/metrics/productivity", get(analytics::api::productivity))
        .route(
            "/plans",
            get(analytics::api::list_plans).post(analytics::api::create_plan),
        )
        .route("/plans/{id}", put(analytics::api::update_plan))
        .route("/users/{email}/plan", put(analytics::api::assign_seat))
        .route("/reviews/summary", get(reviews::summary::summary))
        .route("/reviews/alerts", get(reviews::summary::alerts))
        .route("/reviews/pull-requests", get(reviews::pull_requests::list))
        .route("/repositories", get(reviews::critical_paths::list))
        .route(
            "/repositories/{*path}",
            get(reviews::critical_paths::show).put(reviews::critical_paths::update),
        )
        .route("/identities", get(reviews::identities::list_handler))
        .route(
            "/identities/{id}/match",
            post(reviews::identities::match_handler),
        )
        .route("/webhooks/github", post(reviews::webhooks::github))
        .route("/webhooks/gitlab", post(reviews::webhooks::gitlab));

    let html = Router::new()
        .route("/", get(pages::overview::show))
        .route("/spend", get(pages::spend::show))
        .route("/plans", get(pages::plans::show))
        .route("/adoption", get(pages::adoption::show))
        .route("/productivity", get(pages::productivity::show))
        .route("/reviews", get(pages::reviews::show))
        .route("/me", get(pages::developer::me))
        .route("/developers/{email}", get(pages::developer::other))
        .route("/login", get(pages::login::form).post(pages::login::submit))
        .route("/logout", post(pages::login::logout))
        .route(
            "/admin/users",
            get(pages::admin::users).post(pages::admin::add_user),
        )
        .route(
            "/admin/teams",
            get(pages::admin::teams).post(pages::admin::add_team),
        )
        .route(
            "/admin/tokens",
            get(pages::admin::tokens).post(pages::admin::create_token),
        )
        .route(
            "/admin/tokens/{id}/revoke",
            post(pages::admin::revoke_token),
        )
        .route(
            "/admin/plans",
            get(analytics::pages::show).post(analytics::pages::add_price),
        )
        .route(
            "/admin/repositories",
            get(reviews::pages::repositories_show).post(reviews::pages::repositories_add),
        )
        .route(
            "/admin/repositories/{id}/critical-paths",
            post(reviews::pages::repositories_globs),
        )
        .route(
            "/admin/webhooks",
            get(reviews::pages::webhooks_show).post(reviews::pages::webhooks_set),
        )
        .route("/admin/identities", get(reviews::pages::identities_show))
        .route(
            "/admin/identities/{id}/match",
            post(reviews::pages::identities_match),
        )
        .route("/static/{*path}", get(pages::static_file))
        .layer(middleware::from_fn(pages::render_errors));

    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .nest("/api/v1", api)
        .merge(library::routes())
        .merge(html)
        .with_state(state)
}
