//! `agentmeter upload`: reads what is new since the last upload, merges duplicates, sends it in
//! gzip batches and saves the new offsets only once the server accepted every batch.

use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Utc};

use crate::api::ApiClient;
use crate::cli::UploadArgs;
use crate::config::Target;
use crate::error::{Error, Result};
use crate::gitremote::RemoteCache;
use crate::merge::{collect, Collected};
use crate::progress;
use crate::scan::{scan_files, ScanMode};
use crate::selection::{roots, wants};
use crate::state::UploadState;
use crate::validate::validate_event;
use crate::wire::{UsageBatch, UsageBatchReceipt, UsageEvent};

/// Events per batch.
pub const BATCH_SIZE: usize = 5000;

/// Runs the upload; returns the exit code.
pub fn upload(config_dir: &Path, args: &UploadArgs) -> Result<i32> {
    let log_roots = roots(&args.logs)?;
    let target = Target::resolve(config_dir, args.server.as_deref(), args.dry_run)?;
    let mut state = UploadState::load(config_dir, &target.server)?;
    let client = (!args.dry_run).then(|| target.client()).transpose()?;
    let server_latest = match &client {
        Some(client) => start_over_if_server_lost_events(client, &mut state)?,
        None => None,
    };
    let files = log_roots.discover(|k| wants(args.tool, k));
    let starts: Vec<u64> = files.iter().map(|f| state.start_for(f).offset).collect();
    let mut scans = Vec::with_capacity(files.len());
    for result in scan_files(&files, |f| state.start_for(f), ScanMode::Upload) {
        match result {
            Ok(scan) => scans.push(scan),
            Err(e) => eprintln!("warning: {e}"),
        }
    }
    let bytes: u64 = scans.iter().map(|s| s.end_offset).sum::<u64>()
        - starts
            .iter()
            .sum::<u64>()
            .min(scans.iter().map(|s| s.end_offset).sum());
    let mut collected = collect(scans.iter_mut());
    if args.logs.verbose {
        for s in &collected.skipped {
            eprintln!("skipped {}:{}: {}", s.path.display(), s.line, s.reason);
        }
    }
    let mut events = std::mem::take(&mut collected.events);
    attach_repositories(&mut events);
    let (events, invalid) = keep_valid(events, &collected, Utc::now());
    let Some(client) = client else {
        let mut out = std::io::stdout().lock();
        for event in &events {
            let line =
                serde_json::to_string(event).map_err(|e| Error::InvalidArgument(e.to_string()))?;
            writeln!(out, "{line}").map_err(|e| Error::io("stdout", e))?;
        }
        return Ok(0);
    };
    let bar = progress::bar(
        args.quiet,
        events.len() as u64,
        "events",
        format!("{:.1} MB read, uploading", bytes as f64 / 1e6),
    );
    let mut total = UsageBatchReceipt::default();
    for chunk in events.chunks(BATCH_SIZE) {
        total += send(&client, chunk)?;
        if let Some(bar) = &bar {
            bar.inc(chunk.len() as u64);
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    for scan in &scans {
        state.record(scan);
    }
    state.server_latest_event_at = if events.is_empty() {
        server_latest
    } else {
        client.status()?.last_event_at
    };
    state.save(config_dir)?;
    if !args.quiet {
        eprintln!(
            "uploaded {} events ({} new, {} updated, {} already there) from {} files, {:.1} MB read, {} lines skipped{}",
            total.received, total.inserted, total.updated, total.unchanged, scans.len(),
            bytes as f64 / 1e6, collected.skipped_lines,
            if invalid > 0 { format!(", {invalid} invalid records skipped") } else { String::new() }
        );
    }
    Ok(0)
}

/// The events the server would accept, and how many were not. Each one skipped is named on
/// stderr with the file it was first read from, its session and request, and why: the server
/// refuses a whole batch for one bad record, so sending it would block every upload after it.
fn keep_valid(
    events: Vec<UsageEvent>,
    collected: &Collected,
    now: DateTime<Utc>,
) -> (Vec<UsageEvent>, usize) {
    let mut valid = Vec::with_capacity(events.len());
    let mut invalid = 0;
    for (index, event) in events.into_iter().enumerate() {
        match validate_event(&event, now) {
            Ok(()) => valid.push(event),
            Err(reason) => {
                invalid += 1;
                let file = collected
                    .first_read_from(index)
                    .map_or_else(|| "an unknown file".to_owned(), |p| p.display().to_string());
                eprintln!(
                    "warning: skipped a record of {file} (session {}, request {}): {reason}",
                    shown(&event.session_id),
                    shown(&event.dedupe_key)
                );
            }
        }
    }
    (valid, invalid)
}

/// `text` quoted with control characters escaped, cut to 100 characters.
fn shown(text: &str) -> String {
    let mut quoted = format!("{:?}", text.chars().take(100).collect::<String>());
    if text.chars().nth(100).is_some() {
        quoted.push('…');
    }
    quoted
}

/// The caller's latest event on the server. When it is older than right after this machine's last
/// upload, the server lost what was sent: the state starts over, so that everything is sent again.
fn start_over_if_server_lost_events(
    client: &ApiClient,
    state: &mut UploadState,
) -> Result<Option<DateTime<Utc>>> {
    let latest = client.status()?.last_event_at;
    if state.server_lost_events(latest) {
        let at = |t: Option<DateTime<Utc>>| t.map_or_else(|| "none".to_owned(), |t| t.to_rfc3339());
        eprintln!(
            "the server lost events this machine sent (your latest event there was {}, now {}); \
             sending everything again",
            at(state.server_latest_event_at),
            at(latest),
        );
        state.start_over();
    }
    Ok(latest)
}

/// Sends one batch, halving it when the server says it is too large.
fn send(client: &ApiClient, events: &[UsageEvent]) -> Result<UsageBatchReceipt> {
    match client.post_batch(&UsageBatch {
        events: events.to_vec(),
    }) {
        Err(Error::TooLarge) if events.len() > 1 => {
            let (a, b) = events.split_at(events.len() / 2);
            let mut total = send(client, a)?;
            total += send(client, b)?;
            Ok(total)
        }
        other => other,
    }
}

fn attach_repositories(events: &mut [UsageEvent]) {
    let mut cache = RemoteCache::default();
    for event in events.iter_mut() {
        if let Some(cwd) = &event.project {
            event.repository = cache.remote_for(cwd);
        }
    }
}
