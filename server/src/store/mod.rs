//! Storage: plain async functions over [`Db`](crate::db::Db), one module per resource.

pub mod accounts;
pub mod branch_sessions;
pub mod commits;
pub mod identities;
pub(crate) mod json_text;
pub mod pool;
pub mod pull_requests;
pub mod repositories;
pub mod reviews;
pub mod sessions;
pub mod tokens;
pub mod usage;
pub mod webhooks;
