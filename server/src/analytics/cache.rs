//! The report cache: computed reports kept by (report kind, scope, parameters) and the data
//! version they were computed from.
//!
//! The data version is a row in the database (`data_version`, migration 0014), shared by every
//! server instance on it. `routes::middleware::note_writes` moves it on after every write that
//! succeeded (ingest uploads, verified webhooks, commits, admin forms and API edits all go
//! through HTTP), the OTLP/gRPC receiver after each export, and the server CLI after each command
//! that writes (`agentmeter-server user add …`). Every cached read first reads the row (one
//! primary-key lookup, far cheaper than any report) and looks its report up under that version,
//! so the first read after a write, through whichever instance, computes afresh. Reading the row
//! per request rather than listening for PostgreSQL notifications keeps one design for both
//! backends, and leaves no window in which an instance has not heard of a write its client has
//! already been answered for. The time-to-live only bounds memory, and how long a write made
//! outside the server (SQL by hand) goes unseen.
//!
//! Readers asking for the same report at the same data version while it is being computed wait
//! for that one computation instead of starting their own: after an upload every dashboard
//! misses at once, and fifty readers computing the same report fifty times used up the pool.

use std::any::Any;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use moka::future::Cache;
use moka::policy::EvictionPolicy;

use crate::db::Db;
use crate::error::{Error, Result};
use crate::observability::CacheCounters;
use crate::store::data_version;

/// Reports kept at most; the least recently read goes first. A report is a few kilobytes, and the
/// key space of a real organisation (pages × teams × date ranges people actually pick) is far
/// smaller.
pub const CAPACITY: u64 = 512;

type Report = Arc<dyn Any + Send + Sync>;

/// Computed reports, shared by the pages and the JSON API.
pub struct ReportCache {
    db: Db,
    ttl: Duration,
    /// Keyed by (report key, data version).
    reports: Cache<(String, i64), Report>,
    counters: CacheCounters,
}

