//! The dated plan catalog (`plan_catalog`) and each developer's plan per vendor
//! (`seat_assignments`).

use crate::db::{now_ms, Db};
use crate::error::Result;
use crate::store::pool::{with_pool, with_tx};

/// A catalog row; dates are `YYYY-MM-DD` text, `kind` one of `flat`, `usage-based`,
/// `not-comparable`.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PlanRecord {
    pub id: i64,
    pub vendor: String,
    pub name: String,
    pub kind: String,
    pub usd_per_seat_month: Option<f64>,
    pub limit_5h_usd: Option<f64>,
    pub limit_week_usd: Option<f64>,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub source: String,
    pub notes: String,
}

/// What a catalog write sets (the time of the write is added).
#[derive(Debug, Clone, PartialEq)]
pub struct PlanFields<'a> {
    pub vendor: &'a str,
    pub name: &'a str,
    pub kind: &'static str,
    pub usd_per_seat_month: Option<f64>,
    pub limit_5h_usd: Option<f64>,
    pub limit_week_usd: Option<f64>,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub source: &'a str,
    pub notes: &'a str,
}

/// A macro, so that statements can be written whole with `concat!`.
macro_rules! select_plans {
    () => {
        "SELECT id, vendor, name, kind, usd_per_seat_month, limit_5h_usd, limit_week_usd, \
         valid_from, valid_to, source, notes FROM plan_catalog"
    };
}

macro_rules! insert_plan {
    () => {
        "INSERT INTO plan_catalog (vendor, name, kind, usd_per_seat_month, limit_5h_usd, \
         limit_week_usd, valid_from, valid_to, source, notes, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    };
}

/// Binds the fields of a plan as `$1`..`$11` of `insert_plan!()` or of the update.
macro_rules! bind_fields {
    ($query:expr, $fields:expr) => {{
        let f = $fields;
        $query
            .bind(f.vendor)
            .bind(f.name)
            .bind(f.kind)
            .bind(f.usd_per_seat_month)
            .bind(f.limit_5h_usd)
            .bind(f.limit_week_usd)
            .bind(f.valid_from.as_deref())
            .bind(f.valid_to.as_deref())
            .bind(f.source)
            .bind(f.notes)
            .bind(now_ms())
    }};
}

/// The whole catalog, by vendor, name and start date.
pub async fn list(db: &Db) -> Result<Vec<PlanRecord>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as(concat!(
            select_plans!(),
            " ORDER BY vendor, name, valid_from, id"
        ))
        .fetch_all(pool)
        .await?
    }))
}

/// One plan, if it exists.
pub async fn find(db: &Db, id: i64) -> Result<Option<PlanRecord>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as(concat!(select_plans!(), " WHERE id = $1"))
            .bind(id)
            .fetch_optional(pool)
            .await?
    }))
}

/// Adds a plan; returns its id.
pub async fn insert(db: &Db, fields: &PlanFields<'_>) -> Result<i64> {
    Ok(with_pool!(db, |pool| {
        bind_fields!(
            sqlx::query_scalar(concat!(insert_plan!(), " RETURNING id")),
            fields
        )
        .fetch_one(pool)
        .await?
    }))
}

/// Replaces a plan's fields; false when there is no such plan.
pub async fn update(db: &Db, id: i64, fields: &PlanFields<'_>) -> Result<bool> {
    let done = with_pool!(db, |pool| {
        bind_fields!(
            sqlx::query(
                "UPDATE plan_catalog SET vendor = $1, name = $2, kind = $3, usd_per_seat_month = $4,
                     limit_5h_usd = $5, limit_week_usd = $6, valid_from = $7, valid_to = $8,
                     source = $9, notes = $10, updated_at = $11
                 WHERE id = $12"
            ),
            fields
        )
        .bind(id)
        .execute(pool)
        .await?
        .rows_affected()
    });
    Ok(done > 0)
}

/// Plans in the catalog.
pub async fn count(db: &Db) -> Result<i64> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM plan_catalog")
            .fetch_one(pool)
            .await?
    }))
}

/// Adds `plans` in one transaction, in order (a fresh catalog numbers them 1..).
pub async fn insert_all(db: &Db, plans: &[PlanFields<'_>]) -> Result<()> {
    let mut tx = db.begin().await?;
    for fields in plans {
        with_tx!(&mut tx, |conn| {
            bind_fields!(sqlx::query(insert_plan!()), fields)
                .execute(&mut *conn)
                .await?;
        });
    }
    tx.commit().await
}

/// Gives the user `plan_id` as their plan of `vendor`, replacing the one they had.
pub async fn assign_seat(db: &Db, user_id: i64, vendor: &str, plan_id: i64) -> Result<()> {
    with_pool!(db, |pool| {
        sqlx::query(
            "INSERT INTO seat_assignments (user_id, vendor, plan_id, since) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id, vendor) DO UPDATE SET plan_id = excluded.plan_id, since = excluded.since",
        )
        .bind(user_id)
        .bind(vendor)
        .bind(plan_id)
        .bind(now_ms())
        .execute(pool)
        .await?;
    });
    Ok(())
}

/// Removes the user's plan of `vendor` (pay-as-you-go from now on).
pub async fn remove_seat(db: &Db, user_id: i64, vendor: &str) -> Result<()> {
    with_pool!(db, |pool| {
        sqlx::query("DELETE FROM seat_assignments WHERE user_id = $1 AND vendor = $2")
            .bind(user_id)
            .bind(vendor)
            .execute(pool)
            .await?;
    });
    Ok(())
}
