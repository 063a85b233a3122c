//! A fake agentmeter server for the upload tests: a tiny HTTP server that speaks the ingest API
//! and, like the real server, refuses a whole batch holding a record `validate_event` rejects;
//! and the `agentmeter` binary run against it with its own config dir.

#![allow(dead_code)]

use std::collections::{HashSet, VecDeque};
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};

use agentmeter_ingest::validate_event;
use agentmeter_ingest::wire::UsageEvent;
use flate2::read::GzDecoder;
use serde_json::{json, Value};

/// What the fake server received.
#[derive(Default)]
pub struct Seen {
    pub posts: Vec<Value>,
    pub auth: Vec<String>,
    pub keys: HashSet<String>,
    pub rejected_batches: usize,
}

/// The records the real server would refuse (it refuses the whole batch then), as it names them.
fn rejected_records(events: &[Value]) -> Vec<Value> {
    let now = chrono::Utc::now();
    events
        .iter()
        .enumerate()
        .filter_map(|(index, event)| {
            let reason = match serde_json::from_value::<UsageEvent>(event.clone()) {
                Ok(event) => validate_event(&event, now).err()?,
                Err(e) => e.to_string(),
            };
            Some(json!({"index": index, "reason": reason}))
        })
        .collect()
}

/// Serves until the test ends; `failures` are statuses answered to the next POSTs first.
pub fn serve(failures: Vec<u16>) -> (String, Arc<Mutex<Seen>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let url = format!(
        "http://{}",
        listener.local_addr().unwrap_or_else(|e| panic!("{e}"))
    );
    let seen = Arc::new(Mutex::new(Seen::default()));
    let state = Arc::clone(&seen);
    let mut failures: VecDeque<u16> = failures.into();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut head = String::new();
            let mut length = 0;
            let mut auth = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                let lower = line.to_ascii_lowercase();
                if let Some(v) = lower.strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                if lower.starts_with("authorization:") {
                    auth = line[14..].trim().to_string();
                }
                if head.is_empty() {
                    head = line;
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let mut seen = state.lock().unwrap_or_else(|e| e.into_inner());
            seen.auth.push(auth.clone());
            let (status, answer) = if auth != "Bearer good-token" {
                (401, json!({"error": "bad token"}))
            } else if head.starts_with("GET /api/v1/me") {
                (
                    200,
                    json!({"email": "dev@example.com", "name": "Dev", "role": "member", "teams": []}),
                )
            } else if head.starts_with("GET /api/v1/ingest/status") {
                (
                    200,
                    json!({"events": seen.keys.len(), "sessions": 1, "first_event_at": null, "last_event_at": null, "total_tokens": 0, "cost_usd": 0.0}),
                )
            } else if let Some(code) = failures.pop_front() {
                (code, json!({"error": "try later"}))
            } else {
                let mut text = String::new();
                let _ = GzDecoder::new(&body[..]).read_to_string(&mut text);
                let batch: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                let events = batch["events"].as_array().cloned().unwrap_or_default();
                let rejected = rejected_records(&events);
                if !rejected.is_empty() {
                    seen.rejected_batches += 1;
                    let body = json!({"error": "invalid records", "records": rejected}).to_string();
                    let mut stream = reader.into_inner();
                    let _ = write!(stream, "HTTP/1.1 422 X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
                    continue;
                }
                let inserted = events
                    .iter()
                    .filter(|e| seen.keys.insert(e["dedupe_key"].to_string()))
                    .count();
                seen.posts.push(batch);
                (
                    200,
                    json!({"received": events.len(), "inserted": inserted, "updated": 0, "unchanged": events.len() - inserted}),
                )
            };
            let body = answer.to_string();
            let mut stream = reader.into_inner();
            let _ = write!(stream, "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
        }
    });
    (url, seen)
}

pub fn run(config: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_agentmeter"))
        .args(args)
        .env("AGENTMETER_CONFIG_DIR", config)
        .env("AGENTMETER_RETRY_BASE_MS", "1")
        .env_remove("AGENTMETER_TOKEN")
        .env_remove("AGENTMETER_SERVER")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    if let Some(mut input) = child.stdin.take() {
        let _ = input.write_all(stdin.as_bytes());
    }
    child.wait_with_output().unwrap_or_else(|e| panic!("{e}"))
}

/// A Claude Code line; `ID` is replaced by a request id.
pub const LINE: &str = r#"{"type":"assistant","timestamp":"2026-07-01T09:00:00.000Z","sessionId":"s1","version":"2.1.40","cwd":"/w/app","requestId":"req-ID","message":{"id":"msg-ID","model":"claude-sonnet-4-5","content":[{"type":"text","text":"PRIVATE PROMPT"}],"usage":{"input_tokens":10,"output_tokens":20}}}"#;

/// A Claude log `projects/p/s1.jsonl` under `dir`, one line per id.
pub fn logs_with(dir: &Path, ids: &[&str]) {
    let project = dir.join("projects/p");
    fs::create_dir_all(&project).unwrap_or_else(|e| panic!("{e}"));
    let text: String = ids.iter().map(|id| LINE.replace("ID", id) + "\n").collect();
    fs::write(project.join("s1.jsonl"), text).unwrap_or_else(|e| panic!("{e}"));
}
