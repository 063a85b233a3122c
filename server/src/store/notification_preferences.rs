//! Each user's choice to receive the monthly cost report (no row = yes).

use crate::db::{now_ms, Db};
use crate::error::Result;
use crate::store::pool::with_pool;

/// Users who opted out of the monthly cost report.
pub async fn opted_out_of_cost_report(db: &Db) -> Result<Vec<i64>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_scalar(
            "SELECT user_id FROM notification_preferences WHERE monthly_cost_report = $1 \
             ORDER BY user_id",
        )
        .bind(false)
        .fetch_all(pool)
        .await?
    }))
}

/// Whether the user receives the monthly cost report.
pub async fn receives_cost_report(db: &Db, user_id: i64) -> Result<bool> {
    let stored: Option<bool> = with_pool!(db, |pool| {
        sqlx::query_scalar(
            "SELECT monthly_cost_report FROM notification_preferences WHERE user_id = $1",
        )
        .bind(user_id)
        .fetch_optional(pool)
        .await?
    });
    Ok(stored.unwrap_or(true))
}

pub async fn set_cost_report(db: &Db, user_id: i64, receives: bool) -> Result<()> {
    with_pool!(db, |pool| {
        sqlx::query(
            "INSERT INTO notification_preferences (user_id, monthly_cost_report, updated_at) \
             VALUES ($1, $2, $3) ON CONFLICT (user_id) DO UPDATE \
             SET monthly_cost_report = excluded.monthly_cost_report, updated_at = excluded.updated_at",
        )
        .bind(user_id)
        .bind(receives)
        .bind(now_ms())
        .execute(pool)
        .await?;
    });
    Ok(())
}
