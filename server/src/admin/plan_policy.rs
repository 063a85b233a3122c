//! The plan policy (which plans recommendations may propose), saved with its before and after in
//! the audit log.

use agentmeter_metrics::plan_policy::PlanPolicy;
use serde_json::{to_value, Value};

use super::audit::{record, Actor};
use crate::analytics::{catalog, plan_policy};
use crate::db::Db;
use crate::error::{Error, Result};

fn as_json(policy: &PlanPolicy) -> Result<Value> {
    to_value(policy).map_err(|e| Error::Internal(anyhow::anyhow!("audit JSON: {e}")))
}

/// Replaces the plan policy (422 naming every vendor or plan the catalog lacks, nothing stored)
/// and returns it as stored.
pub async fn set_plan_policy(db: &Db, actor: &Actor, policy: &PlanPolicy) -> Result<PlanPolicy> {
    let before = plan_policy::load(db).await?;
    let catalog = catalog::list(db).await?;
    plan_policy::replace(db, policy, &catalog).await?;
    let after = plan_policy::load(db).await?;
    record(
        db,
        actor,
        "plan_policy.set",
        "plan policy",
        Some(as_json(&before)?),
        Some(as_json(&after)?),
    )
    .await?;
    Ok(after)
}
