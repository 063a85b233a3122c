//! Server-rendered SVG charts: pure functions from plain data to an SVG string.
//!
//! Every label is XML-escaped, so the output may be inserted into a page with `|safe`. Charts use
//! only SVG presentation attributes (no `style`), carry `role="img"`, an `aria-label` and a
//! `<title>`, scale to their container through their `viewBox`, and draw an empty-state message
//! when there is nothing to show.

mod bars;
mod interval;
mod line;
mod ranked;
pub mod scale;
mod svg;

pub use bars::{bar_chart, BarChart, BarLayout};
pub use interval::{interval_chart, IntervalChart, IntervalEstimate};
pub use line::{line_chart, LineChart};
pub use ranked::{ranked_bars, RankedBar, RankedBars};

use crate::format;

/// What the numbers of a chart measure; decides how axis and value labels read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// US dollars (`$12.3k`).
    Usd,
    /// Token counts (`1.2M`).
    Tokens,
    /// Plain counts such as developers or pull requests (`1.2k`).
    Count,
    /// Ratios shown as percentages (`0.35` -> `35%`).
    Percent,
    /// Hours (`3.5h`).
    Hours,
}

impl Unit {
    /// A short label for an axis tick or a value next to a bar.
    pub fn label(self, value: f64) -> String {
        match self {
            Unit::Usd => format::usd_compact(value),
            Unit::Tokens | Unit::Count => format::tokens_compact(value),
            Unit::Percent => format!("{}%", format::tokens_compact(value * 100.0)),
            Unit::Hours => format!("{}h", format::tokens_compact(value)),
        }
    }
}

/// One named sequence of values, aligned with the chart's periods or categories.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend name, e.g. a team or model.
    pub name: String,
    /// One value per period or category; non-finite values are skipped.
    pub values: Vec<f64>,
    /// Draw as a dashed reference line (e.g. seats) rather than a solid series.
    pub dashed: bool,
}

impl Series {
    /// A solid series.
    pub fn new(name: impl Into<String>, values: Vec<f64>) -> Self {
        Self {
            name: name.into(),
            values,
            dashed: false,
        }
    }

    /// A dashed reference series, such as the number of seats.
    pub fn reference(name: impl Into<String>, values: Vec<f64>) -> Self {
        Self {
            name: name.into(),
            values,
            dashed: true,
        }
    }
}

/// Series colours: the accent first, then distinct hues that stay apart for common colour blindness.
const PALETTE: [&str; 8] = [
    "#4f46e5", "#0ea5e9", "#f59e0b", "#10b981", "#ec4899", "#8b5cf6", "#64748b", "#ef4444",
];

fn colour(index: usize) -> &'static str {
    PALETTE[index % PALETTE.len()]
}
