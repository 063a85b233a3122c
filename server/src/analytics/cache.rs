//! The report cache: computed reports kept by (report kind, scope, parameters) and the data
//! version they were computed from.
//!
//! The data version is an in-memory counter that [`note_writes`] bumps after every request that
//! may write (anything but GET, HEAD and OPTIONS): ingest uploads, webhooks, commits, admin forms
//! and API edits all go through HTTP, so the next read after a write computes afresh. Writes made
//! by another process (`agentmeter-server user add …` on the same database) are not seen by the
//! counter; the time-to-live bounds how long a report may lag behind those.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

use crate::error::Result;
use crate::state::AppState;

/// Reports kept at most; the oldest goes first. A report is a few kilobytes, and the key space of
/// a real organisation (pages × teams × date ranges people actually pick) is far smaller.
pub const CAPACITY: usize = 512;

struct Entry {
    version: u64,
    stored: Instant,
    /// Insertion order, to find the oldest (two `Instant`s may be equal).
    order: u64,
    report: Arc<dyn Any + Send + Sync>,
}

#[derive(Default)]
struct Entries {
    by_key: HashMap<String, Entry>,
    inserted: u64,
}

/// Computed reports, shared by the pages and the JSON API.
pub struct ReportCache {
    ttl: Duration,
    capacity: usize,
    version: AtomicU64,
    entries: Mutex<Entries>,
}

impl std::fmt::Debug for ReportCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReportCache")
            .field("ttl", &self.ttl)
            .field("version", &self.version())
            .finish_non_exhaustive()
    }
}

impl ReportCache {
    /// A cache keeping reports for `ttl` (zero: keeps nothing) and at most `capacity` of them.
    pub fn new(ttl: Duration, capacity: usize) -> ReportCache {
        ReportCache {
            ttl,
            capacity,
            version: AtomicU64::new(0),
            entries: Mutex::new(Entries::default()),
        }
    }

    /// The current data version.
    pub fn version(&self) -> u64 {
        self.version.load(Ordering::SeqCst)
    }

    /// Records that the data may have changed: every report kept so far is out of date.
    pub fn data_changed(&self) {
        self.version.fetch_add(1, Ordering::SeqCst);
        self.lock().by_key.clear();
    }

    /// The report kept under `key` for the current data version, or the one `compute` returns
    /// (kept unless the data changed while it ran). Errors are not kept.
    pub async fn get_or_compute<T, F, Fut>(&self, key: String, compute: F) -> Result<T>
    where
        T: Clone + Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        if self.ttl.is_zero() {
            return compute().await;
        }
        // Read before computing: a write landing mid-computation leaves this report behind.
        let version = self.version();
        if let Some(report) = self.lookup::<T>(&key, version) {
            return Ok(report);
        }
        let report = compute().await?;
        self.store(key, version, Arc::new(report.clone()));
        Ok(report)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        // A panic while holding the lock leaves a map that is still consistent.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn lookup<T: Clone + 'static>(&self, key: &str, version: u64) -> Option<T> {
        let entries = self.lock();
        let entry = entries.by_key.get(key)?;
        if entry.version != version || entry.stored.elapsed() >= self.ttl {
            return None;
        }
        entry.report.downcast_ref::<T>().cloned()
    }

    fn store(&self, key: String, version: u64, report: Arc<dyn Any + Send + Sync>) {
        let mut entries = self.lock();
        if version != self.version() {
            return;
        }
        let ttl = self.ttl;
        entries.by_key.retain(|_, e| e.stored.elapsed() < ttl);
        while entries.by_key.len() >= self.capacity.max(1) {
            let oldest = entries
                .by_key
                .iter()
                .min_by_key(|(_, e)| e.order)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => entries.by_key.remove(&k),
                None => break,
            };
        }
        entries.inserted += 1;
        let order = entries.inserted;
        entries.by_key.insert(
            key,
            Entry {
                version,
                stored: Instant::now(),
                order,
                report,
            },
        );
    }
}

/// Middleware: after any request that may have written, whatever its outcome (a failed request
/// may still have stored part of its work, and one needless recomputation is cheap), the data
/// version moves on.
pub async fn note_writes(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let writes = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let response = next.run(request).await;
    if writes {
        state.reports.data_changed();
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn count(n: u32) -> Result<u32> {
        Ok(n)
    }

    #[tokio::test]
    async fn a_report_is_computed_once_per_data_version() {
        let cache = ReportCache::new(Duration::from_secs(60), 8);
        assert_eq!(
            cache.get_or_compute("a".into(), || count(1)).await.ok(),
            Some(1)
        );
        assert_eq!(
            cache.get_or_compute("a".into(), || count(2)).await.ok(),
            Some(1)
        );
        cache.data_changed();
        assert_eq!(
            cache.get_or_compute("a".into(), || count(3)).await.ok(),
            Some(3)
        );
    }

    #[tokio::test]
    async fn a_zero_time_to_live_keeps_nothing() {
        let cache = ReportCache::new(Duration::ZERO, 8);
        assert_eq!(
            cache.get_or_compute("a".into(), || count(1)).await.ok(),
            Some(1)
        );
        assert_eq!(
            cache.get_or_compute("a".into(), || count(2)).await.ok(),
            Some(2)
        );
    }

    #[tokio::test]
    async fn a_report_computed_across_a_write_is_not_kept() {
        let cache = ReportCache::new(Duration::from_secs(60), 8);
        let value = cache
            .get_or_compute("a".into(), || async {
                cache.data_changed();
                Ok(1u32)
            })
            .await;
        assert_eq!(value.ok(), Some(1));
        assert_eq!(
            cache.get_or_compute("a".into(), || count(2)).await.ok(),
            Some(2)
        );
    }

    #[tokio::test]
    async fn the_oldest_report_makes_room_when_the_cache_is_full() {
        let cache = ReportCache::new(Duration::from_secs(60), 2);
        for (key, n) in [("a", 1), ("b", 2), ("c", 3)] {
            cache.get_or_compute(key.into(), || count(n)).await.ok();
        }
        assert_eq!(
            cache.get_or_compute("a".into(), || count(10)).await.ok(),
            Some(10)
        );
        assert_eq!(
            cache.get_or_compute("c".into(), || count(30)).await.ok(),
            Some(3)
        );
    }
}
