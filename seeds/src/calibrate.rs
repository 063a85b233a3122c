//! Calibration of the planted team spend: the team's requests of a month are scaled so that
//! their API-equivalent cost, priced by the ingest crate's own price table, is the planted
//! figure to the cent; the rounding residue is then taken off one request, token by token.

use agentmeter_ingest::pricing::PriceTable;
use agentmeter_ingest::wire::Tool;
use chrono::NaiveDate;

use crate::model::{request_cost, Request, Session};
use crate::org::DEVELOPERS;
use crate::timeline::first_of_month;

/// Whether a request falls in the month starting `month` (UTC; the demo's activity is in office
/// hours, so its months are the same in any org time zone it supports).
fn in_month(request: &Request, month: NaiveDate) -> bool {
    first_of_month(request.at.date_naive()) == month
}

/// Requests of `team` in the month starting `month` over every tool.
fn team_requests<'a>(
    sessions: &'a mut [Session],
    team: &str,
    month: NaiveDate,
) -> Vec<(Tool, &'a mut Request)> {
    sessions
        .iter_mut()
        .filter(|s| DEVELOPERS[s.developer].team == team)
        .flat_map(|s| {
            let tool = s.tool;
            s.requests
                .iter_mut()
                .filter(move |r| in_month(r, month))
                .map(move |r| (tool, r))
        })
        .collect()
}

/// API-equivalent cost of `team` in the month starting `month`.
pub fn team_cost(sessions: &[Session], prices: &PriceTable, team: &str, month: NaiveDate) -> f64 {
    sessions
        .iter()
        .filter(|s| DEVELOPERS[s.developer].team == team)
        .flat_map(|s| {
            s.requests
                .iter()
                .filter(|r| in_month(r, month))
                .map(move |r| request_cost(prices, s.tool, r))
        })
        .sum()
}

fn scale(value: u64, factor: f64) -> u64 {
    (value as f64 * factor).round() as u64
}

/// Scales the team's month to `target_usd` and removes the residue; returns the final cost.
pub fn calibrate(
    sessions: &mut [Session],
    prices: &PriceTable,
    team: &str,
    month: NaiveDate,
    target_usd: f64,
) -> f64 {
    let factor = target_usd / team_cost(sessions, prices, team, month);
    let mut requests = team_requests(sessions, team, month);
    for (_, r) in requests.iter_mut() {
        r.input = scale(r.input, factor).max(1);
        r.output = scale(r.output, factor).max(1);
        r.cache_write_5m = scale(r.cache_write_5m, factor);
        r.cache_write_1h = scale(r.cache_write_1h, factor);
        r.cache_read = scale(r.cache_read, factor);
        r.reasoning = scale(r.reasoning, factor).min(r.output);
    }
    let total: f64 = requests
        .iter()
        .map(|(t, r)| request_cost(prices, *t, r))
        .sum();
    // The Claude request with the most output absorbs the residue.
    let Some((tool, request)) = requests
        .into_iter()
        .filter(|(t, _)| *t == Tool::ClaudeCode)
        .max_by_key(|(_, r)| r.output)
    else {
        return total;
    };
    let others = total - request_cost(prices, tool, request);
    type Field = fn(&mut Request) -> &mut u64;
    let fields: [Field; 4] = [
        |r| &mut r.output,
        |r| &mut r.cache_write_5m,
        |r| &mut r.input,
        |r| &mut r.cache_read,
    ];
    for field in fields {
        let residue = target_usd - others - request_cost(prices, tool, request);
        let before = *field(request);
        *field(request) = before + 1_000_000;
        let per_token =
            (request_cost(prices, tool, request) - (target_usd - others - residue)) / 1_000_000.0;
        let step = (residue / per_token).round() as i64;
        *field(request) = before.saturating_add_signed(step);
    }
    others + request_cost(prices, tool, request)
}
