//! All of HTTP: the route table (readable top to bottom), the extractors, the middleware, and the
//! handlers, one module per resource (`pages` for the HTML pages). Handlers parse the request,
//! call the services (`analytics`, `reviews`, `auth`, `admin`, …) or the store, and answer; they
//! compute nothing themselves.

use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::middleware::from_fn;
use axum::routing::{delete, get, post, put};
use axum::{Extension, Router};
use tower_http::decompression::RequestDecompressionLayer;

use crate::state::AppState;
use crate::telemetry::slots::ExportSlots;
use pages::admin;

pub mod activity;
mod alerts;
mod audit;
pub mod batch;
mod budgets;
mod commits;
mod cost_reports;
pub(crate) mod extract;
pub mod health;
mod identities;
pub mod ingest;
#[cfg(test)]
mod ingest_fuzz;
pub mod library;
pub mod me;
mod metrics;
pub(crate) mod middleware;
mod notifications;
mod oidc;
mod openapi;
pub mod otlp;
pub(crate) mod pages;
mod plans;
mod repositories;
mod reviews;
mod scrape;
mod webhooks;

/// Every route of the server: the JSON API under `/api/v1`, then the HTML pages.
pub fn table(state: AppState) -> Router {
    let gzip = || RequestDecompressionLayer::new().gzip(true);
    // OTLP exports admitted at once, over both signals.
    let otlp_slots = ExportSlots::new(state.settings.otlp_max_concurrent_exports);
    let api = Router::new()
        .route("/openapi.json", get(openapi::openapi_json))
        .route("/me", get(me::show))
        .route("/teams", get(me::teams))
        .route("/ingest/usage", post(ingest::upload_usage).layer(gzip()))
        .route("/ingest/status", get(ingest::status))
        .route("/ingest/commits", post(commits::upload).layer(gzip()))
        .route("/metrics/spend", get(metrics::spend))
        .route("/metrics/plans", get(metrics::plans))
        .route("/metrics/adoption", get(metrics::adoption))
        .route("/metrics/productivity", get(metrics::productivity))
        .route("/metrics/activity", get(activity::show))
        .route("/plans", get(plans::list).post(plans::create))
        .route("/plans/policy", get(plans::policy).put(plans::set_policy))
        .route("/plans/{id}", put(plans::update))
        .route("/users/{email}/plan", put(plans::assign_seat))
        .route("/reviews/summary", get(reviews::summary))
        .route("/reviews/alerts", get(reviews::alerts))
        .route(
            "/reviews/alerts/{repository}/{number}/acknowledge",
            post(reviews::acknowledge),
        )
        .route("/reviews/pull-requests", get(reviews::pull_requests))
        .route("/repositories", get(repositories::list))
        .route(
            "/repositories/{*path}",
            get(repositories::show).put(repositories::update),
        )
        .route("/audit", get(audit::list))
        .route("/identities", get(identities::list))
        .route("/identities/{id}/match", post(identities::match_to_user))
        .route("/webhooks/github", post(webhooks::github))
        .route("/webhooks/gitlab", post(webhooks::gitlab))
        // Library uploads are checked against the library's own limits once unpacked; the body
        // limit only has to let an honest archive through.
        .route(
            "/library/items",
            get(library::list).post(library::publish.layer(DefaultBodyLimit::disable())),
        )
        .route("/library/items/{id}", get(library::show))
        .route(
            "/library/items/{id}/versions/{version}",
            get(library::version_files),
        )
        .route(
            "/library/items/{id}/versions/{version}/approve",
            post(library::approve),
        )
        .route(
            "/library/items/{id}/versions/{version}/reject",
            post(library::reject),
        )
        .route("/library/items/{id}/withdraw", post(library::withdraw))
        .route("/library/pending", get(library::pending))
        .route("/library/marketplace", get(library::marketplace))
        .route("/library/installs", post(library::installs))
        .route(
            "/budgets",
            get(budgets::list).put(budgets::set).delete(budgets::remove),
        )
        .route("/alerts", get(alerts::history))
        .route(
            "/alerts/rules",
            get(alerts::list_rules).put(alerts::set_rule),
        )
        .route(
            "/alerts/webhooks",
            get(alerts::list_webhooks).post(alerts::add_webhook),
        )
        .route("/alerts/webhooks/{id}", delete(alerts::remove_webhook))
        .route("/alerts/deliveries", get(alerts::deliveries))
        .route("/alerts/deliveries/{id}/resend", put(alerts::resend))
        .route("/cost-reports/preview", get(cost_reports::preview))
        .route(
            "/cost-reports/recipients",
            get(cost_reports::list_recipients),
        )
        .route("/cost-reports/sends", get(cost_reports::sends))
        .route("/cost-reports/sends/{id}/resend", put(cost_reports::resend))
        .route(
            "/me/notifications",
            get(notifications::show).put(notifications::save),
        );

    let html = Router::new()
        .route("/", get(pages::overview::show))
        .route("/spend", get(pages::spend::show))
        .route("/plans", get(pages::plans::show))
        .route("/adoption", get(pages::adoption::show))
        .route("/productivity", get(pages::productivity::show))
        .route("/reviews", get(pages::reviews::show))
        .route(
            "/reviews/alerts/acknowledge",
            post(pages::reviews::acknowledge),
        )
        .route("/me", get(pages::developer::me))
        .route("/developers/{email}", get(pages::developer::other))
        .route("/login", get(pages::login::form).post(pages::login::submit))
        .route("/logout", post(pages::login::logout))
        .route(
            "/reset-password/{token}",
            get(pages::reset_password::form).post(pages::reset_password::submit),
        )
        .route(
            "/me/notifications",
            get(notifications::page).post(notifications::save_from_form),
        )
        .route("/library", get(library::html::index))
        .route(
            "/library/upload",
            post(library::html::upload.layer(DefaultBodyLimit::disable())),
        )
        .route("/library/pending", get(library::html::pending))
        .route("/library/{id}", get(library::html::item))
        .route(
            "/library/{id}/versions/{version}/{decision}",
            post(library::html::review),
        )
        .route("/library/{id}/withdraw", post(library::html::withdraw))
        .route("/auth/oidc/start", get(oidc::start))
        .route("/auth/oidc/callback", get(oidc::callback))
        .route(
            "/admin/users",
            get(admin::users::show).post(admin::users::add),
        )
        .route(
            "/admin/users/{email}",
            get(admin::user::show).post(admin::user::edit),
        )
        .route(
            "/admin/users/{email}/deactivate",
            post(admin::user::deactivate),
        )
        .route(
            "/admin/users/{email}/reactivate",
            post(admin::user::reactivate),
        )
        .route(
            "/admin/users/{email}/reset-password",
            post(admin::user::reset_password),
        )
        .route("/admin/users/{email}/seat", post(admin::user::assign_seat))
        .route(
            "/admin/teams",
            get(admin::teams::show).post(admin::teams::add),
        )
        .route("/admin/teams/{id}/rename", post(admin::teams::rename))
        .route("/admin/teams/{id}/delete", post(admin::teams::delete))
        .route(
            "/admin/tokens",
            get(admin::tokens::show).post(admin::tokens::create),
        )
        .route("/admin/tokens/{id}/revoke", post(admin::tokens::revoke))
        .route(
            "/admin/plans",
            get(admin::plans::show).post(admin::plans::add_price),
        )
        .route("/admin/plans/policy", post(admin::plans::set_policy))
        .route("/admin/plans/{id}/limits", post(admin::plans::set_limits))
        .route(
            "/admin/repositories",
            get(admin::repositories::show).post(admin::repositories::add),
        )
        .route(
            "/admin/repositories/{id}/critical-paths",
            post(admin::repositories::set_globs),
        )
        .route(
            "/admin/webhooks",
            get(admin::webhooks::show).post(admin::webhooks::set_secret),
        )
        .route("/admin/identities", get(admin::identities::show))
        .route("/admin/audit", get(admin::audit::show))
        .route(
            "/admin/budgets",
            get(budgets::page).post(budgets::set_from_form),
        )
        .route("/admin/budgets/remove", post(budgets::remove_from_form))
        .route("/admin/alerts", get(alerts::page))
        .route("/admin/alerts/rules", post(alerts::rules_from_form))
        .route(
            "/admin/alerts/webhooks",
            post(alerts::add_webhook_from_form),
        )
        .route(
            "/admin/alerts/webhooks/{id}/remove",
            post(alerts::remove_webhook_from_form),
        )
        .route(
            "/admin/alerts/deliveries/{id}/resend",
            post(alerts::resend_from_form),
        )
        .route("/admin/outbox", get(cost_reports::page))
        .route("/admin/outbox/{id}/message.eml", get(cost_reports::message))
        .route(
            "/admin/outbox/{id}/resend",
            post(cost_reports::resend_from_form),
        )
        .route(
            "/admin/identities/{id}/match",
            post(admin::identities::match_to_user),
        )
        .route("/static/{*path}", get(pages::static_file))
        .fallback(pages::not_found)
        .layer(from_fn(middleware::page_errors));

    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(scrape::on_main_address))
        .nest("/api/v1", api)
        .route(
            "/v1/metrics",
            post(otlp::export_metrics).layer(Extension(otlp_slots.clone())),
        )
        .route(
            "/v1/logs",
            post(otlp::export_logs).layer(Extension(otlp_slots)),
        )
        .merge(html)
        // Every matched route names its template for the request metrics.
        .route_layer(from_fn(middleware::matched_route))
        // Error pages look up who is signed in, to keep the navigation.
        .layer(Extension(state.clone()))
        .with_state(state)
}

/// The routes of `metrics_bind`: the Prometheus metrics alone.
pub fn metrics_only(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(scrape::on_own_address))
        .with_state(state)
}
