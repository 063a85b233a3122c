//! Assistant usage: from each developer's first-session day, sessions on active weekdays sized
//! by a monthly budget of API-equivalent dollars that depends on the developer's persona. Sessions
//! work on the head branches of the developer's AI-assisted PRs (or `main`).

use agentmeter_ingest::pricing::PriceTable;
use agentmeter_ingest::wire::Tool;
use chrono::NaiveDate;

use crate::model::{request_cost, PullRequest, Request, Session, ToolCall};
use crate::org::{Developer, Persona, DEVELOPERS};
use crate::rng::SplitMix64;
use crate::timeline::{at, last_of_month, midnight, workdays, Calendar};

/// Monthly API-equivalent budget of a developer for the `month_index`-th month of the adoption
/// period (0 = the first), before the share of the month they had not started yet is taken off.
/// From the third month on, budgets stay at the third month's level.
fn monthly_budget(rng: &mut SplitMix64, developer: &Developer, month_index: usize) -> f64 {
    let (low, high, growth) = match developer.persona {
        Persona::Power => (110.0, 160.0, [0.75, 1.0, 1.15]),
        Persona::Regular => (22.0, 40.0, [0.8, 1.0, 1.0]),
        Persona::PaygHeavy => (50.0, 62.0, [1.0, 1.0, 1.0]),
        Persona::Light => (3.0, 8.0, [1.0; 3]),
        Persona::PaygLight => (2.0, 6.0, [1.0; 3]),
        Persona::Never => (0.0, 0.0, [0.0; 3]),
    };
    // Payments' heaviest user holds back in the first spend month and goes all in with agents in
    // the second.
    let growth = if developer.login == "rahul-mehta" {
        [1.1, 1.3, 2.5]
    } else {
        growth
    };
    rng.between(low, high) * growth[month_index.min(2)]
}

fn active_probability(persona: Persona) -> f64 {
    match persona {
        Persona::Power => 0.92,
        Persona::Regular => 0.5,
        Persona::PaygHeavy => 0.8,
        Persona::Light => 0.2,
        Persona::PaygLight => 0.15,
        Persona::Never => 0.0,
    }
}

/// Every session of every developer who starts.
pub fn sessions(
    seed: u64,
    calendar: &Calendar,
    first_use: &[Option<NaiveDate>],
    prs: &[PullRequest],
    prices: &PriceTable,
) -> Vec<Session> {
    let mut out = Vec::new();
    for (index, developer) in DEVELOPERS.iter().enumerate() {
        let Some(first) = first_use[index] else {
            continue;
        };
        let mut rng = SplitMix64::derive(seed, &format!("usage:{}", developer.login));
        let own: Vec<&PullRequest> = prs
            .iter()
            .filter(|p| p.author == index && p.ai_assisted)
            .collect();
        let p_active = active_probability(developer.persona);
        for (month_index, month) in calendar.adoption_months().into_iter().enumerate() {
            let last = last_of_month(month).min(calendar.end);
            let month_days: Vec<NaiveDate> = workdays(first.max(month), last);
            if month_days.is_empty() {
                continue;
            }
            let share =
                month_days.len() as f64 / workdays(month, last_of_month(month)).len() as f64;
            let budget = monthly_budget(&mut rng, developer, month_index) * share;
            let per_day = budget / (p_active * month_days.len() as f64).max(1.0);
            for day in month_days {
                if day != first && !rng.chance(p_active) {
                    continue;
                }
                let day_budget = per_day * rng.between(0.7, 1.3);
                let n = if developer.persona == Persona::Power {
                    rng.int(2, 3)
                } else {
                    rng.int(1, 2)
                };
                for j in 0..n {
                    let start = 8.5 + j as f64 * 8.0 / n as f64 + rng.between(0.0, 1.0);
                    let tool = if rng.chance(developer.codex_share) {
                        Tool::Codex
                    } else {
                        Tool::ClaudeCode
                    };
                    let branch = branch_for(&own, day, start);
                    let session = session(
                        &mut rng,
                        prices,
                        index,
                        developer,
                        tool,
                        branch,
                        day,
                        start,
                        day_budget / n as f64,
                    );
                    if !session.requests.is_empty() {
                        out.push(session);
                    }
                }
            }
        }
    }
    out
}

/// The head branch of an AI-assisted PR of the developer open at that time, else `main`.
fn branch_for(own: &[&PullRequest], day: NaiveDate, hour: f64) -> String {
    let t = at(day, hour);
    own.iter()
        .find(|p| p.commits.first().map_or(p.created_at, |c| c.at) <= t && t <= p.merged_at)
        .map_or_else(|| "main".to_string(), |p| p.head_branch.clone())
}

