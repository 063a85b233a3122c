//! `GET /api/v1/reviews/*`: review-skip figures and the classified pull requests of a range,
//! scoped by role. Without dates the range ends at the scope's last day with data and starts on
//! the first of the month two months before, as every report (docs/api.md).

use axum::extract::{Query, State};
use axum::Json;

use agentmeter_metrics::reviews::{ReviewsReport, UnreviewedCriticalAlert};

use crate::analytics::as_of::AsOf;
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::reviews::pull_requests::{self, PullRequestView};
use crate::reviews::summary::{self, ReviewsQuery};
use crate::state::AppState;

/// `GET /api/v1/reviews/summary`
#[utoipa::path(
    get,
    path = "/api/v1/reviews/summary",
    tag = "reviews",
    params(ReviewsQuery),
    responses((status = 200, description = "OK", body = AsOf<ReviewsReport>)),
)]
pub(crate) async fn summary(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<ReviewsQuery>,
) -> Result<Json<AsOf<ReviewsReport>>> {
    let (scope, range, data_as_of) = summary::scope_and_range(&state, &user, &query).await?;
    let report = summary::report_with_prs(&state, scope, range)
        .await?
        .0
        .clone();
    Ok(Json(AsOf { data_as_of, report }))
}

/// `GET /api/v1/reviews/alerts`: critical AI-assisted PRs merged unreviewed, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/reviews/alerts",
    tag = "reviews",
    params(ReviewsQuery),
    responses((status = 200, description = "OK", body = Vec<UnreviewedCriticalAlert>)),
)]
pub(crate) async fn alerts(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<ReviewsQuery>,
) -> Result<Json<Vec<UnreviewedCriticalAlert>>> {
    Ok(Json(summary::report(&state, &user, &query).await?.alerts))
}

/// `GET /api/v1/reviews/pull-requests`: the merged pull requests of the range, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/reviews/pull-requests",
    tag = "reviews",
    params(ReviewsQuery),
    responses((status = 200, description = "OK", body = Vec<PullRequestView>)),
)]
pub(crate) async fn pull_requests(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<ReviewsQuery>,
) -> Result<Json<Vec<PullRequestView>>> {
    let (scope, range, _) = summary::scope_and_range(&state, &user, &query).await?;
    Ok(Json(pull_requests::merged(&state, &scope, range).await?))
}
