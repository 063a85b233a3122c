//! Analytics: the metrics endpoints, the plan catalog and seat assignments, and the loaders that
//! feed the metrics engine (`agentmeter-metrics`) with rows in the caller's scope.
//!
//! - [`reports`]: one async function per report (spend, plans, adoption, productivity), shared by
//!   the JSON API and the HTML pages; [`cache`]: the computed reports they keep.
//! - [`load`]: database rows (read through `store::reports`) -> engine rows.
//! - [`catalog`], [`seats`]: the dated plan catalog and each developer's current plan.
//! - [`api`], [`pages`]: thin HTTP handlers; [`params`]: query parameters and their defaults.

pub mod api;
pub mod cache;
pub mod catalog;
pub mod load;
pub mod pages;
pub mod params;
pub mod reports;
pub mod seats;
