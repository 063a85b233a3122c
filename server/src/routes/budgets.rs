//! Budgets: `GET/PUT/DELETE /api/v1/budgets` and Admin › Budgets (`/admin/budgets`).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use chrono::Utc;
use serde::Deserialize;

use agentmeter_web::pages::{AdminBudgetsPage, AdminSection, BudgetRow, Choice};
use agentmeter_web::{url, Figure};

use crate::auth::CurrentUser;
use crate::budgets::{self, BudgetBasis, BudgetStatus, Month};
use crate::error::{Error, Result};
use crate::routes::extract::{Admin, AdminForm};
use crate::routes::pages::{render, Done};
use crate::state::AppState;
use crate::store::accounts;
use crate::views::admin_chrome;

/// `?month=YYYY-MM` (default: this month).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MonthQuery {
    pub month: Option<String>,
}

fn month_of(state: &AppState, query: &MonthQuery) -> Result<Month> {
    match query.month.as_deref().filter(|m| !m.trim().is_empty()) {
        Some(text) => Month::try_from(text),
        None => Ok(Month::at(Utc::now(), state.org_tz)),
    }
}

/// The budgets a caller may see: admins all, managers those of the teams they manage.
async fn visible_statuses(
    state: &AppState,
    user: &CurrentUser,
    month: Month,
) -> Result<Vec<BudgetStatus>> {
    let managed = user.managed_team_ids();
    if !user.is_admin() && managed.is_empty() {
        return Err(Error::Forbidden(
            "budgets are for admins and managers".into(),
        ));
    }
    let visible: Vec<_> = budgets::list(&state.db)
        .await?
        .into_iter()
        .filter(|b| user.is_admin() || b.team_id.is_some_and(|t| managed.contains(&t)))
        .collect();
    budgets::statuses(state, month, &visible).await
}

/// `GET /api/v1/budgets?month=YYYY-MM`: each visible budget and how the month stands.
#[utoipa::path(
    get,
    path = "/api/v1/budgets",
    tag = "budgets",
    params(MonthQuery),
    responses((status = 200, description = "OK", body = Vec<BudgetStatus>)),
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<MonthQuery>,
) -> Result<Json<Vec<BudgetStatus>>> {
    let month = month_of(&state, &query)?;
    Ok(Json(visible_statuses(&state, &user, month).await?))
}

/// The body of `PUT /api/v1/budgets`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct BudgetChange {
    /// A team's name; none (or empty) for the organisation.
    #[serde(default)]
    pub team: Option<String>,
    #[schema(value_type = BudgetBasis)]
    pub basis: String,
    #[schema(minimum = 0.01, maximum = 1e12)]
    pub monthly_usd: f64,
}

