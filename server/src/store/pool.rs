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

use std::str::FromStr;

use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, PgPool, Postgres, Sqlite, SqlitePool};

use crate::db::{redact, Backend, PoolSizing, ACQUIRE_TIMEOUT, SQLITE_BUSY_TIMEOUT};
use crate::error::{Error, Result};

/// A pool of the backend the database URL names.
#[derive(Clone, Debug)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A transaction on either backend.
pub enum Transaction {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
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
                    .busy_timeout(SQLITE_BUSY_TIMEOUT);
                Pool::Sqlite(open(options, &sizing).await.map_err(cannot_open)?)
            }
            Backend::Postgres => {
                let options = PgConnectOptions::from_str(url).map_err(cannot_open)?;
                Pool::Postgres(open(options, &sizing).await.map_err(cannot_open)?)
            }
        })
    }

    /// Starts a transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`): a
    /// transaction that reads before it writes would otherwise fail with SQLITE_BUSY_SNAPSHOT
    /// when another writer commits in between.
    pub async fn begin(&self) -> Result<Transaction> {
        Ok(match self {
            Pool::Sqlite(pool) => Transaction::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
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
            Transaction::Sqlite(tx) => tx.commit().await?,
            Transaction::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}
