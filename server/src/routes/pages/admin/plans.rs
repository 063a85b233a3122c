//! Admin › Plan catalog: the catalog table, the plan policy form, the 5-hour and weekly limits of
//! each flat plan, and a form adding a dated price.
//!
//! A price added for a plan the catalog already has keeps that plan's kind and limits (a new
//! price, same product); a new plan name starts as flat with unknown limits, which covers
//! nothing until an admin sets them in the limits form (or `PUT /api/v1/plans/{id}`).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use agentmeter_metrics::plan_policy::{AllowedPlan, PlanPolicy, VendorPolicy};
use agentmeter_metrics::rows::{PlanKind, Tool};
use agentmeter_web::pages::{AdminPlanCatalogPage, AdminSection};

use crate::admin::Actor;
use crate::analytics::catalog::{self, CatalogPlan, PlanTerms};
use crate::analytics::plan_policy;
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::routes::extract::{Admin, AdminForm};
use crate::routes::pages::{render, Done};
use crate::state::AppState;
use crate::views::plans::admin::{limits_rows, policy_fields};
use crate::views::{admin as rows, admin_chrome};

/// The fields `admin/plans.html` posts.
#[derive(Debug, Deserialize)]
pub(crate) struct AddPriceForm {
    tool: String,
    name: String,
    monthly_price_usd: String,
    #[serde(default)]
    included: String,
    valid_from: String,
    #[serde(default)]
    valid_to: String,
    #[serde(default)]
    source_url: String,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    done: Option<&str>,
    error: Option<String>,
) -> Result<AdminPlanCatalogPage> {
    let chrome = admin_chrome(state, user, AdminSection::PlanCatalog, done);
    let (catalog, policy) =
        tokio::try_join!(catalog::list(&state.db), plan_policy::load(&state.db))?;
    Ok(AdminPlanCatalogPage {
        chrome,
        limits: limits_rows(&catalog),
        policy: policy_fields(&policy, &catalog),
        catalog: catalog.iter().map(rows::catalog_row).collect(),
        error,
    })
}

/// The page again with what went wrong, for a refused form; any other error as it is.
async fn refused(state: &AppState, user: &CurrentUser, error: Error) -> Result<Response> {
    let status = error.status();
    match error {
        Error::BadRequest(_) | Error::Unprocessable { .. } | Error::NotFound(_) => {
            let page = page(state, user, None, Some(error.public_message())).await?;
            Ok((status, render(page)?).into_response())
        }
        e => Err(e),
    }
}

/// `GET /admin/plans`
pub(crate) async fn show(
    State(state): State<AppState>,
    Admin(user): Admin,
    Query(done): Query<Done>,
) -> Result<Response> {
    Ok(render(page(&state, &user, done.done.as_deref(), None).await?)?.into_response())
}

fn terms_of(form: &AddPriceForm, existing: &[CatalogPlan]) -> Result<PlanTerms> {
    let vendor = match form.tool.as_str() {
        "claude-code" => Tool::ClaudeCode.vendor(),
        "codex" => Tool::Codex.vendor(),
        other => return Err(Error::BadRequest(format!("unknown tool {other:?}"))),
    };
    let price: f64 =
        form.monthly_price_usd.trim().parse().map_err(|_| {
            Error::BadRequest("the monthly price must be a number of dollars".into())
        })?;
    let date = |field: &str, text: &str| -> Result<Option<NaiveDate>> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| Error::BadRequest(format!("{field} must be a date like 2026-11-28")))
    };
    let name = form.name.trim();
    let same = existing
        .iter()
        .filter(|p| p.terms.vendor == vendor && p.terms.name == name)
        .max_by_key(|p| p.terms.valid_from);
    Ok(PlanTerms {
        vendor: vendor.to_owned(),
        name: name.to_owned(),
        kind: same.map_or(PlanKind::Flat, |p| p.terms.kind),
        usd_per_seat_month: Some(price),
        limit_5h_usd: same.and_then(|p| p.terms.limit_5h_usd),
        limit_week_usd: same.and_then(|p| p.terms.limit_week_usd),
        valid_from: date("valid from", &form.valid_from)?,
        valid_to: date("valid to", &form.valid_to)?,
        source: form.source_url.trim().to_owned(),
        notes: form.included.trim().to_owned(),
    })
}

