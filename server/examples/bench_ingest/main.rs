//! Server ingest benchmark: usage events per second through `POST /api/v1/ingest/usage` into
//! SQLite (or the database given), with the hourly rollup kept exact.
//!
//! ```text
//! cargo run --release -p agentmeter-server --example bench_ingest -- [--developers 20]
//!     [--events 25000] [--clients 2] [--database-url URL]
//! ```
//! The real server runs in this process on 127.0.0.1:0; upload bodies are encoded as the
//! `agentmeter` CLI encodes them (gzip JSON, 5,000 events a batch) before the clock starts, so the
//! figures are the server's, not the encoder's. Results: docs/bench-ingest.md.

#[path = "../shared/synthetic.rs"]
mod synthetic;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use chrono::{TimeZone, Utc};
use clap::Parser;
use flate2::write::GzEncoder;
use flate2::Compression;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use agentmeter_ingest::upload::BATCH_SIZE;
use agentmeter_ingest::wire::{UsageBatch, UsageBatchReceipt};
use agentmeter_server::admin::{self, AddUser};
use agentmeter_server::store::usage::{self, RollupCheck};
use agentmeter_server::{Application, Settings};

#[derive(Parser)]
struct Args {
    /// Developers uploading, each with their own token.
    #[arg(long, default_value_t = 20)]
    developers: usize,
    /// Usage events per developer.
    #[arg(long, default_value_t = 25_000)]
    events: usize,
    /// Concurrent uploading clients.
    #[arg(long, default_value_t = 2)]
    clients: usize,
    /// Database to ingest into; default: a fresh SQLite file in a temporary directory.
    #[arg(long)]
    database_url: Option<String>,
}

/// One developer's upload: their token and their gzip-encoded batches.
struct Upload {
    token: String,
    bodies: Vec<Vec<u8>>,
}

fn gzip_batch(batch: &UsageBatch) -> anyhow::Result<Vec<u8>> {
    let json = serde_json::to_vec(batch)?;
    let mut gz = GzEncoder::new(Vec::with_capacity(json.len() / 8), Compression::default());
    gz.write_all(&json)?;
    Ok(gz.finish()?)
}

/// A developer's events: sessions of 20–200 requests spread over 60 days.
fn developer_bodies(dev: usize, events: usize) -> anyhow::Result<Vec<Vec<u8>>> {
    let mut rng = StdRng::seed_from_u64(dev as u64);
    let start = Utc
        .with_ymd_and_hms(2026, 9, 1, 7, 0, 0)
        .single()
        .context("start date")?;
    let uses_codex = dev.is_multiple_of(3);
    let mut all = Vec::with_capacity(events);
    let mut session = 0;
    while all.len() < events {
        let begin = start
            + chrono::Duration::days(rng.random_range(0..60))
            + chrono::Duration::minutes(rng.random_range(0..600));
        let project = format!("service-{}", (dev + rng.random_range(0..3)) % 24);
        for i in 0..rng.random_range(20..200).min(events - all.len()) {
            let at = begin + chrono::Duration::seconds(i as i64 * rng.random_range(5..90));
            all.push(synthetic::usage_event(
                &format!("d{dev}-s{session}-r{i}"),
                &format!("d{dev}-s{session}"),
                &project,
                at,
                uses_codex,
                &mut rng,
            ));
        }
        session += 1;
    }
    // The collector sends events in file order, which is roughly time order.
    all.sort_by_key(|e| e.timestamp);
    all.chunks(BATCH_SIZE)
        .map(|chunk| {
            gzip_batch(&UsageBatch {
                events: chunk.to_vec(),
            })
        })
        .collect()
}

