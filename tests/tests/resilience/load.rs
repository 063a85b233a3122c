//! Readers during uploads: an admin's browser on the heaviest pages and scripts on the matching
//! API reports, many at once, while developers' uploads write batch after batch. No reader may
//! get a server error; a 503 that says when to come back (`Retry-After`) is the server shedding
//! load on purpose, allowed but counted and printed. Timings are the benchmark's business
//! (docs/bench-load.md), never asserted here.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};

use crate::support::app::PASSWORD;
use crate::support::uploads::Machine;
use crate::support::usage_logs::{LogSpec, UsageLogs};
use crate::support::{for_each_backend, BrowserSession, TestApp, TestUser};

/// Readers at once.
const READERS: usize = 50;
/// How long the readers read (uploads run throughout).
const WINDOW: Duration = Duration::from_secs(10);
/// Usage already stored before the window: developers, events each.
const STORED_DEVELOPERS: usize = 2;
const STORED_EVENTS: usize = 5_000;
/// Uploads ready to run one after another during the window (a batch each, so the last one
/// ends soon after the window).
const UPLOADS: usize = 6;
const UPLOAD_EVENTS: usize = 5_000;

/// Dashboard pages, read with the admin's session cookie.
const PAGES: [&str; 4] = ["/?", "/spend?", "/productivity?", "/reviews?"];
/// The matching API reports, read with the admin's token.
const REPORTS: [&str; 5] = [
    "/api/v1/metrics/spend?group_by=developer&",
    "/api/v1/metrics/spend?group_by=day&",
    "/api/v1/metrics/adoption?",
    "/api/v1/metrics/productivity?",
    "/api/v1/reviews/summary?",
];
/// Days of usage stored, and of the ranges asked for: each request asks for another range (as
/// many people looking at different periods do), so most are computed, not answered from the
/// report cache.
const DAYS: i64 = 30;

/// What the readers saw.
#[derive(Debug, Default)]
struct Tally {
    /// Answers by status.
    statuses: BTreeMap<u16, u64>,
    /// 5xx answers other than a 503 with `Retry-After`, and transport errors: (path, what).
    failures: Vec<(String, String)>,
}

/// One reader: asks for pages and reports in turn until `until`.
async fn read_until(
    until: Instant,
    start: usize,
    browser: Client,
    api: Client,
    base: String,
    token: String,
    tally: Arc<Mutex<Tally>>,
) {
    let paths: Vec<(&str, bool)> = PAGES
        .iter()
        .map(|p| (*p, true))
        .chain(REPORTS.iter().map(|p| (*p, false)))
        .collect();
    let today = chrono::Utc::now().date_naive();
    let mut next = start * 13;
    while Instant::now() < until {
        let (path, is_page) = paths[next % paths.len()];
        let from = today - chrono::Duration::days(DAYS + (next * 7 % 365) as i64);
        next += 1;
        let url = format!("{base}{path}from={from}&to={today}");
        let request = if is_page {
            browser.get(url)
        } else {
            api.get(url).bearer_auth(&token)
        };
        // A bound on each request, so that a server that stops answering fails the test instead
        // of hanging it; far above any latency worth a comment.
        let outcome = tokio::time::timeout(Duration::from_secs(120), request.send()).await;
        let mut tally = tally.lock().expect("tally");
        match outcome {
            Err(_) => tally
                .failures
                .push((path.to_owned(), "no answer within 120 s".to_owned())),
            Ok(Err(e)) => tally.failures.push((path.to_owned(), e.to_string())),
            Ok(Ok(response)) => {
                let status = response.status();
                *tally.statuses.entry(status.as_u16()).or_default() += 1;
                let retry_after = response.headers().contains_key("retry-after");
                if status.is_server_error()
                    && !(status == StatusCode::SERVICE_UNAVAILABLE && retry_after)
                {
                    tally.failures.push((path.to_owned(), status.to_string()));
                }
            }
        }
    }
}

/// Uploads every log tree in turn, each by its own developer, as long as the window lasts; returns
/// how many ran. Each must succeed.
async fn upload_during(until: Instant, uploads: Vec<(Machine, UsageLogs)>) -> usize {
    let mut ran = 0;
    for (machine, logs) in &uploads {
        if Instant::now() >= until {
            break;
        }
        machine.upload(logs).await;
        ran += 1;
    }
    ran
}

async fn developer_machine(app: &TestApp, email: &str) -> Machine {
    let user: TestUser = app.add_user(email, "developer", &["Platform"]).await;
    Machine::logged_in(&app.url(""), &user.token)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_readers_of_the_heaviest_pages_and_reports_during_uploads_never_get_a_server_error() {
    for_each_backend(|backend| async move {
        // Arrange: a team with usage already stored, more developers about to upload, and an
        // admin signed in both ways.
        let app = TestApp::spawn(backend).await;
        app.add_team("Platform").await;
        let admin = app.add_user("admin@example.com", "admin", &[]).await;
        for d in 0..STORED_DEVELOPERS {
            let logs = UsageLogs::write(LogSpec {
                days: DAYS,
                ..LogSpec::new(700 + d as u64, d, STORED_EVENTS)
            });
            developer_machine(&app, &format!("stored{d}@example.com"))
                .await
                .upload(&logs)
                .await;
        }
        let mut uploads = Vec::new();
        for u in 0..UPLOADS {
            let logs = UsageLogs::write(LogSpec::new(800 + u as u64, 10 + u, UPLOAD_EVENTS));
            let machine = developer_machine(&app, &format!("uploader{u}@example.com")).await;
            uploads.push((machine, logs));
        }
        let browser = BrowserSession::sign_in(&app, &admin.email, PASSWORD).await.client;
        let api = Client::new();
        let tally = Arc::new(Mutex::new(Tally::default()));

        // Act
        let until = Instant::now() + WINDOW;
        let writer = tokio::spawn(upload_during(until, uploads));
        let readers: Vec<_> = (0..READERS)
            .map(|r| {
                tokio::spawn(read_until(
                    until,
                    r,
                    browser.clone(),
                    api.clone(),
                    app.url(""),
                    admin.token.clone(),
                    Arc::clone(&tally),
                ))
            })
            .collect();
        for reader in readers {
            reader.await.expect("reader");
        }
        let uploaded = writer.await.expect("uploads");

        // Assert
        let tally = tally.lock().expect("tally");
        let answers: u64 = tally.statuses.values().sum();
        let shed = tally.statuses.get(&503).copied().unwrap_or(0);
        eprintln!(
            "{}: {READERS} readers, {answers} answers {:?} ({shed} x 503 with Retry-After) during {uploaded} uploads",
            app.backend, tally.statuses
        );
        assert!(uploaded > 0, "{}: no upload ran during the window", app.backend);
        assert!(
            tally.failures.is_empty(),
            "{}: {} readers' requests failed, first ones: {:?}; all answers {:?}",
            app.backend,
            tally.failures.len(),
            &tally.failures[..tally.failures.len().min(10)],
            tally.statuses
        );
        assert_eq!(
            tally.statuses.get(&200).copied().unwrap_or(0) + shed,
            answers,
            "{}: every answer is 200 or 503, {:?}",
            app.backend,
            tally.statuses
        );
    })
    .await;
}
