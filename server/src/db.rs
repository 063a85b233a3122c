//! The database handle: one pool for either backend, chosen by the URL scheme.
//!
//! Queries are written once in SQL both SQLite and PostgreSQL accept (`$1` placeholders, BIGINT
//! epoch-millisecond times, integer flags) and run through sqlx's `Any` driver, so handlers never
//! see which backend is in use. Each backend has its own migration folder, embedded in the binary.

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Connection, Executor};

use crate::error::{Error, Result};
use crate::store::pool::Pool;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

/// How long a request waits for a pooled connection before it is answered 503 (`Error::Busy`):
/// well under the request timeout, so a burst is served late rather than refused, yet a server
/// that stays overloaded says so instead of holding every client for a minute.
pub(crate) const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(20);

/// How long an SQLite writer waits for the one before it (an upload batch commits well within
/// it) instead of failing at once; if it still fails, the request is answered 503, not 500.
pub(crate) const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Set on every SQLite connection: WAL lets readers run beside the one writer.
fn sqlite_pragmas() -> String {
    format!(
        "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {}; \
         PRAGMA synchronous = NORMAL;",
        SQLITE_BUSY_TIMEOUT.as_millis()
    )
}

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

/// A pool plus the backend it talks to.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// The same database on its own driver; statements move here from `pool` (see store::pool).
    typed: Pool,
}

impl Db {
    /// Connects, creating a missing SQLite file (WAL mode, foreign keys on).
    pub async fn connect(url: &str) -> Result<Db> {
        sqlx::any::install_default_drivers();
        let backend: Backend = url.parse()?;
        let given = url;
        let url = match backend {
            Backend::Sqlite => sqlite_url_with_create(url),
            Backend::Postgres => postgres_url_without_statement_cache(url),
        };
        let cannot_open =
            |e: sqlx::Error| Error::Config(format!("cannot open database {}: {e}", redact(given)));
        // One connection first: the pool would only report a timeout, this says why.
        sqlx::AnyConnection::connect(&url)
            .await
            .map_err(cannot_open)?
            .close()
            .await
            .map_err(cannot_open)?;
        let sizing = PoolSizing::of(backend);
        let pool = AnyPoolOptions::new()
            .min_connections(sizing.min_connections)
            .max_connections(sizing.max_connections)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .test_before_acquire(sizing.test_before_acquire)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute(sqlite_pragmas().as_str()).await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .map_err(cannot_open)?;
        let typed = Pool::connect(given, backend).await?;
        Ok(Db {
            pool,
            backend,
            typed,
        })
    }

    /// A handle on pools made elsewhere: tests give the server pools that run out of connections
    /// at once.
    #[cfg(test)]
    pub(crate) fn from_pools(pool: AnyPool, typed: Pool, backend: Backend) -> Db {
        Db {
            pool,
            backend,
            typed,
        }
    }

    /// The typed pool every statement in `store` runs on.
    pub(crate) fn typed(&self) -> &Pool {
        &self.typed
    }

    /// Applies the embedded migrations that have not run yet.
    pub async fn migrate(&self) -> Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.pool).await?;
        Ok(())
    }

    /// Runs `select` and returns its rows, each decoded from a JSON array of `columns` (in order)
    /// into `T` (a tuple or a struct of the same arity). `floats` name the columns holding
    /// floating-point values: they travel as exact text (decode them with [`exact_f64`]).
    ///
    /// The whole result comes back as one JSON text in one row. sqlx hands SQLite rows one at a
    /// time from its worker thread, a thread wake-up per row that cost more than the query itself
    /// on reports reading tens of thousands of rows.
    pub async fn fetch_json_rows<T: serde::de::DeserializeOwned>(
        &self,
        select: &str,
        columns: &[&str],
        floats: &[&str],
        binds: &[i64],
    ) -> Result<Vec<T>> {
        let list: Vec<String> = columns
            .iter()
            .map(|c| match (floats.contains(c), self.backend) {
                // quote() is exact (JSON output keeps 15 digits); 'NULL' for null.
                (true, Backend::Sqlite) => format!("quote({c})"),
                (true, Backend::Postgres) => format!("CAST({c} AS TEXT)"),
                (false, _) => (*c).to_owned(),
            })
            .collect();
        let list = list.join(", ");
        let sql = match self.backend {
            Backend::Sqlite => format!(
                "SELECT COALESCE(json_group_array(json_array({list})), '[]') FROM ({select}) AS q"
            ),
            Backend::Postgres => format!(
                "SELECT CAST(COALESCE(json_agg(json_build_array({list})), '[]') AS TEXT) FROM ({select}) AS q"
            ),
        };
        let mut query = sqlx::query_scalar::<_, String>(&sql);
        for value in binds {
            query = query.bind(*value);
        }
        let text = query.fetch_one(&self.pool).await?;
        serde_json::from_str(&text)
            .map_err(|e| Error::Internal(format!("cannot decode query rows: {e}")))
    }

    /// True when the database answers a trivial query.
    pub async fn is_reachable(&self) -> bool {
        sqlx::query("SELECT 1").fetch_one(&self.pool).await.is_ok()
    }
}

