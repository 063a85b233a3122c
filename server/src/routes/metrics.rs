//! `GET /api/v1/metrics/*`: parse the parameters, resolve the caller's scope, return one report.

use axum::extract::{Query, State};
use axum::Json;

use agentmeter_metrics::adoption::AdoptionReport;
use agentmeter_metrics::plans::PlansReport;
use agentmeter_metrics::productivity::ProductivityReport;
use agentmeter_metrics::spend::SpendReport;

use crate::analytics::params::MetricsQuery;
use crate::analytics::reports;
use crate::auth::scope::resolve;
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::state::AppState;

/// `GET /api/v1/metrics/spend`
pub(crate) async fn spend(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<MetricsQuery>,
) -> Result<Json<SpendReport>> {
    let params = query.spend(state.org_tz)?;
    let scope = resolve(&state, &user, &query.scope_filter()).await?;
    Ok(Json(reports::spend(&state, &scope, &params).await?))
}

/// `GET /api/v1/metrics/plans`
pub(crate) async fn plans(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<MetricsQuery>,
) -> Result<Json<PlansReport>> {
    let range = query.range(state.org_tz)?;
    let scope = resolve(&state, &user, &query.scope_filter()).await?;
    Ok(Json(reports::plans(&state, &scope, range).await?))
}

/// `GET /api/v1/metrics/adoption`
pub(crate) async fn adoption(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<MetricsQuery>,
) -> Result<Json<AdoptionReport>> {
    let range = query.range(state.org_tz)?;
    let scope = resolve(&state, &user, &query.scope_filter()).await?;
    Ok(Json(reports::adoption(&state, &scope, range).await?))
}

/// `GET /api/v1/metrics/productivity`
pub(crate) async fn productivity(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<MetricsQuery>,
) -> Result<Json<ProductivityReport>> {
    let params = query.productivity(state.org_tz)?;
    let scope = resolve(&state, &user, &query.scope_filter()).await?;
    Ok(Json(reports::productivity(&state, &scope, &params).await?))
}
