//! `GET /api/v1/reviews/pull-requests`: pull requests merged in the range, with their cached
//! classification (AI reasons, critical paths, outcome), scoped by role.

use axum::extract::{Query, State};
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use agentmeter_metrics::calendar::local_midnight_utc_ms;

use super::load::utc;
use super::summary::{range, ReviewsQuery};
use crate::auth::scope::{resolve, ScopeFilter};
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store::pull_requests::{self, PullRequestSummary};

/// One classified pull request.
#[derive(Debug, Serialize)]
pub struct PullRequestView {
    pub repository: String,
    pub number: i64,
    pub url: String,
    pub title: String,
    /// The author's GitHub/GitLab login.
    pub author_login: Option<String>,
    pub author_user_id: Option<i64>,
    /// The name of the user the author maps to.
    pub author: Option<String>,
    pub head_branch: String,
    pub created_at: DateTime<Utc>,
    pub merged_at: Option<DateTime<Utc>>,
    pub ai_assisted: bool,
    pub ai_reasons: serde_json::Value,
    pub critical: bool,
    pub critical_paths: Vec<String>,
    pub outcome: Option<String>,
    pub change_size: i64,
    pub first_review_at: Option<DateTime<Utc>>,
}

/// `GET /api/v1/reviews/pull-requests?from&to&team&user`.
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<ReviewsQuery>,
) -> Result<Json<Vec<PullRequestView>>> {
    let scope = resolve(
        &state,
        &user,
        &ScopeFilter {
            team: query.team.clone(),
            user: query.user.clone(),
        },
    )
    .await?;
    let range = range(&state, &query)?;
    let bad = |e: agentmeter_metrics::MetricsError| Error::Internal(e.to_string());
    let from_ms = local_midnight_utc_ms(range.from, state.org_tz).map_err(bad)?;
    let to_ms = local_midnight_utc_ms(range.to + Duration::days(1), state.org_tz).map_err(bad)?;
    let merged = pull_requests::merged_between(&state.db, from_ms, to_ms, scope.user_ids()).await?;
    Ok(Json(
        merged.into_iter().map(PullRequestView::from).collect(),
    ))
}

impl From<PullRequestSummary> for PullRequestView {
    fn from(p: PullRequestSummary) -> PullRequestView {
        PullRequestView {
            repository: p.repository,
            number: p.number,
            url: p.url,
            title: p.title,
            author_login: p.author_login,
            author_user_id: p.author_user_id,
            author: p.author_name,
            head_branch: p.head_branch,
            created_at: utc(p.created_at),
            merged_at: p.merged_at.map(utc),
            ai_assisted: p.ai_assisted,
            ai_reasons: p.ai_reasons,
            critical: p.critical,
            critical_paths: p.critical_paths,
            outcome: p.outcome,
            change_size: p.change_size,
            first_review_at: p.first_review_at.map(utc),
        }
    }
}