#[allow(clippy::too_many_arguments)]
fn session(
    rng: &mut SplitMix64,
    prices: &PriceTable,
    index: usize,
    developer: &Developer,
    tool: Tool,
    branch: String,
    day: NaiveDate,
    start_hour: f64,
    budget: f64,
) -> Session {
    let power = developer.persona == Persona::Power;
    let model = match tool {
        Tool::Codex => "gpt-5-codex",
        Tool::ClaudeCode if rng.chance(if power { 0.85 } else { 0.2 }) => "claude-opus-4-6",
        Tool::ClaudeCode => "claude-sonnet-4-5",
    };
    let cap = if model == "claude-opus-4-6" {
        180_000
    } else {
        140_000
    };
    let permission_mode = match rng.int(0, 9) {
        0..=4 => "default",
        5..=7 => "acceptEdits",
        _ if power => "bypassPermissions",
        _ => "default",
    };
    let repository = crate::org::team(developer.team).map_or("platform-infra", |t| t.repository);
    let mut requests = Vec::new();
    let (mut spent, mut clock, mut context) = (0.0, start_hour * 3600.0, rng.int(8_000, 12_000));
    while spent < budget && clock < 17.9 * 3600.0 {
        let first = requests.is_empty();
        let subagent = tool == Tool::ClaudeCode && power && !first && rng.chance(0.08);
        let request = match tool {
            Tool::Codex => codex_request(rng, clock),
            Tool::ClaudeCode => claude_request(
                rng,
                day,
                clock,
                if subagent { "claude-haiku-4-5" } else { model },
                context,
                first,
                subagent,
                power,
            ),
        };
        context = if context + request.cache_write_5m > cap {
            30_000
        } else {
            context + request.cache_write_5m
        };
        spent += request_cost(prices, tool, &request);
        requests.push(Request {
            at: midnight(day) + chrono::Duration::milliseconds((clock * 1000.0) as i64),
            ..request
        });
        clock += rng.between(30.0, 150.0);
    }
    Session {
        id: rng.uuid(),
        tool,
        developer: index,
        repository,
        branch,
        permission_mode,
        requests,
    }
}

#[allow(clippy::too_many_arguments)]
fn claude_request(
    rng: &mut SplitMix64,
    day: NaiveDate,
    clock: f64,
    model: &'static str,
    context: u64,
    first: bool,
    subagent: bool,
    power: bool,
) -> Request {
    let output_max = if power { 4_000 } else { 2_500 };
    let tools = match rng.int(0, 19) {
        0..=5 => vec![call("Read", rng, 0, 0)],
        6..=10 => {
            let (added, removed) = (rng.int(1, 40), rng.int(0, 20));
            vec![call("Edit", rng, added, removed)]
        }
        11..=13 => vec![call("Bash", rng, 0, 0)],
        14..=15 => vec![call("Grep", rng, 0, 0)],
        16 => {
            let added = rng.int(10, 120);
            vec![call("Write", rng, added, 0)]
        }
        _ => Vec::new(),
    };
    Request {
        at: midnight(day) + chrono::Duration::milliseconds((clock * 1000.0) as i64),
        model,
        input: rng.int(1, 12),
        output: rng.int(200, if subagent { 800 } else { output_max }),
        cache_write_5m: if first { 0 } else { rng.int(2_000, 12_000) },
        cache_write_1h: if first { rng.int(9_000, 15_000) } else { 0 },
        cache_read: if subagent {
            rng.int(10_000, 40_000)
        } else {
            context
        },
        reasoning: 0,
        tools,
        subagent,
    }
}

fn codex_request(rng: &mut SplitMix64, clock: f64) -> Request {
    let total_input = rng.int(15_000, 120_000);
    let cached = (total_input as f64 * rng.between(0.6, 0.9)) as u64;
    let output = rng.int(150, 3_000);
    Request {
        at: chrono::DateTime::UNIX_EPOCH + chrono::Duration::milliseconds((clock * 1000.0) as i64),
        model: "gpt-5-codex",
        input: total_input - cached,
        output,
        cache_write_5m: 0,
        cache_write_1h: 0,
        cache_read: cached,
        reasoning: (output as f64 * rng.between(0.2, 0.6)) as u64,
        tools: Vec::new(),
        subagent: false,
    }
}

fn call(name: &'static str, rng: &mut SplitMix64, added: u64, removed: u64) -> ToolCall {
    const FILES: [&str; 4] = [
        "src/lib.rs",
        "src/handlers.rs",
        "README.md",
        "tests/integration.rs",
    ];
    ToolCall {
        name,
        path: FILES[rng.int(0, 3) as usize].to_string(),
        lines_added: added,
        lines_removed: removed,
    }
}
