//! Analytics: the metrics endpoints, the plan catalog and seat assignments, and the loaders that
//! feed the metrics engine (`agentmeter-metrics`) with rows in the caller's scope.
//!
//! - [`reports`]: one async function per report (spend, plans, adoption, productivity), shared by
//!   the JSON API and the HTML pages; [`cache`]: the computed reports they keep.
//! - [`load`]: database rows -> engine rows; [`rollup`]: the exact hourly usage rollup.
//! - [`catalog`], [`seats`]: the dated plan catalog and each developer's current plan.
//! - [`api`], [`pages`]: thin HTTP handlers; [`params`]: query parameters and their defaults.

use axum::routing::{get, put};
use axum::Router;

use crate::state::AppState;

pub mod api;
pub mod cache;
pub mod catalog;
pub mod load;
pub mod pages;
pub mod params;
pub mod reports;
pub mod rollup;
pub mod seats;

/// Routes under `/api/v1`.
pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/metrics/spend", get(api::spend))
        .route("/metrics/plans", get(api::plans))
        .route("/metrics/adoption", get(api::adoption))
        .route("/metrics/productivity", get(api::productivity))
        .route("/plans", get(api::list_plans).post(api::create_plan))
        .route("/plans/{id}", put(api::update_plan))
        .route("/users/{email}/plan", put(api::assign_seat))
}

/// Page routes (HTML).
pub fn page_routes() -> Router<AppState> {
    Router::new().route("/admin/plans", get(pages::show).post(pages::add_price))
}
