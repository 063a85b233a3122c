//! The database handle: one typed pool for either backend, chosen by the URL scheme, and the
//! embedded migrations of each (their own folder per backend). Every statement is in `store`,
//! written once where the dialects agree (see `store::pool`).

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::migrate::Migrator;
use tokio::sync::Mutex;

use crate::error::{Error, Result};
use crate::store::pool::{with_pool, Pool, Transaction};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

/// How long a request waits for a pooled connection before it is answered 503 (`Error::Busy`):
/// well under the request timeout, so a burst is served late rather than refused, yet a server
/// that stays overloaded says so instead of holding every client for a minute.
pub(crate) const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(20);

/// How long an SQLite writer waits for the one before it (an upload batch commits well within
/// it) instead of failing at once; if it still fails, the request is answered 503, not 500.
pub(crate) const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Pool bounds per backend.
pub(crate) struct PoolSizing {
    pub min_connections: u32,
    pub max_connections: u32,
    pub test_before_acquire: bool,
}

impl PoolSizing {
    pub(crate) fn of(backend: Backend) -> PoolSizing {
        match backend {
            // Connections are cheap and all in this process, but SQLite runs one writer at a
            // time and each reader is a CPU-bound thread: more connections than a few per core
            // would only share the cores, and waiting in the pool is fair to writers. Two stay
            // open so that the first upload and the first report after a quiet spell do not pay
            // for opening the file. A local file cannot drop a connection: no ping per acquire.
            Backend::Sqlite => PoolSizing {
                min_connections: 2,
                max_connections: cores().saturating_mul(4).clamp(8, 32),
                test_before_acquire: false,
            },
            // A PostgreSQL server runs writers side by side; its default of 100 connections
            // leaves room for a few servers with this many each.
            Backend::Postgres => PoolSizing {
                min_connections: 2,
                max_connections: 16,
                test_before_acquire: true,
            },
        }
    }
}

fn cores() -> u32 {
    std::thread::available_parallelism()
        .map_or(1, usize::from)
        .try_into()
        .unwrap_or(u32::MAX)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl FromStr for Backend {
    type Err = Error;

    fn from_str(url: &str) -> Result<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(Error::Config(format!(
                "database URL must start with sqlite: or postgres:// (got {:?})",
                redact(url)
            )))
        }
    }
}

/// The pool plus the backend it talks to.
#[derive(Clone, Debug)]
pub struct Db {
    pub backend: Backend,
    pool: Pool,
    /// Turns at SQLite's one write lock, taken in order by this process's transactions.
    sqlite_writers: Arc<Mutex<()>>,
}

impl Db {
    /// Connects, creating a missing SQLite file (WAL mode, foreign keys on).
    pub async fn connect(url: &str) -> Result<Db> {
        let backend: Backend = url.parse()?;
        Ok(Db {
            backend,
            pool: Pool::connect(url, backend).await?,
            sqlite_writers: Arc::default(),
        })
    }

    /// A handle on a pool made elsewhere: tests give the server a pool that runs out of
    /// connections at once.
    #[cfg(test)]
    pub(crate) fn from_pool(pool: Pool, backend: Backend) -> Db {
        Db {
            backend,
            pool,
            sqlite_writers: Arc::default(),
        }
    }

    /// The typed pool every statement in `store` runs on.
    pub(crate) fn typed(&self) -> &Pool {
        &self.pool
    }

    /// Starts a transaction (on SQLite, a write transaction: see [`Pool::begin`]).
    pub(crate) async fn begin(&self) -> Result<Transaction> {
        self.pool.begin(&self.sqlite_writers).await
    }

    /// Applies the embedded migrations that have not run yet.
    pub async fn migrate(&self) -> Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        with_pool!(self, |pool| migrator.run(pool).await?);
        Ok(())
    }

    /// True when the database answers a trivial query.
    pub async fn is_reachable(&self) -> bool {
        with_pool!(self, |pool| sqlx::query("SELECT 1")
            .execute(pool)
            .await
            .is_ok())
    }
}

/// Milliseconds since the Unix epoch, the time format of every stored timestamp.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &credentials[..colon],
                    &url[at..]
                ),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scheme_chooses_the_backend() {
        assert_eq!(
            "sqlite:agentmeter.db".parse::<Backend>().ok(),
            Some(Backend::Sqlite)
        );
        assert_eq!(
            "postgres://u@h/db".parse::<Backend>().ok(),
            Some(Backend::Postgres)
        );
        assert!("mysql://h/db".parse::<Backend>().is_err());
    }

    #[test]
    fn passwords_never_appear_in_messages() {
        assert_eq!(
            redact("postgres://bob:secret@host/db"),
            "postgres://bob:***@host/db"
        );
        assert_eq!(redact("sqlite:agentmeter.db"), "sqlite:agentmeter.db");
    }

    #[tokio::test]
    async fn a_missing_sqlite_file_is_created_and_migrated_with_foreign_keys_on() {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite:{}", dir.path().join("new.db").display());
        let db = Db::connect(&url).await.expect("connect");
        db.migrate().await.expect("migrate");
        assert!(dir.path().join("new.db").exists());
        let Pool::Sqlite(pool) = db.typed() else {
            panic!("an sqlite: URL opens SQLite")
        };
        let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(pool)
            .await
            .expect("pragma");
        assert_eq!(foreign_keys, 1);
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(pool)
            .await
            .expect("pragma");
        assert_eq!(mode, "wal");
        let busy: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
            .fetch_one(pool)
            .await
            .expect("pragma");
        assert_eq!(busy, 10_000);
        let temp_store: i64 = sqlx::query_scalar("PRAGMA temp_store")
            .fetch_one(pool)
            .await
            .expect("pragma");
        assert_eq!(
            temp_store, 2,
            "journals of statements and savepoints kept in memory"
        );
    }

    #[tokio::test]
    async fn sqlite_writers_take_turns_in_the_process_and_the_next_starts_when_one_ends() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = Db::connect(&format!("sqlite:{}", dir.path().join("t.db").display()))
            .await
            .expect("connect");
        db.migrate().await.expect("migrate");
        let first = db.begin().await.expect("first writer");
        let waiting = tokio::spawn({
            let db = db.clone();
            async move {
                let version = crate::store::data_version::bump(&db).await?;
                let second = db.begin().await?;
                second.commit().await?;
                Ok::<i64, Error>(version)
            }
        });
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(
            !waiting.is_finished(),
            "a writer waits for the one before it"
        );
        first.commit().await.expect("commit");
        let version = tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .expect("the next writer starts once the first ends")
            .expect("task")
            .expect("its writes");
        assert_eq!(version, 1);
    }
}
