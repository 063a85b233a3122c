//! `GET /api/v1/reviews/*`: review-skip figures and the classified pull requests of a range,
//! scoped by role. Without `from` the range is the last 30 days (docs/api.md).

use axum::extract::{Query, State};
use axum::Json;

use agentmeter_metrics::reviews::{ReviewsReport, UnreviewedCriticalAlert};

use crate::auth::CurrentUser;
use crate::error::Result;
use crate::reviews::pull_requests::{self, PullRequestView};
use crate::reviews::summary::{self, ReviewsQuery};
use crate::state::AppState;

/// `GET /api/v1/reviews/summary`
pub(crate) async fn summary(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<ReviewsQuery>,
) -> Result<Json<ReviewsReport>> {
    Ok(Json(summary::report(&state, &user, &query).await?))
}

/// `GET /api/v1/reviews/alerts`: critical AI-assisted PRs merged unreviewed, newest first.
pub(crate) async fn alerts(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<ReviewsQuery>,
) -> Result<Json<Vec<UnreviewedCriticalAlert>>> {
    Ok(Json(summary::report(&state, &user, &query).await?.alerts))
}

/// `GET /api/v1/reviews/pull-requests`: the merged pull requests of the range, newest first.
pub(crate) async fn pull_requests(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<ReviewsQuery>,
) -> Result<Json<Vec<PullRequestView>>> {
    let (scope, range) = summary::scope_and_range(&state, &user, &query).await?;
    Ok(Json(pull_requests::merged(&state, &scope, range).await?))
}
