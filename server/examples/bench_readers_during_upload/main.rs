//! Readers during an upload: latency (p50 / p95 / p99) and status of many readers of the heaviest
//! pages and API reports, first alone, then while developers upload usage batch after batch.
//!
//! ```text
//! cargo run --release -p agentmeter-server --example bench_readers_during_upload -- \
//!     [--readers 50] [--seconds 15] [--database-url URL] [--same-range]
//! ```
//! The real server runs in this process on 127.0.0.1:0 over a fresh SQLite file (or the empty
//! database given), loaded with the demo organisation through its own ingest paths, as
//! `serve --demo` does (a database that already has users is used as it is). An admin signs in
//! through the login form (pages, with the session cookie) and has a token (API reports). Each
//! reader asks for the pages and reports in turn; by default each request asks for another date
//! range, so that reports are computed rather than served from the report cache (`--same-range`:
//! all ask for the same range, the cache's best case). The uploads are encoded as the `agentmeter`
//! CLI encodes them (gzip JSON, 5,000 events a batch) before the clock starts and sent back to
//! back by one client per `--uploaders`, each batch as new events of a new developer.
//! Results: docs/bench-load.md.

#[path = "../shared/synthetic.rs"]
mod synthetic;

mod readers;

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use chrono::{NaiveDate, TimeZone, Utc};
use clap::Parser;
use flate2::write::GzEncoder;
use flate2::Compression;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use secrecy::SecretString;

use agentmeter_ingest::upload::BATCH_SIZE;
use agentmeter_ingest::wire::UsageBatch;
use agentmeter_server::admin::{self, AddUser};
use agentmeter_server::{Application, Settings};

use readers::{row, Readers, HEADER};

#[derive(Parser)]
struct Args {
    /// Readers at once.
    #[arg(long, default_value_t = 50)]
    readers: usize,
    /// Length of each phase (readers alone, readers during uploads), in seconds.
    #[arg(long, default_value_t = 15)]
    seconds: u64,
    /// Clients uploading at once during the second phase.
    #[arg(long, default_value_t = 1)]
    uploaders: usize,
    /// Every reader asks for the same range (reports come from the cache between uploads).
    #[arg(long)]
    same_range: bool,
    /// Database to use; default: a fresh SQLite file in a temporary directory.
    #[arg(long)]
    database_url: Option<String>,
}

/// Last day of the demo organisation's data: the ranges asked for end there.
const DEMO_LAST_DAY: (i32, u32, u32) = (2026, 9, 30);
const PASSWORD: &str = "bench readers password";

fn gzip_batch(batch: &UsageBatch) -> anyhow::Result<Vec<u8>> {
    let json = serde_json::to_vec(batch)?;
    let mut gz = GzEncoder::new(Vec::with_capacity(json.len() / 8), Compression::default());
    gz.write_all(&json)?;
    Ok(gz.finish()?)
}

/// One batch of new events of a developer: sessions over September 2026, in time order.
fn batch_body(seed: u64) -> anyhow::Result<Vec<u8>> {
    let mut rng = StdRng::seed_from_u64(seed);
    let start = Utc
        .with_ymd_and_hms(2026, 9, 1, 7, 0, 0)
        .single()
        .context("start date")?;
    let mut events = Vec::with_capacity(BATCH_SIZE);
    while events.len() < BATCH_SIZE {
        let session = events.len() / 100;
        let begin = start + chrono::Duration::minutes(rng.random_range(0..29 * 24 * 60));
        for i in 0..100 {
            let at = begin + chrono::Duration::seconds(i * rng.random_range(5..90));
            events.push(synthetic::usage_event(
                &format!("b{seed}-s{session}-r{i}"),
                &format!("b{seed}-s{session}"),
                &format!("service-{}", seed % 12),
                at,
                seed.is_multiple_of(3),
                &mut rng,
            ));
        }
    }
    events.sort_by_key(|e| e.timestamp);
    gzip_batch(&UsageBatch { events })
}

/// Signs in through the login form (double-submit CSRF cookie); returns the session cookie.
async fn sign_in(base: &str, email: &str) -> anyhow::Result<String> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let form = http.get(format!("{base}/login")).send().await?;
    let cookies = |response: &reqwest::Response| -> Vec<String> {
        response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next().map(str::to_owned))
            .collect()
    };
    let login_cookies = cookies(&form).join("; ");
    let html = form.text().await?;
    let csrf = html
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .context("the login form has a csrf_token")?;
    let signed_in = http
        .post(format!("{base}/login"))
        .header("Cookie", login_cookies)
        .form(&[
            ("email", email),
            ("password", PASSWORD),
            ("csrf_token", csrf),
        ])
        .send()
        .await?;
    let session = cookies(&signed_in)
        .into_iter()
        .find(|c| c.starts_with("am_session=") && c.len() > "am_session=".len())
        .with_context(|| format!("sign-in refused: {}", signed_in.status()))?;
    Ok(session)
}

