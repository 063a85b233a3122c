//! The assistant activity figures as JSON: lines of code, edit acceptance, active time, API
//! errors (docs/metrics.md, "Assistant activity").

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;

use agentmeter_metrics::activity::ActivityReport;

use crate::analytics::params::MetricsQuery;
use crate::auth::scope::resolve;
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::telemetry::activity;

/// `GET /api/v1/metrics/activity?from&to&team&user`
#[utoipa::path(
    get,
    path = "/api/v1/metrics/activity",
    tag = "metrics",
    params(MetricsQuery),
    responses((status = 200, description = "OK", body = ActivityReport)),
)]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    query: std::result::Result<Query<MetricsQuery>, QueryRejection>,
) -> Result<Json<ActivityReport>> {
    let Query(query) = query.map_err(|e| Error::BadRequest(e.body_text()))?;
    let range = query.range(state.org_tz)?;
    let scope = resolve(&state, &user, &query.scope_filter()).await?;
    Ok(Json(activity::activity(&state, &scope, range).await?))
}
