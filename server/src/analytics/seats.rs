//! Seat assignments: each developer's current plan per vendor (no row = pay-as-you-go).

use serde::{Deserialize, Serialize};

use crate::analytics::catalog;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::store::{accounts, plans};

/// Body of `PUT /api/v1/users/{email}/plan`: a catalog plan, or `plan_id: null` for
/// pay-as-you-go with `vendor`'s tool.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeatChange {
    pub vendor: Option<String>,
    pub plan_id: Option<i64>,
}

/// A developer's plan for one vendor, as the API returns it.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
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
        plans::remove_seat(db, user.id, vendor).await?;
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
    plans::assign_seat(db, user.id, &plan.terms.vendor, plan_id).await?;
    Ok(Seat {
        email: user.email,
        vendor: plan.terms.vendor,
        plan_id: Some(plan_id),
        plan: plan.terms.name,
    })
}
