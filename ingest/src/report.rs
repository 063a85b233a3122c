//! The local report behind `agentmeter usage`: events grouped by day, week, month, session,
//! project, model or 5-hour window, with tokens and API-equivalent cost.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::pricing::{cost_usd, PriceTable};
use crate::windows::{assign, WindowSpan};
use crate::wire::{Tool, UsageEvent};

/// How rows are keyed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GroupBy {
    /// Calendar day in --tz (`2026-08-03`).
    Day,
    /// ISO week, keyed by its Monday (`2026-08-03`).
    Week,
    /// Calendar month in --tz (`2026-08`).
    Month,
    /// Assistant session id.
    Session,
    /// Working directory of the session.
    Project,
    /// Model id as logged.
    Model,
    /// 5-hour window, keyed by its start (UTC), as ccusage's `blocks`.
    Window,
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

    /// `t` as a wall-clock time in this zone.
    pub fn local(&self, t: DateTime<Utc>) -> DateTime<chrono::FixedOffset> {
        match self {
            Zone::Local => t.with_timezone(&chrono::Local).fixed_offset(),
            Zone::Named(tz) => t.with_timezone(tz).fixed_offset(),
        }
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
    /// The time of the report (which 5-hour window is still active).
    pub now: DateTime<Utc>,
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
    /// The window of a `--by window` row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<WindowSpan>,
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
    let mut chosen: Vec<&UsageEvent> = events
        .iter()
        .filter(|e| opts.tool.is_none_or(|t| t == e.tool))
        .filter(|e| {
            let date = opts.zone.date(e.timestamp);
            opts.since.is_none_or(|s| date >= s) && opts.until.is_none_or(|u| date <= u)
        })
        .collect();
    let windows = (opts.by == GroupBy::Window).then(|| {
        chosen.sort_by_key(|e| e.timestamp);
        let times: Vec<DateTime<Utc>> = chosen.iter().map(|e| e.timestamp).collect();
        assign(&times, opts.now)
    });
    let mut rows: BTreeMap<String, (Row, BTreeSet<String>)> = BTreeMap::new();
    let mut unknown = BTreeSet::new();
    let mut totals = Totals::default();
    for (n, event) in chosen.into_iter().enumerate() {
        let window = windows.as_ref().map(|(spans, of)| spans[of[n]]);
        let key = group_key(opts, event, window);
        let cost = cost_usd(prices, event);
        if cost.is_none() {
            unknown.insert(event.model.clone());
        }
        let (row, models) = rows.entry(key).or_default();
        models.insert(event.model.clone());
        row.window = window;
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

/// The row key of `event` (in `window` when grouped by window).
fn group_key(opts: &ReportOptions, event: &UsageEvent, window: Option<WindowSpan>) -> String {
    let date = opts.zone.date(event.timestamp);
    match opts.by {
        GroupBy::Window => window
            .map_or(event.timestamp, |w| w.start)
            .to_rfc3339_opts(SecondsFormat::Secs, true),
        GroupBy::Day => date.format("%Y-%m-%d").to_string(),
        GroupBy::Week => {
            let monday = date - Duration::days(i64::from(date.weekday().num_days_from_monday()));
            monday.format("%Y-%m-%d").to_string()
        }
        GroupBy::Month => date.format("%Y-%m").to_string(),
        GroupBy::Session => event.session_id.clone(),
        GroupBy::Project => event.project.clone().unwrap_or_else(|| "(unknown)".into()),
        GroupBy::Model => event.model.clone(),
    }
}

impl UsageReport {
    /// Rounds every cost to `decimals` places: sums of binary floating-point numbers carry
    /// noise (`0.30000000000000004`) below what the prices can express.
    pub fn round_costs(&mut self, decimals: u32) {
        let scale = 10f64.powi(decimals as i32);
        let round = |usd: &mut f64| *usd = (*usd * scale).round() / scale;
        for row in &mut self.rows {
            round(&mut row.cost_usd);
        }
        round(&mut self.totals.cost_usd);
    }
}
