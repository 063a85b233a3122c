//! `GET /api/v1/metrics/*`: resolve the caller's scope, end a range without `to` at the scope's
//! last day with data, parse the parameters, return one report with that day (`data_as_of`).

use axum::extract::{Query, State};
use axum::Json;

use agentmeter_metrics::adoption::AdoptionReport;
use agentmeter_metrics::plans::PlansReport;
use agentmeter_metrics::productivity::ProductivityReport;
use agentmeter_metrics::spend::SpendReport;

use crate::analytics::as_of::{ending_at_data, AsOf};
use crate::analytics::params::{CompareQuery, MetricsQuery};
use crate::analytics::{dashboards, reports};
use crate::auth::scope::resolve;
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::state::AppState;

/// `GET /api/v1/metrics/spend`
#[utoipa::path(
    get,
    path = "/api/v1/metrics/spend",
    tag = "metrics",
    params(MetricsQuery, CompareQuery),
    responses((status = 200, description = "OK", body = AsOf<SpendReport>)),
)]
pub(crate) async fn spend(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<MetricsQuery>,
    Query(compare): Query<CompareQuery>,
) -> Result<Json<AsOf<SpendReport>>> {
    let comparison = compare.comparison()?;
    let scope = resolve(&state, &user, &query.scope_filter()).await?;
    let (query, data_as_of) = ending_at_data(&state, &scope, query).await?;
    let params = query.spend(state.org_tz)?;
    let report = dashboards::spend_compared(&state, &scope, &params, comparison).await?;
    Ok(Json(AsOf { data_as_of, report }))
}

/// `GET /api/v1/metrics/plans`
#[utoipa::path(
    get,
    path = "/api/v1/metrics/plans",
    tag = "metrics",
    params(MetricsQuery),
    responses((status = 200, description = "OK", body = AsOf<PlansReport>)),
)]
pub(crate) async fn plans(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<MetricsQuery>,
) -> Result<Json<AsOf<PlansReport>>> {
    let scope = resolve(&state, &user, &query.scope_filter()).await?;
    let (query, data_as_of) = ending_at_data(&state, &scope, query).await?;
    let report = reports::plans(&state, &scope, query.range(state.org_tz)?).await?;
    Ok(Json(AsOf { data_as_of, report }))
}

/// `GET /api/v1/metrics/adoption`
#[utoipa::path(
    get,
    path = "/api/v1/metrics/adoption",
    tag = "metrics",
    params(MetricsQuery),
    responses((status = 200, description = "OK", body = AsOf<AdoptionReport>)),
)]
pub(crate) async fn adoption(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<MetricsQuery>,
) -> Result<Json<AsOf<AdoptionReport>>> {
    let scope = resolve(&state, &user, &query.scope_filter()).await?;
    let (query, data_as_of) = ending_at_data(&state, &scope, query).await?;
    let report = reports::adoption(&state, &scope, query.range(state.org_tz)?).await?;
    Ok(Json(AsOf { data_as_of, report }))
}

/// `GET /api/v1/metrics/productivity`
#[utoipa::path(
    get,
    path = "/api/v1/metrics/productivity",
    tag = "metrics",
    params(MetricsQuery),
    responses((status = 200, description = "OK", body = AsOf<ProductivityReport>)),
)]
pub(crate) async fn productivity(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<MetricsQuery>,
) -> Result<Json<AsOf<ProductivityReport>>> {
    let scope = resolve(&state, &user, &query.scope_filter()).await?;
    let (query, data_as_of) = ending_at_data(&state, &scope, query).await?;
    let params = query.productivity(state.org_tz)?;
    let report = reports::productivity(&state, &scope, &params).await?;
    Ok(Json(AsOf { data_as_of, report }))
}
