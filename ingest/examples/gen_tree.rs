//! Generates a synthetic Claude Code log tree: `cargo run --release --example gen_tree -- DIR [MB] [SEED]`.
//! About 170 MB by default, the size the benchmark in docs/bench-ingest.md uses.
use std::path::PathBuf;

use agentmeter_ingest::synth::{comparable_models, write_tree, TreeSpec};

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "bench-tree".into()));
    let megabytes: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(170);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(42);
    // One session of 60 requests with 1.5 KB padding writes about 0.4 MB.
    let sessions = (megabytes * 5 / 2).max(1);
    let spec = TreeSpec {
        seed,
        projects: (sessions / 20).max(1),
        sessions_per_project: 20.min(sessions),
        requests_per_session: 60,
        days: 60,
        models: comparable_models(),
        padding: 1500,
        max_prompt: 190_000,
    };
    let files = write_tree(&dir, &spec)?;
    println!("wrote {files} files under {}", dir.display());
    Ok(())
}
