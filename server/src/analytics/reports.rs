//! One plain async function per report, shared by the JSON API and the HTML pages: load the rows
//! in scope, then run the engine off the async runtime.

use agentmeter_metrics::adoption::{adoption_report, AdoptionParams, AdoptionReport};
use agentmeter_metrics::calendar::{local_midnight_utc_ms, DateRange};
use agentmeter_metrics::frames::usage_frame;
use agentmeter_metrics::plans::{plans_report, PlansParams, PlansReport};
use agentmeter_metrics::productivity::{
    productivity_report, ProductivityParams, ProductivityReport,
};
use agentmeter_metrics::spend::{spend_report, SpendParams, SpendReport};
use chrono::{DateTime, TimeDelta, Utc};

use crate::analytics::catalog;
use crate::analytics::load::{self, engine_error, Dims, Grain};
use crate::analytics::params::{ProductivityQuery, SpendQuery};
use crate::auth::Scope;
use crate::error::{Error, Result};
use crate::state::AppState;

/// A paid flat seat is flagged underused below this share of its price in API-equivalent cost.
pub const UNDERUSED_FRACTION: f64 = 0.1;
/// Fewer developers with a baseline than this: no lift and no interval.
pub const MIN_DEVELOPERS: usize = 2;
/// Bootstrap resamples of the lift interval.
pub const BOOTSTRAP_ITERATIONS: usize = 2000;
/// Level of the lift interval.
pub const CONFIDENCE: f64 = 0.9;

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> agentmeter_metrics::Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Error::Internal(format!("metrics task: {e}")))?
        .map_err(engine_error)
}

fn utc_bounds(state: &AppState, range: &DateRange) -> Result<(i64, i64)> {
    let from = local_midnight_utc_ms(range.from, state.org_tz).map_err(engine_error)?;
    let to =
        local_midnight_utc_ms(range.to + TimeDelta::days(1), state.org_tz).map_err(engine_error)?;
    Ok((from, to))
}

/// Spend over the range, grouped, with month over month and the forecast (as of now).
pub async fn spend(state: &AppState, scope: &Scope, query: &SpendQuery) -> Result<SpendReport> {
    let tz = state.org_tz;
    let developers = load::developers(&state.db, scope).await?;
    let teams = load::teams(&state.db).await?;
    let ids: Vec<i64> = developers.iter().map(|d| d.user_id).collect();
    let (from, to) = query.range.load_window_utc_ms(tz).map_err(engine_error)?;
    let dims = Dims {
        model: query.group_by == agentmeter_metrics::spend::SpendGroupBy::Model,
        project: query.group_by == agentmeter_metrics::spend::SpendGroupBy::Project,
        repository: query.group_by == agentmeter_metrics::spend::SpendGroupBy::Repository,
        session: false,
    };
    let mut usage = load::usage(&state.db, tz, Some(&ids), from, to, dims, Grain::Day).await?;
    if let Some(tool) = query.tool {
        usage.retain(|row| row.tool == tool);
    }
    let params = SpendParams {
        range: query.range,
        tz,
        group_by: query.group_by,
        as_of: Utc::now(),
    };
    blocking(move || spend_report(&usage_frame(&usage, tz)?, &developers, &teams, &params)).await
}

/// Cost versus subscription for every month the range touches.
pub async fn plans(state: &AppState, scope: &Scope, range: DateRange) -> Result<PlansReport> {
    let tz = state.org_tz;
    let developers = load::developers(&state.db, scope).await?;
    let teams = load::teams(&state.db).await?;
    let catalog = catalog::plan_rows(&state.db).await?;
    let ids: Vec<i64> = developers.iter().map(|d| d.user_id).collect();
    let (from, to) = range.load_window_utc_ms(tz).map_err(engine_error)?;
    // 5-hour windows need hours.
    let usage = load::usage(
        &state.db,
        tz,
        Some(&ids),
        from,
        to,
        Dims::default(),
        Grain::Hour,
    )
    .await?;
    let params = PlansParams {
        range,
        tz,
        underused_fraction: UNDERUSED_FRACTION,
    };
    blocking(move || {
        plans_report(
            &usage_frame(&usage, tz)?,
            &developers,
            &teams,
            &catalog,
            &params,
        )
    })
    .await
}

/// Adoption over the range (first use and the ramp look at all usage up to `to`).
pub async fn adoption(state: &AppState, scope: &Scope, range: DateRange) -> Result<AdoptionReport> {
    let tz = state.org_tz;
    let developers = load::developers(&state.db, scope).await?;
    let ids: Vec<i64> = developers.iter().map(|d| d.user_id).collect();
    let (from, to) = utc_bounds(state, &range)?;
    // Sessions matter only inside the range; earlier usage only needs time and cost.
    let mut usage = load::usage(
        &state.db,
        tz,
        Some(&ids),
        i64::MIN / 2,
        from,
        Dims::default(),
        Grain::Day,
    )
    .await?;
    usage.extend(
        load::usage(
            &state.db,
            tz,
            Some(&ids),
            from,
            to,
            Dims {
                session: true,
                ..Dims::default()
            },
            Grain::Day,
        )
        .await?,
    );
    let params = AdoptionParams { range, tz };
    blocking(move || adoption_report(&usage_frame(&usage, tz)?, &developers, &params)).await
}

/// Before/after productivity and the team lifts, up to `query.to`.
pub async fn productivity(
    state: &AppState,
    scope: &Scope,
    query: &ProductivityQuery,
) -> Result<ProductivityReport> {
    let tz = state.org_tz;
    let developers = load::developers(&state.db, scope).await?;
    let ids: Vec<i64> = developers.iter().map(|d| d.user_id).collect();
    let end = local_midnight_utc_ms(query.to + TimeDelta::days(1), tz).map_err(engine_error)?;
    let firsts = load::first_uses(&state.db, Some(&ids), end).await?;
    let earliest_first = firsts.iter().map(|r| r.ts_utc_ms).min().unwrap_or(end);
    let baseline_start =
        earliest_first - TimeDelta::weeks(i64::from(query.baseline_weeks)).num_milliseconds();
    let prs = crate::reviews::load::pull_request_rows(&state.db, baseline_start, end).await?;
    let commits = crate::reviews::load::commit_rows(&state.db, baseline_start, end).await?;
    let history_from = match query.history_from {
        Some(date) => date,
        None => match load::history_start_ms(&state.db).await? {
            Some(ms) => DateTime::from_timestamp_millis(ms)
                .map_or(query.to, |t| t.with_timezone(&tz).date_naive()),
            None => query.to,
        },
    };
    let params = ProductivityParams {
        to: query.to,
        tz,
        history_from,
        baseline_weeks: query.baseline_weeks,
        ramp_weeks: query.ramp_weeks,
        min_developers: MIN_DEVELOPERS,
        bootstrap_iterations: BOOTSTRAP_ITERATIONS,
        seed: 42,
        confidence: CONFIDENCE,
    };
    blocking(move || {
        productivity_report(
            &usage_frame(&firsts, tz)?,
            &developers,
            &prs,
            &commits,
            &params,
        )
    })
    .await
}
