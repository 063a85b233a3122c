//! agentmeter server: stores usage and review events, computes metrics, serves the API and the
//! manager dashboard. `main.rs` only parses arguments and calls [`cli::run`].
#![forbid(unsafe_code)]

pub mod admin;
pub mod alerts;
pub mod analytics;
mod app;
pub mod auth;
pub mod budgets;
pub mod cli;
pub mod cost_reports;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod library;
pub(crate) mod observability;
pub mod reviews;
pub(crate) mod routes;
pub mod scheduler;
pub mod settings;
pub mod state;
pub mod store;
pub mod telemetry;
pub(crate) mod views;

pub use app::Application;
pub use error::{Error, Result};
pub use settings::Settings;