/// Posts the prepared batches back to back, one client thread per token, until `stop`; returns
/// the events sent.
fn upload_until(
    base: &str,
    tokens: &[String],
    bodies: &Arc<Vec<Vec<u8>>>,
    stop: &Arc<AtomicBool>,
) -> anyhow::Result<usize> {
    let count = tokens.len();
    let clients: Vec<_> = tokens
        .iter()
        .enumerate()
        .map(|(client, token)| {
            let (base, token) = (base.to_owned(), token.clone());
            let (bodies, stop) = (Arc::clone(bodies), Arc::clone(stop));
            std::thread::spawn(move || -> anyhow::Result<usize> {
                let http = reqwest::blocking::Client::builder()
                    .timeout(Duration::from_secs(600))
                    .build()?;
                let mut sent = 0;
                // Each client sends its own share of the batches.
                for body in bodies.iter().skip(client).step_by(count) {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let response = http
                        .post(format!("{base}/api/v1/ingest/usage"))
                        .bearer_auth(&token)
                        .header("Content-Type", "application/json")
                        .header("Content-Encoding", "gzip")
                        .body(body.clone())
                        .send()?;
                    if !response.status().is_success() {
                        bail!("upload refused: {} {}", response.status(), response.text()?);
                    }
                    sent += BATCH_SIZE;
                }
                Ok(sent)
            })
        })
        .collect();
    let mut sent = 0;
    for client in clients {
        sent += client
            .join()
            .map_err(|_| anyhow::anyhow!("uploader panicked"))??;
    }
    Ok(sent)
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

    let loading = Instant::now();
    if let Some(report) = agentmeter_server::demo::load_if_empty(&state).await? {
        eprintln!(
            "demo loaded in {:.0} s: {report:?}",
            loading.elapsed().as_secs_f64()
        );
    }
    let run = Utc::now().timestamp_millis();
    let admin_email = format!("bench-admin-{run}@example.com");
    admin::add_user(
        &state.db,
        AddUser {
            email: admin_email.clone(),
            name: "Bench Admin".into(),
            role: "admin".into(),
            password: Some(SecretString::from(PASSWORD.to_owned())),
            ..AddUser::default()
        },
    )
    .await?;
    let mut tokens = Vec::new();
    for client in 0..args.uploaders {
        let email = format!("bench-uploader-{run}-{client}@example.com");
        admin::add_user(
            &state.db,
            AddUser {
                email: email.clone(),
                name: format!("Bench Uploader {client}"),
                role: "developer".into(),
                ..AddUser::default()
            },
        )
        .await?;
        tokens.push(admin::create_token(&state.db, &email, Some("bench")).await?);
    }
    // Enough batches for any machine: the uploads stop when the phase ends.
    let bodies: Vec<Vec<u8>> = (0..60)
        .map(|b| batch_body(run as u64 % 1_000_000 * 100 + b))
        .collect::<anyhow::Result<_>>()?;
    let bodies = Arc::new(bodies);
    let readers = Readers {
        cookie: sign_in(&base, &admin_email).await?,
        token: admin::create_token(&state.db, &admin_email, Some("bench")).await?,
        base: base.clone(),
        to: NaiveDate::from_ymd_opt(DEMO_LAST_DAY.0, DEMO_LAST_DAY.1, DEMO_LAST_DAY.2)
            .context("date")?,
        vary_ranges: !args.same_range,
    };
    let window = Duration::from_secs(args.seconds);
    println!(
        "{} readers, {} s per phase, {} ranges, {} uploader(s), {}",
        args.readers,
        args.seconds,
        if args.same_range { "same" } else { "varied" },
        args.uploaders,
        agentmeter_server::db::redact(&state.settings.database_url),
    );

    let alone = readers.read(args.readers, Instant::now() + window).await?;

    let stop = Arc::new(AtomicBool::new(false));
    let uploads = {
        let (base, stop, bodies) = (base.clone(), Arc::clone(&stop), Arc::clone(&bodies));
        tokio::task::spawn_blocking(move || upload_until(&base, &tokens, &bodies, &stop))
    };
    let during = readers.read(args.readers, Instant::now() + window).await?;
    stop.store(true, Ordering::Relaxed);
    let sent = uploads.await??;

    println!("\n{HEADER}");
    for (label, samples) in [("nothing else", &alone), ("uploads", &during)] {
        let pages: Vec<_> = samples.iter().copied().filter(|s| s.page).collect();
        let api: Vec<_> = samples.iter().copied().filter(|s| !s.page).collect();
        println!("{}", row(&format!("{label}: all"), samples));
        println!("{}", row(&format!("{label}: pages"), &pages));
        println!("{}", row(&format!("{label}: API"), &api));
    }
    println!(
        "\n{sent} events uploaded during the second phase ({:.0} events/s)",
        sent as f64 / args.seconds as f64
    );
    Ok(())
}
