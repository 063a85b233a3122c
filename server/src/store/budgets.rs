//! Monthly budgets: one per team, one for the organisation (`team_id` NULL). Amounts are cents.

use crate::db::{now_ms, Db};
use crate::error::Result;
use crate::store::pool::{with_pool, with_tx};

/// A stored budget, with its team's name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BudgetRecord {
    pub id: i64,
    /// `None`: the whole organisation.
    pub team_id: Option<i64>,
    pub team: Option<String>,
    /// `api_equivalent` or `plan_spend`.
    pub basis: String,
    pub monthly_cents: i64,
    pub updated_at: i64,
}

/// Every budget, the organisation's first, then teams by name.
pub async fn list(db: &Db) -> Result<Vec<BudgetRecord>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT b.id, b.team_id, t.name AS team, b.basis, b.monthly_cents, b.updated_at \
             FROM budgets b LEFT JOIN teams t ON t.id = b.team_id \
             ORDER BY b.team_id IS NOT NULL, t.name",
        )
        .fetch_all(pool)
        .await?
    }))
}

/// Sets the budget of a team (or of the organisation), replacing the one it had.
pub async fn set(db: &Db, team_id: Option<i64>, basis: &str, monthly_cents: i64) -> Result<()> {
    // The unique index is on an expression (COALESCE(team_id, 0)), which ON CONFLICT cannot name
    // the same way on both backends: replace within one transaction instead.
    let mut tx = db.begin().await?;
    with_tx!(&mut tx, |conn| {
        sqlx::query("DELETE FROM budgets WHERE COALESCE(team_id, 0) = COALESCE($1, 0)")
            .bind(team_id)
            .execute(&mut *conn)
            .await?;
        sqlx::query(
            "INSERT INTO budgets (team_id, basis, monthly_cents, updated_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(team_id)
        .bind(basis)
        .bind(monthly_cents)
        .bind(now_ms())
        .execute(&mut *conn)
        .await?;
    });
    tx.commit().await
}

/// Removes the budget of a team (or of the organisation); false when there was none.
pub async fn remove(db: &Db, team_id: Option<i64>) -> Result<bool> {
    let removed = with_pool!(db, |pool| {
        sqlx::query("DELETE FROM budgets WHERE COALESCE(team_id, 0) = COALESCE($1, 0)")
            .bind(team_id)
            .execute(pool)
            .await?
            .rows_affected()
    });
    Ok(removed > 0)
}

/// Whether the database holds any budget (the demo sets its own only on an empty table).
pub async fn any(db: &Db) -> Result<bool> {
    let count: i64 = with_pool!(db, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM budgets")
            .fetch_one(pool)
            .await?
    });
    Ok(count > 0)
}
