//! Vendor pricing rules: Anthropic 5m/1h cache writes, the per-request long-context rule, the
//! Haiku 5.5 prompt tier, fast-mode and US-inference multipliers; OpenAI cached input and the
//! 272k long-context rule.

use chrono::{DateTime, NaiveDate, Utc};

use crate::pricing::table::{ModelPrice, PriceTable};
use crate::wire::UsageEvent;

/// Token counts of one request in the normalized shape: `input` excludes cached tokens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestTokens {
    pub input: u64,
    pub output: u64,
    pub cache_write_5m: u64,
    pub cache_write_1h: u64,
    pub cache_read: u64,
}

impl RequestTokens {
    /// Every prompt-side token: what the long-context thresholds compare against.
    pub fn prompt(&self) -> u64 {
        [self.cache_write_5m, self.cache_write_1h, self.cache_read]
            .into_iter()
            .fold(self.input, u64::saturating_add)
    }
}

/// The cost of one request and how it was reached.
#[derive(Debug, Clone, PartialEq)]
pub struct PricedRequest {
    pub usd: f64,
    /// The price-table id the model matched.
    pub priced_as: String,
    /// Whether the whole request was billed at long-context (or prompt-tier) rates.
    pub long_context: bool,
}

/// API-equivalent cost of a stored or freshly parsed event; `None` when the model is unknown.
pub fn cost_usd(table: &PriceTable, event: &UsageEvent) -> Option<f64> {
    let tokens = RequestTokens {
        input: event.input_tokens,
        output: event.output_tokens,
        cache_write_5m: event.cache_write_5m_tokens,
        cache_write_1h: event.cache_write_1h_tokens,
        cache_read: event.cache_read_tokens,
    };
    price_request(
        table,
        &event.model,
        event.timestamp,
        &tokens,
        event.speed.as_deref(),
        event.inference_geo.as_deref(),
    )
    .map(|p| p.usd)
}

/// Prices one request. `speed` is the log's `usage.speed`, `geo` its `usage.inference_geo`.
pub fn price_request(
    table: &PriceTable,
    model: &str,
    at: DateTime<Utc>,
    tokens: &RequestTokens,
    speed: Option<&str>,
    geo: Option<&str>,
) -> Option<PricedRequest> {
    let (priced_as, price) = table.lookup(model)?;
    let family = family_of(priced_as);
    let (rates, long_context) = if family.starts_with("claude") {
        anthropic_rates(family, price, tokens, at)
    } else {
        openai_rates(family, price, tokens)
    };
    let mut usd = (tokens.input as f64 * rates.input
        + tokens.output as f64 * rates.output
        + tokens.cache_write_5m as f64 * rates.write_5m
        + tokens.cache_write_1h as f64 * rates.write_1h
        + tokens.cache_read as f64 * rates.read)
        / 1_000_000.0;
    if family.starts_with("claude") {
        if speed == Some("fast") {
            usd *= fast_multiplier(family);
        }
        if geo == Some("us") && is_claude_4_6_or_later(family) {
            usd *= 1.1;
        }
    }
    Some(PricedRequest {
        usd,
        priced_as: priced_as.to_string(),
        long_context,
    })
}

struct Rates {
    input: f64,
    output: f64,
    write_5m: f64,
    write_1h: f64,
    read: f64,
}

fn anthropic_rates(
    family: &str,
    p: &ModelPrice,
    t: &RequestTokens,
    at: DateTime<Utc>,
) -> (Rates, bool) {
    let mut r = Rates {
        input: p.input,
        output: p.output,
        write_5m: p.cache_write_5m.unwrap_or(p.input * 1.25),
        write_1h: p.cache_write_1h.unwrap_or(p.input * 2.0),
        read: p.cache_read.unwrap_or(p.input * 0.1),
    };
    if family == "claude-sonnet-5-5" && at < date(2026, 10, 7) {
        r.read *= 2.0; // 0.20 before 2026-10-07, 0.10 after (the CSV has the new value)
    }
    if family == "claude-haiku-5-5" && t.prompt() > 100_000 {
        let tier = Rates {
            input: 0.5,
            output: 2.5,
            write_5m: 0.625,
            write_1h: 1.0,
            read: 0.05,
        };
        return (tier, true);
    }
    if t.prompt() <= 200_000 {
        return (r, false);
    }
    let (input_factor, output_factor) = match (p.input_above_200k, p.output_above_200k) {
        (Some(i), Some(o)) if p.input > 0.0 && p.output > 0.0 => (i / p.input, o / p.output),
        _ if matches!(family, "claude-opus-4-6" | "claude-sonnet-4-6")
            && at < date(2026, 3, 13) =>
        {
            (2.0, 1.5)
        }
        _ => return (r, false),
    };
    r.input *= input_factor;
    r.write_5m *= input_factor;
    r.write_1h *= input_factor;
    r.read *= input_factor;
    r.output *= output_factor;
    (r, true)
}

fn openai_rates(family: &str, p: &ModelPrice, t: &RequestTokens) -> (Rates, bool) {
    let mut r = Rates {
        input: p.input,
        output: p.output,
        // Without a cache-write price OpenAI charges nothing extra for cache writes.
        write_5m: p.cache_write_5m.unwrap_or(0.0),
        write_1h: p.cache_write_5m.unwrap_or(0.0),
        // Without a cached-input price cached tokens cost full input price.
        read: p.cache_read.unwrap_or(p.input),
    };
    let has_long_rule = matches!(family, "gpt-5.4" | "gpt-5.5")
        || family.starts_with("gpt-5.6")
        || family.starts_with("gpt-6");
    let long = has_long_rule && t.input.saturating_add(t.cache_read) > 272_000;
    if long {
        r.input *= 2.0;
        r.read *= 2.0;
        r.output *= 1.5;
    }
    (r, long)
}

/// Fast mode: 6x on Opus 4.6/4.7, 2x on Opus 4.8, 5 and 5.5. Other models have no fast mode;
/// a `speed: fast` on them is billed at list price (documented in docs/metrics.md).
fn fast_multiplier(family: &str) -> f64 {
    match family {
        "claude-opus-4-6" | "claude-opus-4-7" => 6.0,
        "claude-opus-4-8" | "claude-opus-5" | "claude-opus-5-5" => 2.0,
        _ => 1.0,
    }
}

/// Models from the 4.6 generation on (US-only inference costs 1.1x on them).
fn is_claude_4_6_or_later(family: &str) -> bool {
    let numbers: Vec<u32> = family.split('-').filter_map(|p| p.parse().ok()).collect();
    match numbers.as_slice() {
        [] => !family.contains("claude-instant"),
        [major] => *major >= 5,
        [major, minor, ..] => (*major, *minor) >= (4, 6),
    }
}

/// The priced id without a date suffix: `claude-opus-4-6-20260205` -> `claude-opus-4-6`.
fn family_of(priced_as: &str) -> &str {
    let b = priced_as.as_bytes();
    if b.len() > 9 && b[b.len() - 9] == b'-' && b[b.len() - 8..].iter().all(u8::is_ascii_digit) {
        &priced_as[..priced_as.len() - 9]
    } else {
        priced_as
    }
}

fn date(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|dt| dt.and_utc())
        .unwrap_or_default()
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
