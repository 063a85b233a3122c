//! Views of the agentmeter dashboard: page structs, templates, charts, static assets.
//!
//! The server maps domain data into the page structs of [`pages`] (already formatted strings plus
//! raw numbers for sorting, built with [`format`] and [`Figure`]), pre-renders charts with
//! [`charts`], and renders with [`askama::Template::render`]. Static files come from
//! [`static_asset`]. Nothing here knows about SQL or HTTP frameworks.
#![forbid(unsafe_code)]

pub mod assets;
pub mod charts;
pub mod figure;
pub mod format;
pub mod mail;
pub mod pages;
pub mod url;

pub use askama::Template;
pub use assets::{static_asset, StaticAsset};
pub use figure::{Delta, Figure, Sentiment};
