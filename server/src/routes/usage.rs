//! Scoped usage summaries.

use axum::extract::{Query, State};
use axum::Json;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::auth::scope::{self, ScopeFilter};
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store::usage::{self, DeveloperUsage};

#[derive(Debug, Deserialize)]
pub struct SummaryQuery {
    pub team: Option<String>,
    pub user: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

#[derive(Serialize)]
pub struct Summary {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub developers: Vec<DeveloperUsage>,
}

/// `GET /api/v1/usage/summary`: per-developer totals in the caller's scope; `from`/`to` are
/// inclusive days in the organisation's time zone.
pub async fn summary(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<SummaryQuery>,
) -> Result<Json<Summary>> {
    let scope = scope::resolve(
        &state,
        &user,
        &ScopeFilter {
            team: query.team.clone(),
            user: query.user.clone(),
        },
    )
    .await?;
    let from_ms = match query.from {
        Some(day) => crate::time::day_start_ms(day, state.org_tz)?,
        None => i64::MIN,
    };
    let to_ms = match query.to {
        Some(day) => crate::time::day_start_ms(
            day.succ_opt()
                .ok_or_else(|| Error::BadRequest("`to` is out of range".into()))?,
            state.org_tz,
        )?,
        None => i64::MAX,
    };
    let developers = usage::summary(&state.db, &scope, from_ms, to_ms).await?;
    Ok(Json(Summary {
        from: query.from,
        to: query.to,
        developers,
    }))
}
