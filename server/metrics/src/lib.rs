//! The agentmeter metrics engine: every figure a manager sees, defined once (see docs/metrics.md)
//! and computed as pure functions over polars frames. No database, no HTTP, no clock: the server
//! loads rows ([`rows`]), builds frames ([`frames`]) and calls one report function per endpoint
//! off the async runtime: [`spend::spend_report`], [`plans::plans_report`],
//! [`adoption::adoption_report`], [`productivity::productivity_report`],
//! [`reviews::reviews_report`], [`activity::activity_report`].
#![forbid(unsafe_code)]

pub mod activity;
pub mod adoption;
pub mod blocks;
pub mod bootstrap;
pub mod calendar;
pub mod catalog;
pub mod error;
pub mod frames;
pub mod library;
pub mod plan_policy;
pub mod plan_totals;
pub mod plans;
pub mod productivity;
pub mod reviews;
pub mod rows;
pub mod spend;

pub use error::{MetricsError, Result};

#[cfg(test)]
mod tests;
