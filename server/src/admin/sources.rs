//! Seats, the plan catalog and the review data sources (critical paths, webhook secrets), each
//! change recorded in the audit log.

use serde_json::{json, to_value, Value};

use super::audit::{record, Actor};
use crate::analytics::catalog::{self, PlanTerms};
use crate::analytics::seats::{self, Seat, SeatChange};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::reviews::critical_paths::{self, CriticalPathsView};
use crate::reviews::repositories::{self, Repository};
use crate::state::AppState;
use crate::store::{accounts, reports, webhooks};

fn as_json(value: &impl serde::Serialize) -> Result<Value> {
    to_value(value).map_err(|e| Error::Internal(anyhow::anyhow!("audit JSON: {e}")))
}

/// The user's plan of `vendor` now, as the audit log shows it.
async fn seat_of(db: &Db, email: &str, vendor: &str) -> Result<Value> {
    let Some(user) = accounts::user_by_email(db, email).await? else {
        return Ok(Value::Null);
    };
    let catalog = catalog::list(db).await?;
    let plan = reports::seat_plans(db)
        .await?
        .into_iter()
        .filter(|s| s.user_id == user.id)
        .filter_map(|s| catalog.iter().find(|p| p.id == s.plan_id))
        .find(|p| p.terms.vendor == vendor);
    Ok(match plan {
        Some(p) => json!({"vendor": vendor, "plan_id": p.id, "plan": p.terms.name}),
        None => json!({"vendor": vendor, "plan_id": null, "plan": "pay-as-you-go"}),
    })
}

/// Assigns (or, with no plan, removes) a developer's plan for a vendor.
pub async fn assign_seat(db: &Db, actor: &Actor, email: &str, change: &SeatChange) -> Result<Seat> {
    let vendor_before = match (change.plan_id, change.vendor.as_deref()) {
        (Some(id), _) => catalog::get(db, id).await.ok().map(|p| p.terms.vendor),
        (None, vendor) => vendor.map(|v| v.trim().to_owned()),
    };
    let before = match &vendor_before {
        Some(vendor) => Some(seat_of(db, email, vendor).await?),
        None => None,
    };
    let seat = seats::assign(db, email, change).await?;
    let after = json!({"vendor": seat.vendor, "plan_id": seat.plan_id, "plan": seat.plan});
    record(db, actor, "seat.assign", &seat.email, before, Some(after)).await?;
    Ok(seat)
}

pub async fn create_plan(db: &Db, actor: &Actor, terms: &PlanTerms) -> Result<i64> {
    let id = catalog::create(db, terms).await?;
    let after = as_json(&catalog::get(db, id).await?)?;
    record(
        db,
        actor,
        "plan.create",
        &format!("plan #{id}"),
        None,
        Some(after),
    )
    .await?;
    Ok(id)
}

pub async fn update_plan(db: &Db, actor: &Actor, id: i64, terms: &PlanTerms) -> Result<()> {
    let before = as_json(&catalog::get(db, id).await?)?;
    catalog::update(db, id, terms).await?;
    let after = as_json(&catalog::get(db, id).await?)?;
    record(
        db,
        actor,
        "plan.update",
        &format!("plan #{id}"),
        Some(before),
        Some(after),
    )
    .await
}

/// Sets a repository's critical-path globs (and reclassifies its pull requests).
pub async fn set_critical_paths(
    state: &AppState,
    actor: &Actor,
    repo: &Repository,
    globs: &[String],
) -> Result<CriticalPathsView> {
    let view = critical_paths::set_critical_paths(state, repo, globs).await?;
    record(
        &state.db,
        actor,
        "repository.critical_paths",
        &repo.name,
        Some(json!({"critical_paths": repo.critical_globs})),
        Some(json!({"critical_paths": view.globs})),
    )
    .await?;
    Ok(view)
}

/// Sets (or, for a repository, clears with None) the global secret of `provider` or one
/// repository's; the secret itself never reaches the audit log, only whether one is set.
pub async fn set_webhook_secret(
    db: &Db,
    actor: &Actor,
    provider: &str,
    repo: Option<&Repository>,
    secret: Option<&str>,
) -> Result<()> {
    let (subject, was_set) = match (repo, secret) {
        (None, None) => {
            return Err(Error::BadRequest(
                "the global secret can be replaced, not removed".into(),
            ))
        }
        (None, Some(secret)) => {
            let was_set = webhooks::global_secret(db, provider).await?.is_some();
            webhooks::set_global_secret(db, provider, secret).await?;
            (format!("{provider} (all repositories)"), was_set)
        }
        (Some(repo), secret) => {
            repositories::set_secret(db, repo.id, secret).await?;
            (repo.name.clone(), repo.webhook_secret_set)
        }
    };
    record(
        db,
        actor,
        "webhook.secret",
        &subject,
        Some(json!({"secret_set": was_set})),
        Some(json!({"secret_set": secret.is_some()})),
    )
    .await
}
