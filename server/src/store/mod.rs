//! Storage: plain async functions over [`Db`](crate::db::Db), one module per resource.

pub mod accounts;
pub mod branch_sessions;
pub mod commits;
pub mod data_as_of;
pub mod identities;
pub mod library;
pub mod library_usage;
mod json_rows;
pub mod plans;
pub mod pool;
pub mod pull_requests;
pub mod reports;
pub mod repositories;
pub mod reviews;
mod rollup;
pub mod sessions;
mod sql;
pub mod telemetry;
pub mod tokens;
pub mod usage;
mod usage_rows;
pub mod webhooks;
