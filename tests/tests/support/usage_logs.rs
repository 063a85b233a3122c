//! A developer's Claude Code and Codex logs of a chosen size, written in the real on-disk formats
//! by the demo's writers (`agentmeter_seeds::logs`), with the figures they hold known in advance:
//! one usage event per billed request, its tokens summed as the server and `agentmeter usage`
//! sum them.
//!
//! The requests fall in the last days before now, in sessions that start at random hours, so a
//! batch of the uploader (5,000 events in file order) touches most hours of the span and two
//! batches in flight at once touch the same hours.

use std::path::Path;

use agentmeter_ingest::wire::Tool;
use agentmeter_seeds::model::{Request, Session, ToolCall};
use agentmeter_seeds::rng::SplitMix64;
use chrono::{DateTime, Duration, NaiveDate, Utc};

const CLAUDE_MODELS: [&str; 3] = ["claude-sonnet-4-5", "claude-opus-4-6", "claude-haiku-4-5"];
const REPOSITORIES: [&str; 3] = ["payments-api", "web-frontend", "data-pipelines"];
const FILES: [&str; 3] = ["src/lib.rs", "src/handlers.rs", "tests/integration.rs"];

/// What to write.
#[derive(Debug, Clone, Copy)]
pub struct LogSpec {
    /// Same seed, same logs (session ids, message ids and tokens all derive from it).
    pub seed: u64,
    /// Index into `agentmeter_seeds::org::DEVELOPERS`: whose checkouts the sessions run in.
    pub developer: usize,
    /// Billed requests (= usage events) in all.
    pub requests: usize,
    /// Every fourth session or so is a Codex one when true.
    pub codex: bool,
    /// Days before today the first session may start in.
    pub days: i64,
}

impl LogSpec {
    /// `requests` events of both tools over the last three days.
    pub fn new(seed: u64, developer: usize, requests: usize) -> LogSpec {
        LogSpec {
            seed,
            developer,
            requests,
            codex: true,
            days: 3,
        }
    }
}

/// Logs on disk and the totals they hold.
pub struct UsageLogs {
    dir: tempfile::TempDir,
    /// Distinct usage events (billed requests).
    pub events: u64,
    /// Input + output + cache write + cache read tokens over every event.
    pub tokens: u64,
    /// The days (UTC) the events fall in: from `days` days ago to today.
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

impl UsageLogs {
    pub fn write(spec: LogSpec) -> UsageLogs {
        let dir = tempfile::tempdir().expect("log dir");
        let mut rng = SplitMix64::new(spec.seed);
        let today = Utc::now().date_naive();
        let start = (today - Duration::days(spec.days))
            .and_hms_opt(0, 0, 0)
            .expect("midnight")
            .and_utc();
        // Sessions must end before now, or the server refuses their events as from the future.
        let latest_start = (spec.days * 24 - 12).max(1) as u64;
        let (mut events, mut tokens) = (0, 0);
        let mut written = 0;
        while written < spec.requests {
            let tool = if spec.codex && rng.chance(0.25) {
                Tool::Codex
            } else {
                Tool::ClaudeCode
            };
            let size = (rng.int(40, 160) as usize).min(spec.requests - written);
            let begin = start + Duration::minutes(rng.int(0, latest_start * 60) as i64);
            let session = session(&mut rng, spec.developer, tool, begin, size);
            for request in &session.requests {
                events += 1;
                tokens += request.input
                    + request.output
                    + request.cache_write_5m
                    + request.cache_write_1h
                    + request.cache_read;
            }
            agentmeter_seeds::logs::write_session(dir.path(), &session).expect("write session");
            written += size;
        }
        UsageLogs {
            dir,
            events,
            tokens,
            first_day: start.date_naive(),
            last_day: today,
        }
    }

    /// The `--logs` arguments naming both tools' roots.
    pub fn log_args(&self) -> Vec<String> {
        ["claude", "codex"]
            .iter()
            .flat_map(|tool| {
                let root = self.dir.path().join(format!(".{tool}"));
                ["--logs".to_owned(), path_arg(&root)]
            })
            .collect()
    }

    /// `from=…&to=…` covering every event (of any logs written with the same `days` today).
    pub fn range_query(&self) -> String {
        format!("from={}&to={}", self.first_day, self.last_day)
    }
}

fn path_arg(path: &Path) -> String {
    path.to_str().expect("utf-8 temp path").to_owned()
}

fn session(
    rng: &mut SplitMix64,
    developer: usize,
    tool: Tool,
    begin: DateTime<Utc>,
    size: usize,
) -> Session {
    let model = CLAUDE_MODELS[rng.int(0, 2) as usize];
    let mut at = begin;
    let mut context = rng.int(8_000, 12_000);
    let requests = (0..size)
        .map(|k| {
            at += Duration::milliseconds(rng.int(20_000, 90_000) as i64);
            match tool {
                Tool::Codex => codex_request(rng, at),
                Tool::ClaudeCode => {
                    let subagent = k > 0 && rng.chance(0.05);
                    let request = claude_request(rng, at, model, context, k == 0, subagent);
                    context = (context + request.cache_write_5m).min(150_000);
                    request
                }
            }
        })
        .collect();
    Session {
        id: rng.uuid(),
        tool,
        developer,
        repository: REPOSITORIES[rng.int(0, 2) as usize],
        branch: format!("feature-{}", rng.hex(6)),
        permission_mode: ["default", "acceptEdits", "bypassPermissions"][rng.int(0, 2) as usize],
        requests,
    }
}

fn claude_request(
    rng: &mut SplitMix64,
    at: DateTime<Utc>,
    model: &'static str,
    context: u64,
    first: bool,
    subagent: bool,
) -> Request {
    let tools = match rng.int(0, 9) {
        0..=3 => {
            let (added, removed) = (rng.int(1, 40), rng.int(0, 20));
            vec![tool_call(rng, "Edit", added, removed)]
        }
        4..=5 => vec![tool_call(rng, "Read", 0, 0)],
        6 => {
            let added = rng.int(10, 120);
            vec![tool_call(rng, "Write", added, 0)]
        }
        _ => Vec::new(),
    };
    Request {
        at,
        model: if subagent { "claude-haiku-4-5" } else { model },
        input: rng.int(1, 12),
        output: rng.int(200, 4_000),
        cache_write_5m: if first { 0 } else { rng.int(2_000, 12_000) },
        cache_write_1h: if first { rng.int(9_000, 15_000) } else { 0 },
        cache_read: context,
        reasoning: 0,
        tools,
        subagent,
    }
}

fn codex_request(rng: &mut SplitMix64, at: DateTime<Utc>) -> Request {
    let total_input = rng.int(15_000, 120_000);
    let cached = total_input * rng.int(60, 90) / 100;
    let output = rng.int(150, 3_000);
    Request {
        at,
        model: "gpt-5-codex",
        input: total_input - cached,
        output,
        cache_write_5m: 0,
        cache_write_1h: 0,
        cache_read: cached,
        reasoning: output * rng.int(20, 60) / 100,
        tools: Vec::new(),
        subagent: false,
    }
}

fn tool_call(rng: &mut SplitMix64, name: &'static str, added: u64, removed: u64) -> ToolCall {
    ToolCall {
        name,
        path: FILES[rng.int(0, 2) as usize].to_owned(),
        lines_added: added,
        lines_removed: removed,
    }
}
