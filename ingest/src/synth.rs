//! Seeded synthetic Claude Code log trees, shaped like real ones, for the ccusage agreement
//! test and the benchmark: one line per content block, duplicates replayed across files
//! (resumed sessions), subagent files, synthetic and API-error lines, 5m/1h cache mixes, fast
//! mode, tool results with structured patches, progress and system lines, padding text.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::Path;

use chrono::{Duration, TimeZone, Utc};
use serde_json::json;

/// Deterministic xorshift64* generator: same seed, same tree.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct TreeSpec {
    pub seed: u64,
    pub projects: usize,
    pub sessions_per_project: usize,
    pub requests_per_session: usize,
    pub days: i64,
    /// Models to draw from.
    pub models: Vec<String>,
    /// Bytes of filler text in each user and tool-result line.
    pub padding: usize,
    /// Largest prompt (input + cache) of any request; keep at or below 200k to compare with ccusage.
    pub max_prompt: u64,
}

/// Models ccusage 20.0.24 prices the same way we do (so the agreement test can use them) plus
/// one model nobody prices.
pub fn comparable_models() -> Vec<String> {
    [
        "claude-opus-4-6",
        "claude-opus-4-7",
        "claude-opus-4-8",
        "claude-opus-4-5-20251101",
        "claude-sonnet-4-5-20250929",
        "claude-sonnet-4-6",
        "claude-haiku-4-5-20251001",
        "claude-sonnet-4-20250514",
        "claude-opus-4-1-20250805",
        "claude-3-5-haiku-20241022",
        "claude-opus-5",
        "claude-sonnet-5",
        "claude-fable-5-1",
        "claude-unreleased-9",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// Writes the tree under `root/projects/`. Returns the number of files written.
pub fn write_tree(root: &Path, spec: &TreeSpec) -> std::io::Result<usize> {
    let mut rng = Rng::new(spec.seed);
    let start = Utc
        .with_ymd_and_hms(2026, 6, 1, 0, 0, 0)
        .single()
        .unwrap_or_default();
    let filler: String =
        "lorem ipsum dolor sit amet \"quoted\" \\ path/to/file.rs\n".repeat(spec.padding / 50 + 1);
    let filler = &filler[..spec.padding.min(filler.len())];
    let mut files = 0;
    let mut replay: Vec<String> = Vec::new();
    for p in 0..spec.projects {
        let project = root.join("projects").join(format!("-home-dev-project{p}"));
        for s in 0..spec.sessions_per_project {
            let session = format!(
                "{:08x}-0000-4000-8000-{:012x}",
                spec.seed as u32,
                p * 1000 + s
            );
            fs::create_dir_all(&project)?;
            let mut out =
                BufWriter::new(fs::File::create(project.join(format!("{session}.jsonl")))?);
            files += 1;
            // A resumed session replays lines of an earlier one first.
            for line in replay.drain(..) {
                writeln!(out, "{line}")?;
            }
            let mut t = start + Duration::minutes(rng.below((spec.days * 24 * 60) as u64) as i64);
            let ctx = Ctx {
                session: &session,
                cwd: format!("/home/dev/project{p}"),
                filler,
            };
            writeln!(
                out,
                "{}",
                json!({"type":"file-history-snapshot","messageId":"x","snapshot":{},"isSnapshotUpdate":false})
            )?;
            for r in 0..spec.requests_per_session {
                t += Duration::seconds(5 + rng.below(600) as i64);
                let lines = request_lines(&mut rng, spec, &ctx, t, &format!("{session}-{r}"));
                for line in &lines {
                    writeln!(out, "{line}")?;
                }
                if rng.chance(3) {
                    replay.extend(lines);
                }
            }
            if rng.chance(40) {
                let dir = project.join(&session).join("subagents");
                fs::create_dir_all(&dir)?;
                let mut sub = BufWriter::new(fs::File::create(
                    dir.join(format!("agent-{s:x}{p:x}.jsonl")),
                )?);
                files += 1;
                for r in 0..(spec.requests_per_session / 3).max(1) {
                    t += Duration::seconds(7);
                    for line in request_lines(&mut rng, spec, &ctx, t, &format!("{session}-sub{r}"))
                    {
                        writeln!(
                            sub,
                            "{}",
                            line.replacen("\"isSidechain\":false", "\"isSidechain\":true", 1)
                        )?;
                    }
                }
            }
        }
    }
    Ok(files)
}

struct Ctx<'a> {
    session: &'a str,
    cwd: String,
    filler: &'a str,
}

fn request_lines(
    rng: &mut Rng,
    spec: &TreeSpec,
    ctx: &Ctx,
    t: chrono::DateTime<Utc>,
    id: &str,
) -> Vec<String> {
    let ts = |extra: i64| {
        (t + Duration::milliseconds(extra)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    };
    let base = |kind: &str, extra: i64| {
        json!({"parentUuid":null,"isSidechain":false,"userType":"external","cwd":ctx.cwd,
            "sessionId":ctx.session,"version":"2.1.40","gitBranch":"main","type":kind,"timestamp":ts(extra),
            "uuid":format!("{id}-{kind}-{extra}")})
    };
    let mut lines = Vec::new();
    let mut user = base("user", 0);
    user["message"] = json!({"role":"user","content":ctx.filler});
    user["permissionMode"] =
        json!(rng.pick(&["default", "acceptEdits", "bypassPermissions", "plan"]));
    lines.push(user.to_string());
    if rng.chance(2) {
        let mut err = base("assistant", 1);
        err["isApiErrorMessage"] = json!(true);
        err["message"] = json!({"id":format!("err-{id}"),"model":"<synthetic>","role":"assistant",
            "content":[{"type":"text","text":"API Error"}],"usage":{"input_tokens":0,"output_tokens":0,
            "cache_creation_input_tokens":0,"cache_read_input_tokens":0}});
        lines.push(err.to_string());
        return lines;
    }
    let model = rng.pick(&spec.models).clone();
    let budget = spec.max_prompt.max(10);
    let read = rng.below(budget * 6 / 10);
    let (w5, w1) = match rng.below(3) {
        0 => (rng.below(budget / 10), 0),
        1 => (0, rng.below(budget / 10)),
        _ => (rng.below(budget / 20), rng.below(budget / 20)),
    };
    let input = 1 + rng.below((budget - read - w5 - w1).min(5000));
    let speed = model.starts_with("claude-opus") && rng.chance(10);
    let blocks = 1 + rng.below(4);
    let final_output = 20 + rng.below(4000);
    for b in 0..blocks {
        let output = if b + 1 == blocks {
            final_output
        } else {
            1 + rng.below(final_output)
        };
        let mut usage = json!({"input_tokens":input,"cache_creation_input_tokens":w5 + w1,
            "cache_read_input_tokens":read,"cache_creation":{"ephemeral_5m_input_tokens":w5,
            "ephemeral_1h_input_tokens":w1},"output_tokens":output,"service_tier":"standard"});
        if speed {
            usage["speed"] = json!("fast");
        }
        let content = if b + 1 == blocks && rng.chance(50) {
            json!([{"type":"tool_use","id":format!("toolu-{id}-{b}"),"name":rng.pick(&["Edit","Bash","Read","Skill"]),
                "input":{"file_path":"/secret/path.rs","skill":"pdf"}}])
        } else {
            json!([{"type":"text","text":"Working on it."}])
        };
        let mut line = base("assistant", 10 + b as i64);
        line["message"] = json!({"model":model,"id":format!("msg-{id}"),"type":"message","role":"assistant",
            "content":content,"stop_reason":null,"usage":usage});
        line["requestId"] = json!(format!("req-{id}"));
        lines.push(line.to_string());
    }
    let mut result = base("user", 100);
    result["message"] = json!({"role":"user","content":[{"type":"tool_result","tool_use_id":format!("toolu-{id}-{}", blocks - 1),"content":ctx.filler}]});
    result["toolUseResult"] = json!({"filePath":"/secret/path.rs","structuredPatch":[{"oldStart":1,"oldLines":2,
        "newStart":1,"newLines":3,"lines":[" fn main() {","-    old();","+    new();","+    more();"]}]});
    lines.push(result.to_string());
    let mut progress = base("progress", 101);
    progress["data"] = json!({"type":"hook_progress","hookEvent":"PostToolUse"});
    lines.push(progress.to_string());
    lines
}
