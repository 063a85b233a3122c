//! `GET /api/v1/reviews/summary`, `/reviews/alerts` and `/reviews/pull-requests`: review-skip
//! figures over a date range, scoped by role, computed by `agentmeter_metrics::reviews_report`.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::Json;
use chrono::{Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Deserialize;

use agentmeter_metrics::calendar::{local_midnight_utc_ms, DateRange};
use agentmeter_metrics::frames::usage_frame;
use agentmeter_metrics::reviews::{
    reviews_report, ReviewsParams, ReviewsReport, UnreviewedCriticalAlert,
};
use agentmeter_metrics::rows::{PullRequestRow, UsageRow};

use super::load::pull_request_rows;
use crate::analytics::load::{self, Dims, Grain};
use crate::auth::scope::{resolve, Scope, ScopeFilter};
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store::identities;

/// `from`/`to` (inclusive local dates, `YYYY-MM-DD`; default the last 30 days) and the scope.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReviewsQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub team: Option<String>,
    pub user: Option<String>,
}

fn date(text: Option<&str>, name: &str) -> Result<Option<NaiveDate>> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            NaiveDate::parse_from_str(t, "%Y-%m-%d")
                .map_err(|_| Error::BadRequest(format!("{name} must be YYYY-MM-DD, got {t:?}")))
        })
        .transpose()
}

/// The date range of a query, in the organisation's time zone.
pub fn range(state: &AppState, query: &ReviewsQuery) -> Result<DateRange> {
    let today = Utc::now().with_timezone(&state.org_tz).date_naive();
    let to = date(query.to.as_deref(), "to")?.unwrap_or(today);
    let from = date(query.from.as_deref(), "from")?.unwrap_or(to - Duration::days(29));
    DateRange::new(from, to).map_err(|e| Error::BadRequest(e.to_string()))
}

fn metrics_error(e: agentmeter_metrics::MetricsError) -> Error {
    Error::Internal(format!("reviews report: {e}"))
}

/// A reviews report and the pull requests it read.
pub type ReviewsData = Arc<(ReviewsReport, Vec<PullRequestRow>)>;

/// The report for a query: PRs merged in the range by authors in scope (all PRs, unmatched
/// authors included, for an unfiltered admin), and the edits of developers in scope.
pub async fn report(
    state: &AppState,
    user: &CurrentUser,
    query: &ReviewsQuery,
) -> Result<ReviewsReport> {
    Ok(report_with_prs(state, user, query).await?.0.clone())
}

/// The report for a query, with the pull requests it read (alive in the range, authored in
/// scope), kept in the report cache.
pub async fn report_with_prs(
    state: &AppState,
    user: &CurrentUser,
    query: &ReviewsQuery,
) -> Result<ReviewsData> {
    let filter = ScopeFilter {
        team: query.team.clone(),
        user: query.user.clone(),
    };
    let scope = resolve(state, user, &filter).await?;
    let range = range(state, query)?;
    let key = format!("reviews {scope:?} {range:?}");
    state
        .reports
        .get_or_compute(key, || compute(state, scope, range))
        .await
}

async fn compute(state: &AppState, scope: Scope, range: DateRange) -> Result<ReviewsData> {
    let tz = state.org_tz;
    let from_ms = local_midnight_utc_ms(range.from, tz).map_err(metrics_error)?;
    let to_ms = local_midnight_utc_ms(range.to + Duration::days(1), tz).map_err(metrics_error)?;
    let (prs, usage, (developers, teams)) = tokio::try_join!(
        pull_request_rows(&state.db, from_ms, to_ms),
        edit_rows(&state.db, tz, &scope, from_ms, to_ms),
        identities::people(&state.db),
    )?;
    let prs: Vec<PullRequestRow> = prs
        .into_iter()
        .filter(|p| match &scope {
            Scope::Everyone => true,
            Scope::Users(_) => p.author_user_id.is_some_and(|id| scope.includes(id)),
        })
        .collect();
    let params = ReviewsParams { range, tz };
    tokio::task::spawn_blocking(move || {
        let frame = usage_frame(&usage, tz).map_err(metrics_error)?;
        let report =
            reviews_report(&prs, &frame, &developers, &teams, &params).map_err(metrics_error)?;
        Ok(Arc::new((report, prs)))
    })
    .await
    .map_err(|e| Error::Internal(format!("reviews report task: {e}")))?
}

/// `GET /api/v1/reviews/summary`.
pub async fn summary(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<ReviewsQuery>,
) -> Result<Json<ReviewsReport>> {
    Ok(Json(report(&state, &user, &query).await?))
}

/// `GET /api/v1/reviews/alerts`: critical AI-assisted PRs merged unreviewed, newest first.
pub async fn alerts(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<ReviewsQuery>,
) -> Result<Json<Vec<UnreviewedCriticalAlert>>> {
    Ok(Json(report(&state, &user, &query).await?.alerts))
}

/// AI edits in `[from_ms, to_ms)` of the developers in scope, with those made while per-edit
/// review was off, per developer, repository and local day: all the reviews report reads of usage.
pub async fn edit_rows(
    db: &Db,
    tz: Tz,
    scope: &Scope,
    from_ms: i64,
    to_ms: i64,
) -> Result<Vec<UsageRow>> {
    let dims = Dims {
        repository: true,
        ..Dims::default()
    };
    let mut rows = load::usage(db, tz, scope.user_ids(), from_ms, to_ms, dims, Grain::Day).await?;
    rows.retain(|r| r.edits > 0);
    Ok(rows)
}
