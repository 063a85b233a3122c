//! `agentmeter usage`: the local report, as a table for people or JSON for scripts. Costs are
//! computed from each request's tokens with the price table, never taken from `costUSD` fields
//! that some logs carry: those are absent from recent Claude Code logs and from Codex's, and
//! were written with whatever prices the tool knew at the time.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::app::read_all;
use crate::cli::{ToolChoice, UsageArgs};
use crate::error::{Error, Result};
use crate::pricing::{PriceTable, BUILTIN_PRICES_CSV};
use crate::report::{build_report, ReportOptions, Zone};
use crate::selection::{roots, wants};
use crate::sources::LogRoots;
use crate::usage_table::render;
use crate::wire::Tool;

/// Runs `agentmeter usage`; `user_prices` is the `--prices` file, if any.
pub fn run(args: &UsageArgs, prices: &PriceTable, user_prices: Option<&Path>) -> Result<i32> {
    let zone = Zone::parse(&args.tz)?;
    let roots = roots(&args.logs)?;
    if roots.discover(|k| wants(args.tool, k)).is_empty() {
        return Err(Error::NoLogs {
            looked: looked_in(&roots, args.tool),
        });
    }
    let collected = read_all(&roots, args.tool, args.logs.verbose);
    let opts = ReportOptions {
        by: args.by,
        since: args.since,
        until: args.until,
        zone,
        tool: match args.tool {
            ToolChoice::Claude => Some(Tool::ClaudeCode),
            ToolChoice::Codex => Some(Tool::Codex),
            ToolChoice::All => None,
        },
        now: chrono::Utc::now(),
    };
    let mut report = build_report(&collected.events, prices, &opts, collected.skipped_lines);
    if !report.unknown_models.is_empty() {
        anstream::eprintln!(
            "{}warning:{} no price for model(s) {}: their tokens are counted, their cost is unknown and left out",
            anstyle::AnsiColor::Yellow.on_default().bold(),
            anstyle::Reset,
            report.unknown_models.join(", ")
        );
    }
    let text = if args.json {
        report.round_costs(cost_decimals(user_prices)?);
        let json = serde_json::to_string_pretty(&report)
            .map_err(|e| Error::InvalidArgument(format!("cannot encode report: {e}")))?;
        json + "\n"
    } else {
        render(&report, args.by, zone)
    };
    let mut out = anstream::stdout();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Error::io("standard output", e))?;
    Ok(0)
}

/// The directories searched for `choice`, for the message when none holds a log.
fn looked_in(roots: &LogRoots, choice: ToolChoice) -> Vec<PathBuf> {
    let claude = wants(choice, crate::sources::LogKind::Claude).then_some(&roots.claude);
    let codex = wants(choice, crate::sources::LogKind::Codex).then_some(&roots.codex);
    claude
        .into_iter()
        .chain(codex)
        .chain(std::iter::once(&roots.mixed))
        .flatten()
        .cloned()
        .collect()
}

/// Decimal places of a cost as exact as the prices make it: prices are USD per million tokens
/// with at most `d` decimals in the builtin table and the user's file, so one token costs a
/// multiple of 10^-(6+d) dollars. Multipliers (long context, fast mode, US inference) can give
/// a finer remainder, which is rounded away with the float noise.
fn cost_decimals(user_prices: Option<&Path>) -> Result<u32> {
    let mut decimals = price_decimals(BUILTIN_PRICES_CSV);
    if let Some(path) = user_prices {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        decimals = decimals.max(price_decimals(&text));
    }
    Ok(6 + decimals)
}

/// The most decimals any number of a price CSV has.
fn price_decimals(csv: &str) -> u32 {
    csv.lines()
        .skip(1)
        .flat_map(|line| line.split(',').skip(1))
        .filter_map(|field| field.trim().split_once('.'))
        .map(|(_, fraction)| fraction.len() as u32)
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_prices_define_costs_to_the_billionth_of_a_dollar() {
        assert_eq!(price_decimals(BUILTIN_PRICES_CSV), 3, "e.g. 0.125 per MTok");
        assert_eq!(cost_decimals(None).ok(), Some(9));
        assert_eq!(price_decimals("model,input\nm,3.14159\nn,2"), 5);
    }
}
