//! The scheduler's jobs: one row per job and period (`monthly_cost_report` / `2026-11`,
//! `alert_check` / a time slot), claimed with a lease so that one server runs each, once.

use crate::db::Db;
use crate::error::Result;
use crate::store::pool::with_pool;

/// Claims the job for `owner` until `lease_until`: true when it is new, or its previous
/// claimant's lease ran out before it finished (that server died).
pub async fn claim(
    db: &Db,
    job: &str,
    period: &str,
    owner: &str,
    now: i64,
    lease_until: i64,
) -> Result<bool> {
    let claimed: Option<String> = with_pool!(db, |pool| {
        sqlx::query_scalar(
            "INSERT INTO scheduled_jobs (job, period, claimed_by, claimed_until) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (job, period) DO UPDATE \
             SET claimed_by = excluded.claimed_by, claimed_until = excluded.claimed_until \
             WHERE scheduled_jobs.finished_at IS NULL AND scheduled_jobs.claimed_until < $5 \
             RETURNING claimed_by",
        )
        .bind(job)
        .bind(period)
        .bind(owner)
        .bind(lease_until)
        .bind(now)
        .fetch_optional(pool)
        .await?
    });
    Ok(claimed.is_some())
}

/// Marks a claimed job done.
pub async fn finish(db: &Db, job: &str, period: &str, owner: &str, now: i64) -> Result<()> {
    with_pool!(db, |pool| {
        sqlx::query(
            "UPDATE scheduled_jobs SET finished_at = $1 \
             WHERE job = $2 AND period = $3 AND claimed_by = $4",
        )
        .bind(now)
        .bind(job)
        .bind(period)
        .bind(owner)
        .execute(pool)
        .await?;
    });
    Ok(())
}

/// Gives back the unfinished jobs `owner` holds (a server stopping): their lease ends now, so
/// the next claim takes them. Returns how many.
pub async fn release(db: &Db, owner: &str) -> Result<u64> {
    Ok(with_pool!(db, |pool| {
        sqlx::query(
            "UPDATE scheduled_jobs SET claimed_until = 0 \
             WHERE claimed_by = $1 AND finished_at IS NULL",
        )
        .bind(owner)
        .execute(pool)
        .await?
        .rows_affected()
    }))
}

/// A job run, for the outbox page.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct JobRun {
    pub job: String,
    pub period: String,
    pub claimed_by: String,
    pub finished_at: Option<i64>,
}

/// The latest runs of one job, newest period first.
pub async fn runs(db: &Db, job: &str, limit: i64) -> Result<Vec<JobRun>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT job, period, claimed_by, finished_at FROM scheduled_jobs WHERE job = $1 \
             ORDER BY period DESC LIMIT $2",
        )
        .bind(job)
        .bind(limit)
        .fetch_all(pool)
        .await?
    }))
}
