//! The data version row (migration 0014): one number, moved on after every write that reports
//! read, shared by every server instance on the database (see `analytics::cache`).

use crate::db::Db;
use crate::error::Result;
use crate::store::pool::{with_pool, with_tx};

/// The data version now.
pub async fn current(db: &Db) -> Result<i64> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_scalar("SELECT version FROM data_version WHERE id = 1")
            .fetch_one(pool)
            .await?
    }))
}

/// Moves the data version on and returns the new one. One statement: concurrent writers each
/// move it, none is lost. It runs as a transaction so that, on SQLite, it waits for its turn
/// at the write lock behind the upload before it (see `store::pool::Pool::begin`) instead of
/// polling for the lock in SQLite's busy handler while that upload runs.
pub async fn bump(db: &Db) -> Result<i64> {
    let mut tx = db.begin().await?;
    let version = with_tx!(&mut tx, |conn| {
        sqlx::query_scalar(
            "UPDATE data_version SET version = version + 1 WHERE id = 1 RETURNING version",
        )
        .fetch_one(conn)
        .await?
    });
    tx.commit().await?;
    Ok(version)
}
