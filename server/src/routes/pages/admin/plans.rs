//! Admin › Plan catalog: the catalog table and a form adding a dated price.
//!
//! A price added for a plan the catalog already has keeps that plan's kind and limits (a new
//! price, same product); a new plan name starts as flat with unknown limits, which covers
//! nothing until an admin sets them through `PUT /api/v1/plans/{id}`.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use agentmeter_metrics::rows::{PlanKind, Tool};
use agentmeter_web::pages::{AdminPlanCatalogPage, AdminSection};

use crate::analytics::catalog::{self, CatalogPlan, PlanTerms};
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::routes::extract::{Admin, AdminForm};
use crate::routes::pages::{render, Done};
use crate::state::AppState;
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
    let catalog = catalog::list(&state.db)
        .await?
        .iter()
        .map(rows::catalog_row)
        .collect();
    Ok(AdminPlanCatalogPage {
        chrome,
        catalog,
        error,
    })
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
            let actor = crate::admin::Actor::Admin(user.email.clone());
            crate::admin::create_plan(&state.db, &actor, &terms).await
        }
        Err(e) => Err(e),
    };
    match added {
        Ok(_) => Ok(Redirect::to("/admin/plans?done=Price+added").into_response()),
        Err(e @ Error::BadRequest(_)) => {
            let page = page(&state, &user, None, Some(e.public_message())).await?;
            Ok((StatusCode::BAD_REQUEST, render(page)?).into_response())
        }
        Err(e) => Err(e),
    }
}
