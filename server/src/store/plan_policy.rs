//! The plan policy (migration 0017): per restricted vendor, whether pay-as-you-go may be
//! recommended (`plan_policy_vendors`) and the plans that may, with their seat minimums
//! (`plan_policy_plans`).

use crate::db::{now_ms, Db};
use crate::error::Result;
use crate::store::pool::{with_pool, with_tx};

/// A restricted vendor.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PolicyVendorRecord {
    pub vendor: String,
    pub allow_pay_as_you_go: bool,
}

/// An allowed plan of a restricted vendor.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PolicyPlanRecord {
    pub vendor: String,
    pub plan_name: String,
    pub min_seats: i64,
}

/// Every restricted vendor (by name) and every allowed plan (by vendor, then name).
pub async fn load(db: &Db) -> Result<(Vec<PolicyVendorRecord>, Vec<PolicyPlanRecord>)> {
    Ok(with_pool!(db, |pool| {
        let vendors = sqlx::query_as(
            "SELECT vendor, allow_pay_as_you_go FROM plan_policy_vendors ORDER BY vendor",
        )
        .fetch_all(pool)
        .await?;
        let plans = sqlx::query_as(
            "SELECT vendor, plan_name, min_seats FROM plan_policy_plans ORDER BY vendor, plan_name",
        )
        .fetch_all(pool)
        .await?;
        (vendors, plans)
    }))
}

/// Replaces the whole policy in one transaction: a reader sees the old policy or the new one,
/// never half of each.
pub async fn replace(
    db: &Db,
    vendors: &[PolicyVendorRecord],
    plans: &[PolicyPlanRecord],
) -> Result<()> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    with_tx!(&mut tx, |conn| {
        // The plans go with their vendors (ON DELETE CASCADE), but both are named so the
        // statement does not depend on foreign keys being enforced.
        sqlx::query("DELETE FROM plan_policy_plans")
            .execute(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM plan_policy_vendors")
            .execute(&mut *conn)
            .await?;
        for v in vendors {
            sqlx::query(
                "INSERT INTO plan_policy_vendors (vendor, allow_pay_as_you_go, updated_at) \
                 VALUES ($1, $2, $3)",
            )
            .bind(&v.vendor)
            .bind(v.allow_pay_as_you_go)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
        for p in plans {
            sqlx::query(
                "INSERT INTO plan_policy_plans (vendor, plan_name, min_seats) VALUES ($1, $2, $3)",
            )
            .bind(&p.vendor)
            .bind(&p.plan_name)
            .bind(p.min_seats)
            .execute(&mut *conn)
            .await?;
        }
    });
    tx.commit().await
}
