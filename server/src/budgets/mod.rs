//! Budgets: a monthly amount per team and for the organisation, on API-equivalent cost or on
//! plan spend, and how each month stands against it (actual, month-end forecast). No SQL (that
//! is `store::budgets`), no HTTP (that is `routes::budgets`).
//!
//! - [`month`]: the `Month` the reports, budgets and alerts speak of.
//! - [`forecast`]: the figures, as pure functions of the engine's reports.
//! - [`status`]: each budget's figures for a month, from the same report functions as the API.

pub mod forecast;
pub mod month;
pub mod outlook;
pub mod status;

use serde::{Deserialize, Serialize};

use crate::db::Db;
use crate::error::{Error, Result};
use crate::store::{accounts, budgets};

pub use month::Month;
pub use status::{statuses, BudgetStatus};

/// What a budget counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BudgetBasis {
    /// The API-equivalent cost of the usage (spend report).
    ApiEquivalent,
    /// What is paid: plan seats, usage-based plans and pay-as-you-go (plans report).
    PlanSpend,
}

impl BudgetBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            BudgetBasis::ApiEquivalent => "api_equivalent",
            BudgetBasis::PlanSpend => "plan_spend",
        }
    }

    /// As shown to people.
    pub fn label(self) -> &'static str {
        match self {
            BudgetBasis::ApiEquivalent => "API-equivalent cost",
            BudgetBasis::PlanSpend => "Plan spend",
        }
    }
}

impl TryFrom<&str> for BudgetBasis {
    type Error = Error;

    fn try_from(text: &str) -> Result<BudgetBasis> {
        match text.trim() {
            "api_equivalent" => Ok(BudgetBasis::ApiEquivalent),
            "plan_spend" => Ok(BudgetBasis::PlanSpend),
            other => Err(Error::BadRequest(format!(
                "basis must be api_equivalent or plan_spend, got {other:?}"
            ))),
        }
    }
}

/// A monthly budget.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Budget {
    /// `None`: the whole organisation.
    pub team_id: Option<i64>,
    /// The team's name; `None` for the organisation.
    pub team: Option<String>,
    pub basis: BudgetBasis,
    pub monthly_usd: f64,
}

impl Budget {
    /// `Platform`, or `Organisation`.
    pub fn scope_label(&self) -> &str {
        self.team.as_deref().unwrap_or("Organisation")
    }

    /// What alerts about it are keyed by: `org` or `team:3`.
    pub fn subject(&self) -> String {
        match self.team_id {
            Some(id) => format!("team:{id}"),
            None => "org".to_owned(),
        }
    }
}

/// Every budget, the organisation's first.
pub async fn list(db: &Db) -> Result<Vec<Budget>> {
    budgets::list(db)
        .await?
        .into_iter()
        .map(|b| {
            Ok(Budget {
                team_id: b.team_id,
                team: b.team,
                basis: BudgetBasis::try_from(b.basis.as_str())?,
                monthly_usd: b.monthly_cents as f64 / 100.0,
            })
        })
        .collect()
}

/// The team named (404 when none is), or the organisation for `None` or an empty name.
async fn team_id(db: &Db, team: Option<&str>) -> Result<Option<i64>> {
    match team.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(name) => accounts::team_id(db, name)
            .await?
            .map(Some)
            .ok_or_else(|| Error::NotFound(format!("team {name:?}"))),
    }
}

/// Sets the monthly budget of a team (by name) or of the organisation (`None`).
pub async fn set(db: &Db, team: Option<&str>, basis: BudgetBasis, monthly_usd: f64) -> Result<()> {
    if !(0.01..=1e12).contains(&monthly_usd) {
        return Err(Error::BadRequest(format!(
            "monthly_usd must be an amount of at least 0.01, got {monthly_usd}"
        )));
    }
    let cents = (monthly_usd * 100.0).round() as i64;
    budgets::set(db, team_id(db, team).await?, basis.as_str(), cents).await
}

/// Removes the budget of a team (by name) or of the organisation; 404 when there is none.
pub async fn remove(db: &Db, team: Option<&str>) -> Result<()> {
    if budgets::remove(db, team_id(db, team).await?).await? {
        Ok(())
    } else {
        Err(Error::NotFound("that budget".into()))
    }
}
