//! Agreement with the reference tool: `ccusage@20.0.24 claude daily --offline --json -z UTC
//! --mode calculate` on seeded random trees (equal tokens per day, cost within 0.01%), and the
//! deliberate difference above 200k prompt tokens. Skipped without `npx`, except under CI=true.

use std::path::Path;
use std::process::Command;

use agentmeter_ingest::synth::{comparable_models, write_tree, TreeSpec};
use serde_json::Value;

fn npx_ready() -> bool {
    let ok = Command::new("npx")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok && std::env::var("CI").as_deref() == Ok("true") {
        panic!("npx is required under CI=true to compare with ccusage");
    }
    if !ok {
        eprintln!("npx not found: skipping the ccusage comparison");
    }
    ok
}

fn ccusage(root: &Path) -> Value {
    let out = Command::new("npx")
        .args([
            "-y",
            "ccusage@20.0.24",
            "claude",
            "daily",
            "--offline",
            "--json",
            "-z",
            "UTC",
            "--mode",
            "calculate",
        ])
        .env("CLAUDE_CONFIG_DIR", root)
        .output()
        .unwrap_or_else(|e| panic!("cannot run npx: {e}"));
    assert!(
        out.status.success(),
        "ccusage failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "ccusage output ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

fn ours(root: &Path) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_agentmeter"))
        .args([
            "usage", "--json", "--tz", "UTC", "--tool", "claude", "--by", "day",
        ])
        .env("CLAUDE_CONFIG_DIR", root)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"))
}

fn compare(root: &Path) -> usize {
    let (ours, theirs) = (ours(root), ccusage(root));
    let rows = ours["rows"].as_array().cloned().unwrap_or_default();
    let days = theirs["daily"].as_array().cloned().unwrap_or_default();
    assert_eq!(
        rows.len(),
        days.len(),
        "different days: ours {ours}\ntheirs {theirs}"
    );
    for (a, b) in rows.iter().zip(&days) {
        assert_eq!(a["key"], b["date"]);
        for (mine, ref_) in [
            ("input_tokens", "inputTokens"),
            ("output_tokens", "outputTokens"),
            ("cache_creation_tokens", "cacheCreationTokens"),
            ("cache_read_tokens", "cacheReadTokens"),
            ("total_tokens", "totalTokens"),
        ] {
            assert_eq!(a[mine], b[ref_], "{mine} on {}", a["key"]);
        }
        let (x, y) = (
            a["cost_usd"].as_f64().unwrap_or(f64::NAN),
            b["totalCost"].as_f64().unwrap_or(f64::NAN),
        );
        assert!(
            (x - y).abs() <= 1e-4 * y.abs().max(1e-9),
            "cost on {}: ours {x}, ccusage {y}",
            a["key"]
        );
    }
    rows.len()
}

#[test]
fn daily_report_agrees_with_ccusage_on_seeded_random_trees() {
    if !npx_ready() {
        return;
    }
    let seeds: Vec<u64> = match std::env::var("AGENTMETER_SYNTH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        Some(seed) => vec![seed],
        None => vec![11, 2026],
    };
    for seed in seeds {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let spec = TreeSpec {
            seed,
            projects: 4,
            sessions_per_project: 6,
            requests_per_session: 25,
            days: 20,
            models: comparable_models(),
            padding: 200,
            max_prompt: 200_000,
        };
        write_tree(dir.path(), &spec).unwrap_or_else(|e| panic!("{e}"));
        let days = compare(dir.path());
        assert!(days >= 10, "seed {seed}: only {days} days generated");
    }
}

#[test]
fn above_200k_we_bill_per_request_and_ccusage_per_field() {
    if !npx_ready() {
        return;
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let project = dir.path().join("projects/p");
    std::fs::create_dir_all(&project).unwrap_or_else(|e| panic!("{e}"));
    let line = r#"{"type":"assistant","timestamp":"2026-07-03T09:00:00.000Z","sessionId":"s","version":"2.1.40","requestId":"r","message":{"id":"m","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":150000,"output_tokens":2000,"cache_creation_input_tokens":3000,"cache_read_input_tokens":100000,"cache_creation":{"ephemeral_5m_input_tokens":1000,"ephemeral_1h_input_tokens":2000}}}}"#;
    std::fs::write(project.join("s.jsonl"), format!("{line}\n")).unwrap_or_else(|e| panic!("{e}"));
    let ours = ours(dir.path())["rows"][0]["cost_usd"]
        .as_f64()
        .unwrap_or(f64::NAN);
    let theirs = ccusage(dir.path())["daily"][0]["totalCost"]
        .as_f64()
        .unwrap_or(f64::NAN);
    // Per request (253,000 prompt tokens > 200k): 150000*6 + 2000*22.5 + 1000*7.5 + 2000*12
    // + 100000*0.6 = 1,036,500 per MTok.
    assert!((ours - 1.0365).abs() < 1e-12, "ours {ours}");
    // Per field (no field above 200k): 150000*3 + 2000*15 + 1000*3.75 + 2000*6 + 100000*0.3.
    assert!((theirs - 0.52575).abs() < 1e-9, "ccusage {theirs}");
}
