//! The readers of the benchmark: an admin's browser on the heaviest pages and scripts on the
//! matching API reports, each reader asking in turn until the window closes, every answer's
//! status and latency kept.

use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use reqwest::Client;

/// Pages read with the session cookie, and API reports read with the token.
const PAGES: [&str; 4] = ["/?", "/spend?", "/productivity?", "/reviews?"];
const REPORTS: [&str; 5] = [
    "/api/v1/metrics/spend?group_by=developer&",
    "/api/v1/metrics/spend?group_by=day&",
    "/api/v1/metrics/adoption?",
    "/api/v1/metrics/productivity?",
    "/api/v1/reviews/summary?",
];

/// One answer (or transport error, status 0).
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub page: bool,
    pub status: u16,
    pub retry_after: bool,
    pub latency: Duration,
}

/// Who reads, and which ranges they ask for.
#[derive(Clone)]
pub struct Readers {
    pub base: String,
    pub cookie: String,
    pub token: String,
    /// Last day of every range asked for.
    pub to: NaiveDate,
    /// Each request asks for another `from` (so reports are computed, not served from the
    /// cache); otherwise every request asks for the last 92 days.
    pub vary_ranges: bool,
}

impl Readers {
    /// Runs `count` readers until `until`; returns every sample.
    pub async fn read(&self, count: usize, until: Instant) -> anyhow::Result<Vec<Sample>> {
        let http = Client::builder()
            .timeout(Duration::from_secs(120))
            .pool_max_idle_per_host(count)
            .build()?;
        let tasks: Vec<_> = (0..count)
            .map(|reader| {
                let (readers, http) = (self.clone(), http.clone());
                tokio::spawn(async move { readers.one(reader, &http, until).await })
            })
            .collect();
        let mut samples = Vec::new();
        for task in tasks {
            samples.extend(task.await?);
        }
        Ok(samples)
    }

    async fn one(&self, reader: usize, http: &Client, until: Instant) -> Vec<Sample> {
        let paths: Vec<(&str, bool)> = PAGES
            .iter()
            .map(|p| (*p, true))
            .chain(REPORTS.iter().map(|p| (*p, false)))
            .collect();
        let mut samples = Vec::new();
        let mut next = reader * 13;
        while Instant::now() < until {
            let (path, page) = paths[next % paths.len()];
            let back = if self.vary_ranges {
                92 + (next * 7 % 365) as u64
            } else {
                92
            };
            next += 1;
            let from = self.to.checked_sub_days(Days::new(back)).unwrap_or(self.to);
            let url = format!("{}{path}from={from}&to={}", self.base, self.to);
            let request = if page {
                http.get(url).header("Cookie", &self.cookie)
            } else {
                http.get(url).bearer_auth(&self.token)
            };
            let started = Instant::now();
            let (status, retry_after) = match request.send().await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let retry_after = response.headers().contains_key("retry-after");
                    // Read the body: the latency is the whole answer's.
                    let _ = response.bytes().await;
                    (status, retry_after)
                }
                Err(_) => (0, false),
            };
            samples.push(Sample {
                page,
                status,
                retry_after,
                latency: started.elapsed(),
            });
        }
        samples
    }
}

/// `| label | answers | p50 | p95 | p99 | max | 200 | 503 | errors |` over `samples`.
pub fn row(label: &str, samples: &[Sample]) -> String {
    let mut latencies: Vec<Duration> = samples.iter().map(|s| s.latency).collect();
    latencies.sort();
    let at = |p: f64| -> f64 {
        latencies
            .get(((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1))
            .map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
    };
    let count = |f: &dyn Fn(&Sample) -> bool| samples.iter().filter(|s| f(s)).count();
    format!(
        "| {label:<28} | {:>6} | {:>8.1} | {:>8.1} | {:>8.1} | {:>8.1} | {:>6} | {:>5} | {:>6} |",
        samples.len(),
        at(0.50),
        at(0.95),
        at(0.99),
        at(1.0),
        count(&|s| s.status == 200),
        count(&|s| s.status == 503 && s.retry_after),
        count(&|s| s.status != 200 && !(s.status == 503 && s.retry_after)),
    )
}

pub const HEADER: &str = "| readers during | answers | p50 ms | p95 ms | p99 ms | max ms | 200 | 503 | errors |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|";