/// Bind placeholders for generated multi-row statements, numbered in the order they are written
/// (which must be the order values are bound).
///
/// PostgreSQL needs `$1, $2, …`. SQLite gets anonymous `?`: it treats `$N` as a *named*
/// parameter, and sqlx asks SQLite for every parameter's name when binding, which SQLite answers
/// by a linear scan, so binding a statement with `$N` placeholders is quadratic in their number
/// (three quarters of ingest time went there at 10,000 parameters a statement).
#[derive(Debug)]
pub struct Placeholders {
    backend: Backend,
    written: usize,
}

impl Placeholders {
    pub fn new(backend: Backend) -> Placeholders {
        Placeholders {
            backend,
            written: 0,
        }
    }

    /// The next placeholder.
    pub fn param(&mut self) -> String {
        self.written += 1;
        match self.backend {
            Backend::Sqlite => "?".to_owned(),
            Backend::Postgres => format!("${}", self.written),
        }
    }

    /// `count` placeholders separated by commas.
    pub fn list(&mut self, count: usize) -> String {
        (0..count)
            .map(|_| self.param())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Decodes a float column of [`Db::fetch_json_rows`]: its exact text, or null.
pub fn exact_f64<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Option<f64>, D::Error> {
    use serde::Deserialize;
    match Option::<String>::deserialize(deserializer)? {
        None => Ok(None),
        Some(text) if text == "NULL" => Ok(None),
        Some(text) => text.parse().map(Some).map_err(serde::de::Error::custom),
    }
}

/// Reads a column that is a 0/1 integer on both backends.
pub fn flag(row: &AnyRow, column: &str) -> Result<bool> {
    use sqlx::Row;
    Ok(row.try_get::<i64, _>(column)? != 0)
}

/// Milliseconds since the Unix epoch, the time format of every stored timestamp.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn sqlite_url_with_create(url: &str) -> String {
    if url.contains(":memory:") {
        url.to_owned()
    } else {
        with_default_param(url, "mode", "rwc")
    }
}

/// Turns off sqlx's PostgreSQL statement cache unless the URL sets it.
///
/// sqlx 0.8's `Any` driver sends a NULL `f64` as a NULL `float4` (its Real/Double mapping is
/// swapped). A cached statement first run with such a NULL keeps `float4` for that parameter,
/// and the next run binding a real `f64` fails with "incorrect binary data format" (an upload
/// whose first event had an unknown cost broke every later upload on that connection).
/// Uncached statements take their parameter types from each run's own values.
fn postgres_url_without_statement_cache(url: &str) -> String {
    with_default_param(url, "statement-cache-capacity", "0")
}

/// `url` with `key=value` added to its query string, unless the URL sets `key` already.
fn with_default_param(url: &str, key: &str, value: &str) -> String {
    if url.contains(&format!("{key}=")) {
        url.to_owned()
    } else {
        let separator = if url.contains('?') { '&' } else { '?' };
        format!("{url}{separator}{key}={value}")
    }
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
    fn placeholders_are_numbered_for_postgres_and_anonymous_for_sqlite() {
        let mut pg = Placeholders::new(Backend::Postgres);
        assert_eq!(
            (pg.param(), pg.list(2)),
            ("$1".to_owned(), "$2, $3".to_owned())
        );
        let mut lite = Placeholders::new(Backend::Sqlite);
        assert_eq!(
            (lite.param(), lite.list(2)),
            ("?".to_owned(), "?, ?".to_owned())
        );
    }

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
        let row: (i64,) = sqlx::query_as("PRAGMA foreign_keys")
            .fetch_one(&db.pool)
            .await
            .expect("pragma");
        assert_eq!(row.0, 1);
        let mode: (String,) = sqlx::query_as("PRAGMA journal_mode")
            .fetch_one(&db.pool)
            .await
            .expect("pragma");
        assert_eq!(mode.0, "wal");
        let busy: (i64,) = sqlx::query_as("PRAGMA busy_timeout")
            .fetch_one(&db.pool)
            .await
            .expect("pragma");
        assert_eq!(busy.0, 10_000);
    }
}
