//! The route table, readable top to bottom. Handlers live in one module per resource.

use axum::routing::{get, post};
use axum::Router;
use tower_http::decompression::RequestDecompressionLayer;

use crate::state::AppState;

pub mod batch;
pub mod health;
pub mod ingest;
#[cfg(test)]
mod ingest_fuzz;
pub mod me;

pub fn table(state: AppState) -> Router {
    let api = Router::new()
        .route("/me", get(me::show))
        .route("/teams", get(me::teams))
        .route(
            "/ingest/usage",
            post(ingest::upload_usage).layer(RequestDecompressionLayer::new().gzip(true)),
        )
        .route("/ingest/status", get(ingest::status))
        .merge(crate::reviews::api_routes())
        .merge(crate::analytics::api_routes());

    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .nest("/api/v1", api)
        .merge(crate::pages::routes())
        .with_state(state)
}
