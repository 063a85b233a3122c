//! Prometheus metrics, served at `GET /metrics` in the text format (see README "Operations"):
//!
//! - `agentmeter_http_requests_total{method, route, status}` and
//!   `agentmeter_http_request_duration_seconds{method, route}`, by the matched route template
//!   (`/api/v1/repositories/{*path}`, never the raw path, so that the series stay few);
//!   requests that matched no route are `route="unmatched"`;
//! - `agentmeter_ingest_batches_total` and `agentmeter_ingest_events_total{outcome}` (inserted,
//!   updated, unchanged) of stored usage uploads;
//! - `agentmeter_webhook_deliveries_total{forge, outcome}` (processed, ignored, pong, duplicate,
//!   refused, failed);
//! - `agentmeter_db_pool_connections{state}` (idle, in_use) and `agentmeter_db_pool_max_connections`,
//!   read at each scrape;
//! - `agentmeter_report_cache_hits_total` and `agentmeter_report_cache_misses_total`.
//!
//! Each server has a registry of its own rather than the process-wide default one, so that
//! servers started side by side in one process (the tests) count apart.

use std::time::Duration;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry, TextEncoder,
};

use crate::db::Db;
use crate::error::{Error, Result};
use crate::store::pool::Pool;

/// The content type of the Prometheus text format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Latency buckets, in seconds: from a cached report (milliseconds) to an upload near the
/// request timeout.
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];

/// The report cache's counters.
#[derive(Clone, Debug)]
pub struct CacheCounters {
    /// Reports served without computing them (kept, or computed by a concurrent reader).
    pub hits: IntCounter,
    /// Reports computed.
    pub misses: IntCounter,
}

#[cfg(test)]
impl CacheCounters {
    /// Counters outside any registry, for a cache tested on its own.
    pub fn unregistered() -> CacheCounters {
        let counter = |name: &str| IntCounter::new(name, name).expect("valid counter");
        CacheCounters {
            hits: counter("hits"),
            misses: counter("misses"),
        }
    }
}

/// The metrics of one server.
#[derive(Debug)]
pub struct Observability {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    ingest_batches: IntCounter,
    ingest_events: IntCounterVec,
    webhook_deliveries: IntCounterVec,
    pool_connections: IntGaugeVec,
    pool_max: IntGauge,
    cache: CacheCounters,
}

/// How a usage upload was stored: events new, replacing a smaller copy, or already held.
#[derive(Clone, Copy, Debug)]
pub struct IngestedEvents {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl Observability {
    pub fn new() -> Result<Observability> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("agentmeter_http_requests_total", "HTTP requests answered."),
            &["method", "route", "status"],
        )
        .map_err(invalid)?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "agentmeter_http_request_duration_seconds",
                "Time from a request's head to its response's head.",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["method", "route"],
        )
        .map_err(invalid)?;
        let ingest_batches =
            IntCounter::new("agentmeter_ingest_batches_total", "Usage batches stored.")
                .map_err(invalid)?;
        let ingest_events = IntCounterVec::new(
            Opts::new(
                "agentmeter_ingest_events_total",
                "Usage events of stored batches, by what storing them did.",
            ),
            &["outcome"],
        )
        .map_err(invalid)?;
        let webhook_deliveries = IntCounterVec::new(
            Opts::new(
                "agentmeter_webhook_deliveries_total",
                "GitHub and GitLab webhook deliveries, by outcome.",
            ),
            &["forge", "outcome"],
        )
        .map_err(invalid)?;
        let pool_connections = IntGaugeVec::new(
            Opts::new(
                "agentmeter_db_pool_connections",
                "Open database connections of the pool, idle or in use.",
            ),
            &["state"],
        )
        .map_err(invalid)?;
        let pool_max = IntGauge::new(
            "agentmeter_db_pool_max_connections",
            "Most database connections the pool opens.",
        )
        .map_err(invalid)?;
        let cache = CacheCounters {
            hits: IntCounter::new(
                "agentmeter_report_cache_hits_total",
                "Reports served without computing them.",
            )
            .map_err(invalid)?,
            misses: IntCounter::new("agentmeter_report_cache_misses_total", "Reports computed.")
                .map_err(invalid)?,
        };
        let collectors: [Box<dyn prometheus::core::Collector>; 9] = [
            Box::new(requests.clone()),
            Box::new(latency.clone()),
            Box::new(ingest_batches.clone()),
            Box::new(ingest_events.clone()),
            Box::new(webhook_deliveries.clone()),
            Box::new(pool_connections.clone()),
            Box::new(pool_max.clone()),
            Box::new(cache.hits.clone()),
            Box::new(cache.misses.clone()),
        ];
        for collector in collectors {
            registry.register(collector).map_err(invalid)?;
        }
        Ok(Observability {
            registry,
            requests,
            latency,
            ingest_batches,
            ingest_events,
            webhook_deliveries,
            pool_connections,
            pool_max,
            cache,
        })
    }

    /// The report cache's counters, for the cache to count with.
    pub fn cache_counters(&self) -> CacheCounters {
        self.cache.clone()
    }

    /// Counts a request answered with `status` after `elapsed`.
    pub fn request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        self.requests
            .with_label_values(&[method, route, status.to_string().as_str()])
            .inc();
        self.latency
            .with_label_values(&[method, route])
            .observe(elapsed.as_secs_f64());
    }

    /// Counts a stored usage batch.
    pub fn ingested(&self, events: IngestedEvents) {
        self.ingest_batches.inc();
        for (outcome, count) in [
            ("inserted", events.inserted),
            ("updated", events.updated),
            ("unchanged", events.unchanged),
        ] {
            self.ingest_events
                .with_label_values(&[outcome])
                .inc_by(count);
        }
    }

    /// Counts a webhook delivery of `forge` (github, gitlab) by its outcome.
    pub fn webhook_delivery(&self, forge: &str, outcome: &str) {
        self.webhook_deliveries
            .with_label_values(&[forge, outcome])
            .inc();
    }

    /// Every metric in the Prometheus text format, the pool's as it is now.
    pub fn render(&self, db: &Db) -> Result<String> {
        let (open, idle, max) = match db.typed() {
            Pool::Sqlite(pool) => pool_use(pool),
            Pool::Postgres(pool) => pool_use(pool),
        };
        self.pool_connections.with_label_values(&["idle"]).set(idle);
        self.pool_connections
            .with_label_values(&["in_use"])
            .set(open.saturating_sub(idle));
        self.pool_max.set(max);
        let mut text = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut text)
            .map_err(invalid)?;
        String::from_utf8(text).map_err(|e| Error::Internal(e.into()))
    }
}

/// (open, idle, most) connections of a pool.
fn pool_use<DB: sqlx::Database>(pool: &sqlx::Pool<DB>) -> (i64, i64, i64) {
    (
        i64::from(pool.size()),
        i64::try_from(pool.num_idle()).unwrap_or(i64::MAX),
        i64::from(pool.options().get_max_connections()),
    )
}

fn invalid(e: prometheus::Error) -> Error {
    Error::Internal(anyhow::Error::new(e).context("metrics registry"))
}
