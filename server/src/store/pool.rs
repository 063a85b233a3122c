//! The typed connection pool of either backend, and the two macros that run one piece of query
//! code against whichever it is.
//!
//! A statement is written once where SQLite and PostgreSQL agree: `$N` placeholders (or a
//! `QueryBuilder`, which numbers them for each backend), BIGINT epoch-millisecond times, flags
//! bound and decoded as `bool` (BOOLEAN on PostgreSQL, 0/1 on SQLite; `TRUE`/`FALSE` literals
//! read the same on both), lists as `sqlx::types::Json` (`#[sqlx(json)]` fields; JSONB on
//! PostgreSQL, JSON text on SQLite), rows decoded with `#[derive(FromRow)]`. The macros compile
//! the code once per backend, so each runs on its own driver with its own statement cache and
//! native types; where the dialects differ, a `match` on [`Pool`] says so in place.
//!
//! Times stay epoch milliseconds on PostgreSQL too (not TIMESTAMPTZ): the rollup's hour buckets
//! and the reports' local days are integer arithmetic on them, written once for both backends,
//! and every reader turns them into `DateTime<Utc>` at the edge.

use std::ops::{Deref, DerefMut};
use std::str::FromStr;
use std::sync::Arc;

use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::db::{redact, Backend, PoolSizing, ACQUIRE_TIMEOUT, SQLITE_BUSY_TIMEOUT};
use crate::error::{Error, Result, BUSY_RETRY_AFTER_SECS};

/// A pool of the backend the database URL names.
#[derive(Clone, Debug)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A transaction on either backend.
pub enum Transaction {
    Sqlite(SqliteWrite),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

/// An SQLite transaction, holding this process's turn at the database's write lock until it
/// ends (see [`Pool::begin`]); it reads as its connection.
pub struct SqliteWrite {
    tx: sqlx::Transaction<'static, Sqlite>,
    _turn: OwnedMutexGuard<()>,
}

impl Deref for SqliteWrite {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        &self.tx
    }
}

impl DerefMut for SqliteWrite {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.tx
    }
}

/// Runs `$body` with `$pool` bound to the typed pool (`&SqlitePool` or `&PgPool`) of `$db`.
macro_rules! with_pool {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db.typed() {
            $crate::store::pool::Pool::Sqlite($pool) => $body,
            $crate::store::pool::Pool::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` with `$conn` bound to the connection (`&mut SqliteConnection` or
/// `&mut PgConnection`) of the transaction `$tx`.
macro_rules! with_tx {
    ($tx:expr, |$conn:ident| $body:expr) => {
        match $tx {
            $crate::store::pool::Transaction::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
            $crate::store::pool::Transaction::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}

pub(crate) use {with_pool, with_tx};

impl Pool {
    /// Connects, creating a missing SQLite file (WAL mode, foreign keys on).
    pub async fn connect(url: &str, backend: Backend) -> Result<Pool> {
        let cannot_open =
            |e: sqlx::Error| Error::Config(format!("cannot open database {}: {e}", redact(url)));
        let sizing = PoolSizing::of(backend);
        Ok(match backend {
            Backend::Sqlite => {
                let options = SqliteConnectOptions::from_str(url)
                    .map_err(cannot_open)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(SQLITE_BUSY_TIMEOUT)
                    // Statement and savepoint journals (an upload's insert is undone if one of
                    // its requests is stored already) stay in memory instead of temporary files
                    // written page by page: a few MB at most, freed at commit.
                    .pragma("temp_store", "memory");
                Pool::Sqlite(open(options, &sizing).await.map_err(cannot_open)?)
            }
            Backend::Postgres => {
                let options = PgConnectOptions::from_str(url).map_err(cannot_open)?;
                Pool::Postgres(open(options, &sizing).await.map_err(cannot_open)?)
            }
        })
    }

    /// Starts a transaction. On SQLite it first waits for this process's turn at the one write
    /// lock (`writers`), then takes that lock at once (`BEGIN IMMEDIATE`): a transaction that
    /// reads before it writes would otherwise fail with SQLITE_BUSY_SNAPSHOT when another writer
    /// commits in between. Waiting here rather than in SQLite's busy handler matters under load:
    /// the handler polls with sleeps of up to 100 ms, so a writer queued behind a 50 ms upload
    /// sat idle for tens of milliseconds after the lock came free; a turn passes on at once.
    pub(crate) async fn begin(&self, writers: &Arc<Mutex<()>>) -> Result<Transaction> {
        Ok(match self {
            Pool::Sqlite(pool) => {
                let turn = tokio::time::timeout(SQLITE_BUSY_TIMEOUT, writers.clone().lock_owned())
                    .await
                    .map_err(|_| Error::Busy {
                        retry_after_secs: BUSY_RETRY_AFTER_SECS,
                    })?;
                Transaction::Sqlite(SqliteWrite {
                    tx: pool.begin_with("BEGIN IMMEDIATE").await?,
                    _turn: turn,
                })
            }
            Pool::Postgres(pool) => Transaction::Postgres(pool.begin().await?),
        })
    }
}

/// Opens one connection first (a pool would only report a timeout; this says why it cannot
/// connect), then the pool.
async fn open<DB: sqlx::Database>(
    options: <DB::Connection as Connection>::Options,
    sizing: &PoolSizing,
) -> std::result::Result<sqlx::Pool<DB>, sqlx::Error> {
    options.connect().await?.close().await?;
    sqlx::pool::PoolOptions::<DB>::new()
        .min_connections(sizing.min_connections)
        .max_connections(sizing.max_connections)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .test_before_acquire(sizing.test_before_acquire)
        .connect_with(options)
        .await
}

impl Transaction {
    pub async fn commit(self) -> Result<()> {
        match self {
            Transaction::Sqlite(write) => write.tx.commit().await?,
            Transaction::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}
