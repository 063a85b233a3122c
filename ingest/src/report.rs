//! The local report behind `agentmeter usage`: events grouped by day, week, month, session,
//! project or model, with tokens and API-equivalent cost.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::pricing::{cost_usd, PriceTable};
use crate::wire::{Tool, UsageEvent};

/// How rows are keyed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GroupBy {
    Day,
    /// ISO week, keyed by its Monday (`2026-08-03`).
    Week,
    Month,
    Session,
    Project,
    Model,
}

/// The zone dates are taken in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Zone {
    Local,
    Named(chrono_tz::Tz),
}

impl Zone {
    /// `UTC`, an IANA name such as `Europe/Paris`, or `local`.
    pub fn parse(name: &str) -> Result<Zone> {
        if name.eq_ignore_ascii_case("local") {
            return Ok(Zone::Local);
        }
        if name.eq_ignore_ascii_case("utc") || name.eq_ignore_ascii_case("z") {
            return Ok(Zone::Named(chrono_tz::UTC));
        }
        name.parse::<chrono_tz::Tz>()
            .map(Zone::Named)
            .map_err(|_| Error::InvalidArgument(format!("unknown time zone `{name}`")))
    }

    /// The calendar date of `t` in this zone.
    pub fn date(&self, t: DateTime<Utc>) -> NaiveDate {
        match self {
            Zone::Local => t.with_timezone(&chrono::Local).date_naive(),
            Zone::Named(tz) => t.with_timezone(tz).date_naive(),
        }
    }
}

/// What to include and how to group it.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    pub by: GroupBy,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub zone: Zone,
    /// `None` for every tool.
    pub tool: Option<Tool>,
}

/// One row of the report. `cache_creation_tokens` is 5m + 1h writes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub key: String,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cache_creation_tokens: u64,
    pub cache_read_tokens: u64,
    pub total_tokens: u64,
    pub cost_usd: f64,
    pub models: Vec<String>,
}

/// Sums over every row.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cache_creation_tokens: u64,
    pub cache_read_tokens: u64,
    pub total_tokens: u64,
    pub cost_usd: f64,
}

impl Row {
    fn add(&mut self, event: &UsageEvent, cost: Option<f64>) {
        let sums = [
            &mut self.input_tokens,
            &mut self.output_tokens,
            &mut self.cache_creation_tokens,
            &mut self.cache_read_tokens,
            &mut self.total_tokens,
        ];
        add_tokens(sums, event);
        self.cost_usd += cost.unwrap_or(0.0);
    }
}

impl Totals {
    fn add(&mut self, event: &UsageEvent, cost: Option<f64>) {
        let sums = [
            &mut self.input_tokens,
            &mut self.output_tokens,
            &mut self.cache_creation_tokens,
            &mut self.cache_read_tokens,
            &mut self.total_tokens,
        ];
        add_tokens(sums, event);
        self.cost_usd += cost.unwrap_or(0.0);
    }
}

/// Adds the tokens of `event` to sums of (input, output, cache creation, cache read, total),
/// saturating: a damaged log line may carry counts near `u64::MAX`.
fn add_tokens(sums: [&mut u64; 5], event: &UsageEvent) {
    let counts = [
        event.input_tokens,
        event.output_tokens,
        event
            .cache_write_5m_tokens
            .saturating_add(event.cache_write_1h_tokens),
        event.cache_read_tokens,
        event.total_tokens(),
    ];
    for (sum, count) in sums.into_iter().zip(counts) {
        *sum = sum.saturating_add(count);
    }
}

/// The report, as `agentmeter usage --json` prints it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UsageReport {
    pub rows: Vec<Row>,
    pub totals: Totals,
    pub skipped_lines: u64,
    /// Models without a price: their tokens are counted, their cost is not (never a silent $0).
    pub unknown_models: Vec<String>,
}