/// Posts every developer's batches from `clients` threads; returns the summed receipts and the
/// wall time.
fn upload_all(
    base: &str,
    uploads: &Arc<Vec<Upload>>,
    clients: usize,
) -> anyhow::Result<(UsageBatchReceipt, Duration)> {
    let next = Arc::new(Mutex::new(0usize));
    let started = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|_| {
            let (uploads, next, base) = (Arc::clone(uploads), Arc::clone(&next), base.to_owned());
            std::thread::spawn(move || -> anyhow::Result<UsageBatchReceipt> {
                let http = reqwest::blocking::Client::builder()
                    .timeout(Duration::from_secs(600))
                    .build()?;
                let mut total = UsageBatchReceipt::default();
                loop {
                    let index = {
                        let mut next = next.lock().map_err(|_| anyhow::anyhow!("poisoned"))?;
                        *next += 1;
                        *next - 1
                    };
                    let Some(upload) = uploads.get(index) else {
                        return Ok(total);
                    };
                    for body in &upload.bodies {
                        let response = http
                            .post(format!("{base}/api/v1/ingest/usage"))
                            .bearer_auth(&upload.token)
                            .header("Content-Type", "application/json")
                            .header("Content-Encoding", "gzip")
                            .body(body.clone())
                            .send()?;
                        if !response.status().is_success() {
                            bail!("upload refused: {} {}", response.status(), response.text()?);
                        }
                        total += response.json::<UsageBatchReceipt>()?;
                    }
                }
            })
        })
        .collect();
    let mut total = UsageBatchReceipt::default();
    for worker in workers {
        total += worker
            .join()
            .map_err(|_| anyhow::anyhow!("client panicked"))??;
    }
    Ok((total, started.elapsed()))
}

fn report(label: &str, receipt: &UsageBatchReceipt, elapsed: Duration) {
    println!(
        "| {label:<24} | {:>9} | {:>9} | {:>9} | {:>7.2} s | {:>9.0} |",
        receipt.received,
        receipt.inserted,
        receipt.unchanged,
        elapsed.as_secs_f64(),
        receipt.received as f64 / elapsed.as_secs_f64()
    );
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let scratch = tempfile::tempdir()?;
    let settings = Settings {
        bind: "127.0.0.1:0".parse()?,
        database_url: match &args.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite:{}", scratch.path().join("bench.db").display()),
        },
        ..Settings::default()
    };
    let app = Application::build(settings).await?;
    let base = format!("http://{}", app.local_addr()?);
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());

    admin::add_team(&state.db, "Bench").await?;
    let mut tokens = Vec::new();
    for dev in 0..args.developers {
        let email = format!("bench{dev:03}@example.com");
        admin::add_user(
            &state.db,
            AddUser {
                email: email.clone(),
                name: format!("Bench {dev:03}"),
                role: "developer".into(),
                teams: vec!["Bench".into()],
                ..AddUser::default()
            },
        )
        .await?;
        tokens.push(admin::create_token(&state.db, &email, Some("bench")).await?);
    }
    let (developers, events) = (args.developers, args.events);
    let uploads = tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<Upload>> {
        tokens
            .into_iter()
            .enumerate()
            .map(|(dev, token)| {
                Ok(Upload {
                    token,
                    bodies: developer_bodies(dev, events)?,
                })
            })
            .collect()
    })
    .await??;
    let uploads = Arc::new(uploads);
    let body_bytes: usize = uploads.iter().flat_map(|u| &u.bodies).map(Vec::len).sum();
    println!(
        "{developers} developers x {events} events, {} batches of up to {BATCH_SIZE}, {:.1} MB gzip, {} clients, {}",
        uploads.iter().map(|u| u.bodies.len()).sum::<usize>(),
        body_bytes as f64 / 1e6,
        args.clients,
        agentmeter_server::db::redact(&state.settings.database_url),
    );
    println!("\n| upload                   |  received |  inserted | unchanged |      time |  events/s |\n|---|---:|---:|---:|---:|---:|");

    let clients = args.clients;
    let first = {
        let (base, uploads) = (base.clone(), Arc::clone(&uploads));
        tokio::task::spawn_blocking(move || upload_all(&base, &uploads, clients)).await??
    };
    report("first (all new)", &first.0, first.1);
    let again = {
        let (base, uploads) = (base.clone(), Arc::clone(&uploads));
        tokio::task::spawn_blocking(move || upload_all(&base, &uploads, clients)).await??
    };
    report("again (all known)", &again.0, again.1);

    // The rollup must stay exact to the raw events, whatever the speed.
    let RollupCheck {
        raw_events,
        raw_tokens,
        rolled_events,
        rolled_tokens,
    } = usage::rollup_check(&state.db).await?;
    if raw_events as usize != developers * events
        || raw_events != rolled_events
        || raw_tokens != rolled_tokens
    {
        bail!("stored {raw_events} events ({raw_tokens} tokens), rollup holds {rolled_events} ({rolled_tokens})");
    }
    println!("\nstored {raw_events} events; the hourly rollup sums to the same events and tokens");
    Ok(())
}
