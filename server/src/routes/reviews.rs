//! `/api/v1/reviews/*`: review-skip figures and the classified pull requests of a range, scoped
//! by role, and the acknowledgement of an alert. Without dates the range ends at the scope's last day with data and starts on
//! the first of the month two months before, as every report (docs/api.md).

use axum::extract::{Path, Query, State};
use axum::Json;

use agentmeter_metrics::reviews::ReviewsReport;

use crate::analytics::as_of::AsOf;
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::reviews::acknowledgements::{
    self, AcknowledgeRequest, AcknowledgedAlert, AlertAcknowledgement,
};
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

/// `GET /api/v1/reviews/alerts`: critical AI-assisted PRs merged unreviewed, newest first, each
/// with its acknowledgement.
#[utoipa::path(
    get,
    path = "/api/v1/reviews/alerts",
    tag = "reviews",
    params(ReviewsQuery),
    responses((status = 200, description = "OK", body = Vec<AcknowledgedAlert>)),
)]
pub(crate) async fn alerts(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<ReviewsQuery>,
) -> Result<Json<Vec<AcknowledgedAlert>>> {
    let alerts = summary::report(&state, &user, &query).await?.alerts;
    Ok(Json(acknowledgements::attach(&state.db, alerts).await?))
}

/// `POST /api/v1/reviews/alerts/{repository}/{number}/acknowledge`: a manager of the author's
/// team or an admin acknowledges an alert and assigns a post-merge reviewer.
#[utoipa::path(
    post,
    path = "/api/v1/reviews/alerts/{repository}/{number}/acknowledge",
    tag = "reviews",
    params(
        ("repository" = String, Path, description = "Its name, URL-encoded (github.com%2Facme%2Fapi)"),
        ("number" = i64, Path, description = "The pull request's number"),
    ),
    request_body = AcknowledgeRequest,
    responses(
        (status = 200, description = "Recorded", body = AlertAcknowledgement),
        (status = 403, description = "Not a manager of the author's team nor an admin"),
        (status = 404, description = "No such pull request"),
        (status = 409, description = "The pull request is not an alert"),
        (status = 422, description = "Unknown reviewer or note too long"),
    ),
)]
pub(crate) async fn acknowledge(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((repository, number)): Path<(String, i64)>,
    Json(request): Json<AcknowledgeRequest>,
) -> Result<Json<AlertAcknowledgement>> {
    let ack =
        acknowledgements::acknowledge(&state.db, &user, &repository, number, &request).await?;
    Ok(Json(ack))
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