impl std::fmt::Debug for ReportCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReportCache")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl ReportCache {
    /// A cache keeping reports for `ttl` (zero: keeps nothing) and at most `capacity` of them,
    /// under the data version of `db`; `counters` count its hits and misses.
    pub fn new(db: Db, ttl: Duration, capacity: u64, counters: CacheCounters) -> ReportCache {
        let reports = Cache::builder()
            .max_capacity(capacity.max(1))
            // A zero time-to-live never reaches the cache (see `get_or_compute`).
            .time_to_live(ttl.max(Duration::from_millis(1)))
            .eviction_policy(EvictionPolicy::lru())
            .build();
        ReportCache {
            db,
            ttl,
            reports,
            counters,
        }
    }

    /// The current data version.
    pub async fn version(&self) -> Result<i64> {
        data_version::current(&self.db).await
    }

    /// Records that the data may have changed: every report kept so far, by any instance on the
    /// database, is out of date.
    pub async fn data_changed(&self) -> Result<()> {
        // Unreachable once the version moves; dropped at once to free their memory.
        self.reports.invalidate_all();
        data_version::bump(&self.db).await?;
        Ok(())
    }

    /// The report kept under `key` for the current data version, or the one `compute` returns.
    /// Concurrent calls for the same key and version run one `compute` and share its result,
    /// error included; errors are not kept.
    pub async fn get_or_compute<T, F, Fut>(&self, key: String, compute: F) -> Result<T>
    where
        T: Clone + Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        if self.ttl.is_zero() {
            self.counters.misses.inc();
            return compute().await;
        }
        // Read before computing: a report computed across a write is filed under the version it
        // started from, where no later read looks.
        let version = self.version().await?;
        let computed = AtomicBool::new(false);
        let computation = async {
            computed.store(true, Ordering::Relaxed);
            compute().await.map(|report| Arc::new(report) as Report)
        };
        let report = self
            .reports
            .try_get_with((key, version), computation)
            .await
            .map_err(|shared| Arc::try_unwrap(shared).unwrap_or_else(|e| e.replicate()))?;
        // A reader that waited for another's computation counts as a hit: it computed nothing.
        if computed.load(Ordering::Relaxed) {
            self.counters.misses.inc();
        } else {
            self.counters.hits.inc();
        }
        report.downcast_ref::<T>().cloned().ok_or_else(|| {
            Error::Internal(anyhow::anyhow!("two report kinds share a report cache key"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU64;

    /// A cache over a fresh SQLite database, and the database; the directory must outlive both.
    async fn cache_on_new_db(ttl: Duration, capacity: u64) -> (ReportCache, Db, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite:{}", dir.path().join("cache.db").display());
        let db = Db::connect(&url).await.expect("connect");
        db.migrate().await.expect("migrate");
        let cache = ReportCache::new(db.clone(), ttl, capacity, CacheCounters::unregistered());
        (cache, db, dir)
    }

    async fn count(n: u32) -> Result<u32> {
        Ok(n)
    }

    #[tokio::test]
    async fn a_report_is_computed_once_per_data_version() {
        let (cache, _db, _dir) = cache_on_new_db(Duration::from_secs(60), 8).await;
        assert_eq!(
            cache.get_or_compute("a".into(), || count(1)).await.ok(),
            Some(1)
        );
        assert_eq!(
            cache.get_or_compute("a".into(), || count(2)).await.ok(),
            Some(1)
        );
        cache.data_changed().await.expect("version moves");
        assert_eq!(
            cache.get_or_compute("a".into(), || count(3)).await.ok(),
            Some(3)
        );
    }

    #[tokio::test]
    async fn a_write_through_one_instance_is_seen_by_another_on_the_same_database() {
        let (a, db, _dir) = cache_on_new_db(Duration::from_secs(3600), 8).await;
        let b = ReportCache::new(
            db,
            Duration::from_secs(3600),
            8,
            CacheCounters::unregistered(),
        );
        assert_eq!(
            b.get_or_compute("a".into(), || count(1)).await.ok(),
            Some(1)
        );
        assert_eq!(
            b.get_or_compute("a".into(), || count(2)).await.ok(),
            Some(1)
        );
        a.data_changed().await.expect("version moves");
        assert_eq!(
            b.get_or_compute("a".into(), || count(3)).await.ok(),
            Some(3)
        );
        assert_eq!(
            (b.counters.hits.get(), b.counters.misses.get()),
            (1, 2),
            "one hit, two computations"
        );
    }

    #[tokio::test]
    async fn a_zero_time_to_live_keeps_nothing() {
        let (cache, _db, _dir) = cache_on_new_db(Duration::ZERO, 8).await;
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
        let (cache, _db, _dir) = cache_on_new_db(Duration::from_secs(60), 8).await;
        let value = cache
            .get_or_compute("a".into(), || async {
                cache.data_changed().await.expect("version moves");
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
        let (cache, _db, _dir) = cache_on_new_db(Duration::from_secs(60), 2).await;
        for (key, n) in [("a", 1), ("b", 2), ("c", 3)] {
            cache.get_or_compute(key.into(), || count(n)).await.ok();
            // Eviction runs in the background; settle it as a long-running server would have.
            cache.reports.run_pending_tasks().await;
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn fifty_concurrent_readers_of_one_report_run_one_computation() {
        let (cache, _db, _dir) = cache_on_new_db(Duration::from_secs(60), 8).await;
        let cache = Arc::new(cache);
        let runs = Arc::new(AtomicU64::new(0));
        let readers: Vec<_> = (0..50)
            .map(|_| {
                let (cache, runs) = (cache.clone(), runs.clone());
                tokio::spawn(async move {
                    let compute = || async move {
                        runs.fetch_add(1, Ordering::SeqCst);
                        // Long enough that every reader arrives while it runs.
                        tokio::time::sleep(Duration::from_millis(200)).await;
                        Ok(7u32)
                    };
                    cache.get_or_compute("a".into(), compute).await.ok()
                })
            })
            .collect();
        for reader in readers {
            assert_eq!(reader.await.expect("reader"), Some(7));
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_readers_share_a_failure_and_the_next_read_computes_again() {
        let (cache, _db, _dir) = cache_on_new_db(Duration::from_secs(60), 8).await;
        let cache = Arc::new(cache);
        let runs = Arc::new(AtomicU64::new(0));
        let readers: Vec<_> = (0..10)
            .map(|_| {
                let (cache, runs) = (cache.clone(), runs.clone());
                tokio::spawn(async move {
                    let compute = || async move {
                        runs.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(200)).await;
                        Err::<u32, _>(Error::Busy {
                            retry_after_secs: 2,
                        })
                    };
                    cache
                        .get_or_compute("a".into(), compute)
                        .await
                        .map_err(|e| e.status())
                })
            })
            .collect();
        for reader in readers {
            let answer = reader.await.expect("reader");
            assert_eq!(answer, Err(axum::http::StatusCode::SERVICE_UNAVAILABLE));
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        assert_eq!(
            cache.get_or_compute("a".into(), || count(5)).await.ok(),
            Some(5)
        );
    }

    #[tokio::test]
    async fn reports_of_different_keys_are_computed_apart() {
        let (cache, _db, _dir) = cache_on_new_db(Duration::from_secs(60), 8).await;
        let (a, b) = tokio::join!(
            cache.get_or_compute("a".into(), || count(1)),
            cache.get_or_compute("b".into(), || count(2)),
        );
        assert_eq!((a.ok(), b.ok()), (Some(1), Some(2)));
    }
}
