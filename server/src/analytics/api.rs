//! JSON handlers: parse parameters, resolve the caller's scope, call one report function.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;

use agentmeter_metrics::adoption::AdoptionReport;
use agentmeter_metrics::plans::PlansReport;
use agentmeter_metrics::productivity::ProductivityReport;
use agentmeter_metrics::spend::SpendReport;

use crate::analytics::catalog::{self, CatalogPlan, PlanTerms};
use crate::analytics::params::MetricsQuery;
use crate::analytics::reports;
use crate::analytics::seats::{self, Seat, SeatChange};
use crate::auth::scope::resolve;
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::state::AppState;

/// The query string, or the reason it could not be read.
type QueryParams = std::result::Result<Query<MetricsQuery>, QueryRejection>;

fn query_params(query: QueryParams) -> Result<MetricsQuery> {
    query
        .map(|Query(q)| q)
        .map_err(|e| Error::BadRequest(e.body_text()))
}

fn body<T>(payload: std::result::Result<Json<T>, JsonRejection>) -> Result<T> {
    payload
        .map(|Json(t)| t)
        .map_err(|e| Error::BadRequest(e.body_text()))
}

/// `GET /api/v1/metrics/spend`
pub async fn spend(
    State(state): State<AppState>,
    user: CurrentUser,
    query: QueryParams,
) -> Result<Json<SpendReport>> {
    let query = query_params(query)?;
    let params = query.spend(state.org_tz)?;
    let scope = resolve(&state, &user, &query.scope_filter()).await?;
    Ok(Json(reports::spend(&state, &scope, &params).await?))
}

/// `GET /api/v1/metrics/plans`
pub async fn plans(
    State(state): State<AppState>,
    user: CurrentUser,
    query: QueryParams,
) -> Result<Json<PlansReport>> {
    let query = query_params(query)?;
    let range = query.range(state.org_tz)?;
    let scope = resolve(&state, &user, &query.scope_filter()).await?;
    Ok(Json(reports::plans(&state, &scope, range).await?))
}

/// `GET /api/v1/metrics/adoption`
pub async fn adoption(
    State(state): State<AppState>,
    user: CurrentUser,
    query: QueryParams,
) -> Result<Json<AdoptionReport>> {
    let query = query_params(query)?;
    let range = query.range(state.org_tz)?;
    let scope = resolve(&state, &user, &query.scope_filter()).await?;
    Ok(Json(reports::adoption(&state, &scope, range).await?))
}

/// `GET /api/v1/metrics/productivity`
pub async fn productivity(
    State(state): State<AppState>,
    user: CurrentUser,
    query: QueryParams,
) -> Result<Json<ProductivityReport>> {
    let query = query_params(query)?;
    let params = query.productivity(state.org_tz)?;
    let scope = resolve(&state, &user, &query.scope_filter()).await?;
    Ok(Json(reports::productivity(&state, &scope, &params).await?))
}

/// `GET /api/v1/plans`: the catalog (every signed-in user may read it).
pub async fn list_plans(
    State(state): State<AppState>,
    _user: CurrentUser,
) -> Result<Json<Vec<CatalogPlan>>> {
    Ok(Json(catalog::list(&state.db).await?))
}

/// `POST /api/v1/plans` (admin): adds a plan, answers 201 with it.
pub async fn create_plan(
    State(state): State<AppState>,
    user: CurrentUser,
    payload: std::result::Result<Json<PlanTerms>, JsonRejection>,
) -> Result<(StatusCode, Json<CatalogPlan>)> {
    user.require_admin()?;
    let terms = body(payload)?;
    let id = catalog::create(&state.db, &terms).await?;
    Ok((
        StatusCode::CREATED,
        Json(catalog::get(&state.db, id).await?),
    ))
}

/// `PUT /api/v1/plans/{id}` (admin): replaces a plan's price, limits, dates and notes.
pub async fn update_plan(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    payload: std::result::Result<Json<PlanTerms>, JsonRejection>,
) -> Result<Json<CatalogPlan>> {
    user.require_admin()?;
    let terms = body(payload)?;
    catalog::update(&state.db, id, &terms).await?;
    Ok(Json(catalog::get(&state.db, id).await?))
}

/// `PUT /api/v1/users/{email}/plan` (admin): `{"vendor": "Anthropic", "plan_id": 3}`, or
/// `"plan_id": null` for pay-as-you-go.
pub async fn assign_seat(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(email): Path<String>,
    payload: std::result::Result<Json<SeatChange>, JsonRejection>,
) -> Result<Json<Seat>> {
    user.require_admin()?;
    let change = body(payload)?;
    Ok(Json(seats::assign(&state.db, &email, &change).await?))
}
