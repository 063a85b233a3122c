//! The databases each "database story" runs on, each one fresh.

use std::future::Future;

/// A fresh, empty database for one test.
pub struct Backend {
    pub name: &'static str,
    pub url: String,
    /// Keeps the SQLite temp dir alive for the test's duration.
    _dir: Option<tempfile::TempDir>,
    /// The PostgreSQL test database to drop afterwards: (server URL, database name).
    pg_database: Option<(String, String)>,
}

impl Drop for Backend {
    /// Drops the PostgreSQL test database, unless the test failed (it is kept to look at).
    fn drop(&mut self) {
        let Some((base, name)) = self.pg_database.take() else {
            return;
        };
        if std::thread::panicking() {
            eprintln!("note: kept PostgreSQL database {name} of the failed test");
            return;
        }
        // Drop may run inside the test's runtime, which cannot be blocked on: use a thread.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                let admin = sqlx::PgPool::connect(&base).await?;
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .execute(&admin)
                .await?;
                admin.close().await;
                Ok::<_, sqlx::Error>(())
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("note: could not drop PostgreSQL test database: {dropped:?}");
        }
    }
}

impl Backend {
    pub fn sqlite() -> Backend {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite:{}", dir.path().join("agentmeter.db").display());
        Backend {
            name: "sqlite",
            url,
            _dir: Some(dir),
            pg_database: None,
        }
    }

    /// A new database on the server named by AGENTMETER_TEST_POSTGRES_URL, if set.
    pub async fn postgres() -> Option<Backend> {
        let base = std::env::var("AGENTMETER_TEST_POSTGRES_URL")
            .ok()
            .filter(|u| !u.is_empty())?;
        let name = format!("am_test_{}_{}", std::process::id(), uuid_like());
        let admin = sqlx::PgPool::connect(&base)
            .await
            .expect("connect to AGENTMETER_TEST_POSTGRES_URL");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&admin)
            .await
            .expect("create test database");
        admin.close().await;
        let url = match base.rfind('/') {
            Some(slash) if base[..slash].ends_with('/') || base[slash..].contains('?') => {
                panic!("AGENTMETER_TEST_POSTGRES_URL must name a database: postgres://user@host:port/db")
            }
            Some(slash) => format!("{}/{name}", &base[..slash]),
            None => panic!("bad AGENTMETER_TEST_POSTGRES_URL"),
        };
        Some(Backend {
            name: "postgres",
            url,
            _dir: None,
            pg_database: Some((base, name)),
        })
    }
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{nanos}_{}", COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// Runs `scenario` on SQLite, then on PostgreSQL when configured. In CI (CI=true) a missing
/// PostgreSQL URL fails the test instead of skipping that half.
pub async fn for_each_backend<F, Fut>(scenario: F)
where
    F: Fn(Backend) -> Fut,
    Fut: Future<Output = ()>,
{
    scenario(Backend::sqlite()).await;
    match Backend::postgres().await {
        Some(pg) => scenario(pg).await,
        None if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true but AGENTMETER_TEST_POSTGRES_URL is not set: the PostgreSQL half cannot be skipped")
        }
        None => eprintln!("note: AGENTMETER_TEST_POSTGRES_URL not set; PostgreSQL half skipped"),
    }
}