/// `POST /admin/plans`: adds a price, or shows the page again with what went wrong.
pub(crate) async fn add_price(
    State(state): State<AppState>,
    AdminForm { admin: user, form }: AdminForm<AddPriceForm>,
) -> Result<Response> {
    let existing = catalog::list(&state.db).await?;
    let added = match terms_of(&form, &existing) {
        Ok(terms) => {
            let actor = Actor::Admin(user.email.clone());
            crate::admin::create_plan(&state.db, &actor, &terms).await
        }
        Err(e) => Err(e),
    };
    match added {
        Ok(_) => Ok(Redirect::to("/admin/plans?done=Price+added").into_response()),
        Err(e) => refused(&state, &user, e).await,
    }
}

/// The policy form's fields (see `agentmeter_web::pages::PolicyVendorField`) as a policy: each
/// vendor ticked "restrict" with its ticked plans and their seat minimums.
fn policy_of_form(fields: &[(String, String)]) -> Result<PlanPolicy> {
    let field: HashMap<&str, &str> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut vendors = Vec::new();
    for i in 0.. {
        let Some(vendor) = field.get(format!("vendor_{i}").as_str()) else {
            break;
        };
        let mut plans = Vec::new();
        for j in 0.. {
            let Some(name) = field.get(format!("plan_{i}_{j}").as_str()) else {
                break;
            };
            if !field.contains_key(format!("allow_{i}_{j}").as_str()) {
                continue;
            }
            let seats = field
                .get(format!("seats_{i}_{j}").as_str())
                .map_or("", |s| s.trim());
            let min_seats = if seats.is_empty() {
                1
            } else {
                seats.parse().map_err(|_| {
                    Error::BadRequest(format!(
                        "the minimum seats of {name} must be a whole number, got {seats:?}"
                    ))
                })?
            };
            plans.push(AllowedPlan {
                name: (*name).to_owned(),
                min_seats,
            });
        }
        if field.contains_key(format!("restrict_{i}").as_str()) {
            vendors.push(VendorPolicy {
                vendor: (*vendor).to_owned(),
                allow_pay_as_you_go: field.contains_key(format!("payg_{i}").as_str()),
                plans,
            });
        }
    }
    Ok(PlanPolicy { vendors })
}

/// `POST /admin/plans/policy`: replaces the plan policy, or shows the page again with what
/// went wrong (nothing saved).
pub(crate) async fn set_policy(
    State(state): State<AppState>,
    AdminForm { admin: user, form }: AdminForm<Vec<(String, String)>>,
) -> Result<Response> {
    let actor = Actor::Admin(user.email.clone());
    let saved = match policy_of_form(&form) {
        Ok(policy) => crate::admin::set_plan_policy(&state.db, &actor, &policy).await,
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => Ok(Redirect::to("/admin/plans?done=Plan+policy+saved").into_response()),
        Err(e) => refused(&state, &user, e).await,
    }
}

/// The limits form of one plan.
#[derive(Debug, Deserialize)]
pub(crate) struct LimitsForm {
    #[serde(default)]
    limit_5h_usd: String,
    #[serde(default)]
    limit_week_usd: String,
}

/// A limit field: empty is unknown, otherwise dollars (checked by `PlanTerms::validate`).
fn limit_of(label: &str, text: &str) -> Result<Option<f64>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse()
        .map(Some)
        .map_err(|_| Error::BadRequest(format!("the {label} must be a number of dollars")))
}

/// `POST /admin/plans/{id}/limits`: sets a plan's 5-hour and weekly limits, keeping the rest
/// of its terms.
pub(crate) async fn set_limits(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { admin: user, form }: AdminForm<LimitsForm>,
) -> Result<Response> {
    let actor = Actor::Admin(user.email.clone());
    let saved = async {
        let mut terms = catalog::get(&state.db, id).await?.terms;
        terms.limit_5h_usd = limit_of("5-hour limit", &form.limit_5h_usd)?;
        terms.limit_week_usd = limit_of("weekly limit", &form.limit_week_usd)?;
        crate::admin::update_plan(&state.db, &actor, id, &terms).await
    };
    match saved.await {
        Ok(()) => Ok(Redirect::to("/admin/plans?done=Limits+saved").into_response()),
        Err(e) => refused(&state, &user, e).await,
    }
}
