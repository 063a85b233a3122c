//! Developer-side collectors for agentmeter and the wire types shared with the server.
//!
//! This crate must never depend on sqlx, axum or polars: it is what developers install.
#![forbid(unsafe_code)]

pub mod api;
pub mod app;
pub mod claude;
pub mod cli;
pub mod codex;
pub mod collect;
pub mod config;
pub mod edits;
pub mod error;
pub mod gitlog;
pub mod gitremote;
pub mod hook;
pub mod library;
pub mod line;
pub mod login;
pub mod merge;
pub mod pricing;
pub mod progress;
pub mod report;
pub mod request;
pub mod scan;
pub mod selection;
pub mod sources;
pub mod state;
pub mod synth;
pub mod upload;
pub mod usage;
pub mod usage_table;
pub mod validate;
pub mod validate_git;
pub mod windows;
pub mod wire;
pub mod wire_git;
pub mod wire_library;

pub use error::{Error, Result};
pub use pricing::{cost_usd, PriceTable};
pub use validate::validate_event;
pub use validate_git::validate_commit;
