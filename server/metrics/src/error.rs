//! The one error type of the metrics engine.

use thiserror::Error;

/// Everything that can go wrong while computing a report.
#[derive(Debug, Error)]
pub enum MetricsError {
    /// A polars operation failed (a schema mismatch is a bug in this crate, not in the input).
    #[error("polars: {0}")]
    Polars(#[from] polars::prelude::PolarsError),
    /// The parameters make no sense, e.g. `from` after `to`.
    #[error("invalid parameters: {0}")]
    InvalidParams(String),
    /// A timestamp or date outside the range chrono can represent.
    #[error("timestamp out of range: {0}")]
    TimeOutOfRange(i64),
    /// The plan catalog CSV could not be read.
    #[error("plan catalog line {line}: {reason}")]
    Catalog {
        /// 1-based line number in the CSV.
        line: usize,
        /// What was wrong with it.
        reason: String,
    },
}

/// Result alias used throughout the crate.
pub type Result<T> = std::result::Result<T, MetricsError>;
