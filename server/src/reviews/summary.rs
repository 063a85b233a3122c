//! The review-skip report of a scope and range (`agentmeter_metrics::reviews_report`), with the
//! pull requests it read, kept in the report cache.

use std::sync::Arc;

use anyhow::Context;
use chrono::NaiveDate;
use chrono_tz::Tz;

use agentmeter_metrics::calendar::DateRange;
use agentmeter_metrics::frames::usage_frame;
use agentmeter_metrics::reviews::{reviews_report, ReviewsParams, ReviewsReport};
use agentmeter_metrics::rows::{PullRequestRow, UsageRow};

use super::load::pull_request_rows;
use crate::analytics::as_of::ending_at_data;
use crate::analytics::load::{self, Dims, Grain};
use crate::analytics::params::MetricsQuery;
use crate::auth::scope::{resolve, Scope};
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store::identities;

/// The parameters of a reviews report: those of every report (`from`, `to`, `team`, `user`),
/// with the same defaults (ending at the scope's last day with data).
pub type ReviewsQuery = MetricsQuery;

/// A reviews report and the pull requests it read.
pub type ReviewsData = Arc<(ReviewsReport, Vec<PullRequestRow>)>;

/// The scope `caller` may see for `query`'s filters, its range, and the scope's last day with
/// data (where the range ends without `to`).
pub async fn scope_and_range(
    state: &AppState,
    caller: &CurrentUser,
    query: &ReviewsQuery,
) -> Result<(Scope, DateRange, Option<NaiveDate>)> {
    let scope = resolve(state, caller, &query.scope_filter()).await?;
    let (query, data_as_of) = ending_at_data(state, &scope, query.clone()).await?;
    let range = query.range(state.org_tz)?;
    Ok((scope, range, data_as_of))
}

/// The report for a query as `caller` may see it: PRs merged in the range by authors in scope
/// (all PRs, unmatched authors included, for an unfiltered admin), and the edits of developers
/// in scope.
pub async fn report(
    state: &AppState,
    caller: &CurrentUser,
    query: &ReviewsQuery,
) -> Result<ReviewsReport> {
    let (scope, range, _) = scope_and_range(state, caller, query).await?;
    Ok(report_with_prs(state, scope, range).await?.0.clone())
}

/// The report of a scope and range, with the pull requests it read (alive in the range, authored
/// in scope), kept in the report cache.
pub async fn report_with_prs(
    state: &AppState,
    scope: Scope,
    range: DateRange,
) -> Result<ReviewsData> {
    let key = format!("reviews {scope:?} {range:?}");
    state
        .reports
        .get_or_compute(key, || compute(state, scope, range))
        .await
}

async fn compute(state: &AppState, scope: Scope, range: DateRange) -> Result<ReviewsData> {
    let tz = state.org_tz;
    let (from_ms, to_ms) = load::utc_bounds(range, tz)?;
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
    let params = ReviewsParams {
        range,
        tz,
        skip_rate_target_pct: state.settings.review_skip_target_pct,
    };
    tokio::task::spawn_blocking(move || {
        let frame = usage_frame(&usage, tz)?;
        let report = reviews_report(&prs, &frame, &developers, &teams, &params)?;
        Ok::<_, Error>(Arc::new((report, prs)))
    })
    .await
    .context("reviews report task")?
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
