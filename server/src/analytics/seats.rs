//! Seat assignments: each developer's current plan per vendor (no row = pay-as-you-go).

use serde::{Deserialize, Serialize};

use crate::analytics::catalog;
use crate::db::{now_ms, Db};
use crate::error::{Error, Result};
use crate::store::accounts;

/// Body of `PUT /api/v1/users/{email}/plan`: a catalog plan, or `plan_id: null` for
/// pay-as-you-go with `vendor`'s tool.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeatChange {
    pub vendor: Option<String>,
    pub plan_id: Option<i64>,
}

/// A developer's plan for one vendor, as the API returns it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Seat {
    pub email: String,
    pub vendor: String,
    /// `None` = pay-as-you-go.
    pub plan_id: Option<i64>,
    pub plan: String,
}

/// Assigns (or, with no plan, removes) a developer's plan for a vendor.
pub async fn assign(db: &Db, email: &str, change: &SeatChange) -> Result<Seat> {
    let user = accounts::user_by_email(db, email)
        .await?
        .ok_or_else(|| Error::NotFound(format!("user {email:?}")))?;
    let vendor = change
        .vendor
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty());
    let Some(plan_id) = change.plan_id else {
        let vendor = vendor.ok_or_else(|| {
            Error::BadRequest("vendor is required to return to pay-as-you-go".into())
        })?;
        sqlx::query("DELETE FROM seat_assignments WHERE user_id = $1 AND vendor = $2")
            .bind(user.id)
            .bind(vendor)
            .execute(&db.pool)
            .await?;
        return Ok(Seat {
            email: user.email,
            vendor: vendor.to_owned(),
            plan_id: None,
            plan: "pay-as-you-go".into(),
        });
    };
    let plan = catalog::get(db, plan_id).await.map_err(|e| match e {
        Error::NotFound(what) => Error::BadRequest(format!("{what} is not in the catalog")),
        other => other,
    })?;
    if vendor.is_some_and(|v| v != plan.terms.vendor) {
        return Err(Error::BadRequest(format!(
            "plan {plan_id} is sold by {}, not {}",
            plan.terms.vendor,
            vendor.unwrap_or_default()
        )));
    }
    sqlx::query(
        "INSERT INTO seat_assignments (user_id, vendor, plan_id, since) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, vendor) DO UPDATE SET plan_id = excluded.plan_id, since = excluded.since",
    )
    .bind(user.id)
    .bind(plan.terms.vendor.clone())
    .bind(plan_id)
    .bind(now_ms())
    .execute(&db.pool)
    .await?;
    Ok(Seat {
        email: user.email,
        vendor: plan.terms.vendor,
        plan_id: Some(plan_id),
        plan: plan.terms.name,
    })
}
