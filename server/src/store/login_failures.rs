//! Login attempts counted against the throttle (migration 0014): a row per account and per
//! client IP for each attempt not known to have succeeded, shared by every server instance.

use crate::db::Db;
use crate::error::Result;
use crate::store::pool::{with_pool, with_tx, Transaction};

/// What is counted: the account (lower-cased e-mail) or the client IP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Account,
    Ip,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Account => "account",
            Kind::Ip => "ip",
        }
    }
}

/// Attempts of one subject since a time: how many, and when the oldest was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Counted {
    pub count: i64,
    pub oldest: Option<i64>,
}

/// A transaction in which the attempts are counted and added, alone among every instance's:
/// SQLite's `BEGIN IMMEDIATE` takes the one write lock; on PostgreSQL a transaction-scoped
/// advisory lock serialises them (a login attempt holds it for a few milliseconds).
pub async fn begin(db: &Db) -> Result<Transaction> {
    let mut tx = db.begin().await?;
    if let Transaction::Postgres(conn) = &mut tx {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(ADVISORY_LOCK)
            .execute(&mut **conn)
            .await?;
    }
    Ok(tx)
}

/// The advisory lock key of the login throttle ("am-login" in ASCII).
const ADVISORY_LOCK: i64 = 0x616d_2d6c_6f67_696e;

/// Forgets attempts made before `before`.
pub async fn purge(tx: &mut Transaction, before: i64) -> Result<()> {
    with_tx!(tx, |conn| {
        sqlx::query("DELETE FROM login_failures WHERE at < $1")
            .bind(before)
            .execute(&mut *conn)
            .await?;
    });
    Ok(())
}

/// The attempts of `subject` made at `since` or later.
pub async fn count(tx: &mut Transaction, kind: Kind, subject: &str, since: i64) -> Result<Counted> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query_as(
            "SELECT COUNT(*) AS count, MIN(at) AS oldest FROM login_failures \
             WHERE kind = $1 AND subject = $2 AND at >= $3",
        )
        .bind(kind.as_str())
        .bind(subject)
        .bind(since)
        .fetch_one(&mut *conn)
        .await?
    }))
}

/// Records an attempt; returns its row id.
pub async fn add(tx: &mut Transaction, kind: Kind, subject: &str, at: i64) -> Result<i64> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query_scalar(
            "INSERT INTO login_failures (kind, subject, at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(kind.as_str())
        .bind(subject)
        .bind(at)
        .fetch_one(&mut *conn)
        .await?
    }))
}

/// Removes the attempts of the given ids.
pub async fn remove(db: &Db, ids: &[i64]) -> Result<()> {
    for id in ids {
        with_pool!(db, |pool| {
            sqlx::query("DELETE FROM login_failures WHERE id = $1")
                .bind(id)
                .execute(pool)
                .await?;
        });
    }
    Ok(())
}

/// Removes every attempt counted against `subject`.
pub async fn clear(db: &Db, kind: Kind, subject: &str) -> Result<()> {
    with_pool!(db, |pool| {
        sqlx::query("DELETE FROM login_failures WHERE kind = $1 AND subject = $2")
            .bind(kind.as_str())
            .bind(subject)
            .execute(pool)
            .await?;
    });
    Ok(())
}