/// `PUT /api/v1/budgets` (admin): sets a team's or the organisation's monthly budget.
#[utoipa::path(
    put,
    path = "/api/v1/budgets",
    tag = "budgets",
    request_body = BudgetChange,
    responses((status = 204, description = "Set")),
)]
pub(crate) async fn set(
    State(state): State<AppState>,
    Admin(_): Admin,
    Json(change): Json<BudgetChange>,
) -> Result<StatusCode> {
    let basis = BudgetBasis::try_from(change.basis.as_str())?;
    budgets::set(&state.db, change.team.as_deref(), basis, change.monthly_usd).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `?team=NAME` (none: the organisation).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TeamQuery {
    pub team: Option<String>,
}

/// `DELETE /api/v1/budgets?team=NAME` (admin).
#[utoipa::path(
    delete,
    path = "/api/v1/budgets",
    tag = "budgets",
    params(TeamQuery),
    responses((status = 204, description = "Removed")),
)]
pub(crate) async fn remove(
    State(state): State<AppState>,
    Admin(_): Admin,
    Query(query): Query<TeamQuery>,
) -> Result<StatusCode> {
    budgets::remove(&state.db, query.team.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn row(status: &BudgetStatus) -> BudgetRow {
    let f = &status.figures;
    let maybe =
        |value: Option<f64>, figure: fn(f64) -> Figure| value.map_or_else(Figure::missing, figure);
    BudgetRow {
        scope: status.budget.scope_label().to_owned(),
        team: status.budget.team.clone().unwrap_or_default(),
        basis: status.budget.basis.label().to_owned(),
        budget: Figure::usd(f.budget_usd),
        spent: Figure::usd(f.actual_usd),
        spent_share: Figure::percent(f.actual_pct / 100.0),
        forecast: maybe(f.forecast_usd, Figure::usd),
        forecast_share: maybe(f.forecast_pct.map(|p| p / 100.0), Figure::percent),
        over: f.over(),
        heading_over: f.forecast_over(),
    }
}

async fn budgets_page(
    state: &AppState,
    user: &CurrentUser,
    done: Option<&str>,
    error: Option<String>,
) -> Result<AdminBudgetsPage> {
    let month = Month::at(Utc::now(), state.org_tz);
    let statuses = visible_statuses(state, user, month).await?;
    let mut scopes = vec![Choice::new("", "Organisation", Some(""))];
    for team in accounts::list_teams(&state.db).await? {
        scopes.push(Choice::new(team.name.clone(), team.name, None));
    }
    let bases = [BudgetBasis::ApiEquivalent, BudgetBasis::PlanSpend]
        .map(|b| Choice::new(b.as_str(), b.label(), Some("api_equivalent")))
        .to_vec();
    Ok(AdminBudgetsPage {
        chrome: admin_chrome(state, user, AdminSection::Budgets, done),
        month: month.name(),
        budgets: statuses.iter().map(row).collect(),
        scopes,
        bases,
        error,
    })
}

/// `GET /admin/budgets`
pub(crate) async fn page(
    State(state): State<AppState>,
    Admin(user): Admin,
    Query(done): Query<Done>,
) -> Result<Response> {
    Ok(render(budgets_page(&state, &user, done.done.as_deref(), None).await?)?.into_response())
}

#[derive(Debug, Deserialize)]
pub struct BudgetForm {
    #[serde(default)]
    team: String,
    basis: String,
    monthly_usd: String,
}

/// `POST /admin/budgets`: sets the budget, or shows the page again with what went wrong.
pub(crate) async fn set_from_form(
    State(state): State<AppState>,
    AdminForm { admin, form }: AdminForm<BudgetForm>,
) -> Result<Response> {
    let outcome = async {
        let basis = BudgetBasis::try_from(form.basis.as_str())?;
        let amount: f64 = form.monthly_usd.trim().parse().map_err(|_| {
            Error::BadRequest(format!(
                "monthly amount must be a number, got {:?}",
                form.monthly_usd
            ))
        })?;
        budgets::set(&state.db, Some(form.team.as_str()), basis, amount).await
    }
    .await;
    match outcome {
        Ok(()) => {
            let scope = if form.team.is_empty() {
                "Organisation"
            } else {
                &form.team
            };
            Ok(Redirect::to(&format!(
                "/admin/budgets?done={}",
                url::component(&format!("Budget of {scope} set"))
            ))
            .into_response())
        }
        Err(e @ (Error::BadRequest(_) | Error::NotFound(_))) => Ok((
            StatusCode::BAD_REQUEST,
            render(budgets_page(&state, &admin, None, Some(e.to_string())).await?)?,
        )
            .into_response()),
        Err(e) => Err(e),
    }
}

#[derive(Debug, Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    team: String,
}

/// `POST /admin/budgets/remove`
pub(crate) async fn remove_from_form(
    State(state): State<AppState>,
    AdminForm { form, .. }: AdminForm<RemoveForm>,
) -> Result<Response> {
    budgets::remove(&state.db, Some(form.team.as_str())).await?;
    Ok(Redirect::to("/admin/budgets?done=Budget+removed").into_response())
}