/// Groups `events` into a report.
pub fn build_report(
    events: &[UsageEvent],
    prices: &PriceTable,
    opts: &ReportOptions,
    skipped_lines: u64,
) -> UsageReport {
    let mut rows: BTreeMap<String, (Row, BTreeSet<String>)> = BTreeMap::new();
    let mut unknown = BTreeSet::new();
    let mut totals = Totals::default();
    for event in events {
        if opts.tool.is_some_and(|t| t != event.tool) {
            continue;
        }
        let date = opts.zone.date(event.timestamp);
        if opts.since.is_some_and(|s| date < s) || opts.until.is_some_and(|u| date > u) {
            continue;
        }
        let key = match opts.by {
            GroupBy::Day => date.format("%Y-%m-%d").to_string(),
            GroupBy::Week => {
                let monday =
                    date - Duration::days(i64::from(date.weekday().num_days_from_monday()));
                monday.format("%Y-%m-%d").to_string()
            }
            GroupBy::Month => date.format("%Y-%m").to_string(),
            GroupBy::Session => event.session_id.clone(),
            GroupBy::Project => event.project.clone().unwrap_or_else(|| "(unknown)".into()),
            GroupBy::Model => event.model.clone(),
        };
        let cost = cost_usd(prices, event);
        if cost.is_none() {
            unknown.insert(event.model.clone());
        }
        let (row, models) = rows.entry(key).or_default();
        models.insert(event.model.clone());
        row.add(event, cost);
        totals.add(event, cost);
    }
    let rows = rows
        .into_iter()
        .map(|(key, (row, models))| Row {
            key,
            models: models.into_iter().collect(),
            ..row
        })
        .collect();
    UsageReport {
        rows,
        totals,
        skipped_lines,
        unknown_models: unknown.into_iter().collect(),
    }
}

/// The report as an aligned text table.
pub fn render_table(report: &UsageReport, by: GroupBy) -> String {
    let header = [
        format!("{by:?}"),
        "Input".into(),
        "Output".into(),
        "Cache write".into(),
        "Cache read".into(),
        "Total".into(),
        "Cost (USD)".into(),
        "Models".into(),
    ];
    let mut lines: Vec<[String; 8]> = vec![header];
    let fmt = |r: &Row| -> [String; 8] {
        [
            r.key.clone(),
            r.input_tokens.to_string(),
            r.output_tokens.to_string(),
            r.cache_creation_tokens.to_string(),
            r.cache_read_tokens.to_string(),
            r.total_tokens.to_string(),
            format!(
                "{}{}",
                money(r.cost_usd),
                if r.models.iter().any(|m| report.unknown_models.contains(m)) {
                    " +?"
                } else {
                    ""
                }
            ),
            r.models.join(", "),
        ]
    };
    lines.extend(report.rows.iter().map(fmt));
    let t = &report.totals;
    lines.push(fmt(&Row {
        key: "Total".into(),
        input_tokens: t.input_tokens,
        output_tokens: t.output_tokens,
        cache_creation_tokens: t.cache_creation_tokens,
        cache_read_tokens: t.cache_read_tokens,
        total_tokens: t.total_tokens,
        cost_usd: t.cost_usd,
        models: vec![],
    }));
    let widths: Vec<usize> = (0..8)
        .map(|i| {
            lines
                .iter()
                .map(|l| l[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for (n, line) in lines.iter().enumerate() {
        let cells: Vec<String> = line
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i == 0 || i == 7 {
                    format!("{c:<w$}", w = widths[i])
                } else {
                    format!("{c:>w$}", w = widths[i])
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
        if n == 0 || n == lines.len() - 2 {
            out.push_str(&"-".repeat(widths.iter().sum::<usize>() + 14));
            out.push('\n');
        }
    }
    if report.skipped_lines > 0 {
        out.push_str(&format!(
            "{} line(s) skipped (blank, malformed or truncated); --verbose lists them\n",
            report.skipped_lines
        ));
    }
    out
}

/// Dollars with cents, or four decimals for small amounts.
fn money(usd: f64) -> String {
    if usd.abs() < 10.0 {
        format!("{usd:.4}")
    } else {
        format!("{usd:.2}")
    }
}
