//! Analytics: the reports of the metrics engine (`agentmeter-metrics`) over the rows in a scope,
//! the plan catalog and seat assignments. A service: no HTTP (handlers are in `routes`) and no
//! SQL (statements are in `store`).
//!
//! - [`reports`]: one async function per report (spend, plans, adoption, productivity), shared by
//!   the JSON API and the HTML pages; [`cache`]: the computed reports they keep.
//! - [`load`]: database rows (read through `store::reports`) -> engine rows.
//! - [`catalog`], [`seats`]: the dated plan catalog and each developer's current plan;
//!   [`plan_policy`]: which plans recommendations may propose.
//! - [`dashboards`]: what each dashboard page reads, loaded together.
//! - [`params`]: query parameters and their defaults (the one `from`/`to` parser).
//! - [`as_of`]: the last day with data of a scope, where a report without `to` ends.

pub mod as_of;
pub(crate) mod cache;
pub mod catalog;
pub(crate) mod dashboards;
pub(crate) mod load;
pub mod params;
pub mod plan_policy;
pub mod reports;
pub(crate) mod seats;
