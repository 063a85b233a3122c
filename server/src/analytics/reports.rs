//! One plain async function per report, shared by the JSON API and the HTML pages: load the rows
//! in scope once, run the engine off the async runtime, and keep the result in the report cache
//! ([`crate::analytics::cache`]) until the data changes.
//!
//! Pages that show one report per team ([`adoption_by_team`], [`lifts_by_team`]) or several
//! groupings ([`spend_breakdowns`]) load the rows once for all of them: the engine only ever
//! looks at the developers and dates it is given, so a wider load gives the same figures.

use agentmeter_metrics::adoption::{adoption_report, AdoptionParams, AdoptionReport};
use agentmeter_metrics::calendar::{local_midnight_utc_ms, DateRange};
use agentmeter_metrics::frames::usage_frame;
use agentmeter_metrics::plans::{plans_report, PlansParams, PlansReport};
use agentmeter_metrics::productivity::{
    productivity_report, Lift, ProductivityParams, ProductivityReport,
};
use agentmeter_metrics::rows::{DeveloperRow, Tool, UsageRow};
use agentmeter_metrics::spend::{spend_report, SpendGroupBy, SpendParams, SpendReport};
use chrono::{DateTime, TimeDelta, Utc};

use crate::analytics::catalog;
use crate::analytics::load::{self, engine_error, Dims};
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

/// A team's name and the scope of its members, as the caller may see them.
pub type TeamScope = (String, Scope);

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

fn user_ids(developers: &[DeveloperRow]) -> Vec<i64> {
    developers.iter().map(|d| d.user_id).collect()
}

/// Everybody any of the teams covers.
fn union_scope(teams: &[TeamScope]) -> Scope {
    let mut ids = Vec::new();
    for (_, scope) in teams {
        match scope.user_ids() {
            None => return Scope::Everyone,
            Some(members) => ids.extend_from_slice(members),
        }
    }
    ids.sort_unstable();
    ids.dedup();
    Scope::Users(ids)
}

/// The developers of one team, from the developers of all of them.
fn members(developers: &[DeveloperRow], scope: &Scope) -> Vec<DeveloperRow> {
    developers
        .iter()
        .filter(|d| scope.includes(d.user_id))
        .cloned()
        .collect()
}

/// Spend over the range, grouped, with month over month and the forecast (as of now).
pub async fn spend(state: &AppState, scope: &Scope, query: &SpendQuery) -> Result<SpendReport> {
    spend_breakdowns(state, scope, query.tool, &[(query.group_by, query.range)])
        .await?
        .pop()
        .ok_or_else(|| Error::Internal("spend: no report computed".into()))
}

/// The usage dimensions a spend grouping needs beyond user, time and tool.
fn spend_dims(group_by: SpendGroupBy) -> Dims {
    Dims {
        model: group_by == SpendGroupBy::Model,
        project: group_by == SpendGroupBy::Project,
        repository: group_by == SpendGroupBy::Repository,
        session: false,
    }
}

/// One spend report per (grouping, range), from one load of usage per set of dimensions over all
/// the ranges. Groupings that need no extra dimension share their rows; a model grouping reads
/// its own, finer rows rather than summing a breakdown the other groupings would then sum in a
/// different order (cost is a float: the last digits would move).
pub async fn spend_breakdowns(
    state: &AppState,
    scope: &Scope,
    tool: Option<Tool>,
    wanted: &[(SpendGroupBy, DateRange)],
) -> Result<Vec<SpendReport>> {
    let key = format!("spend {scope:?} {tool:?} {wanted:?}");
    let wanted = wanted.to_vec();
    state
        .reports
        .get_or_compute(key, || async move {
            let tz = state.org_tz;
            let developers = load::developers(&state.db, scope).await?;
            let teams = load::teams(&state.db).await?;
            let (mut from, mut to) = (i64::MAX, i64::MIN);
            for (_, range) in &wanted {
                let (start, end) = range.load_window_utc_ms(tz).map_err(engine_error)?;
                (from, to) = (from.min(start), to.max(end));
            }
            let ids = user_ids(&developers);
            let mut loads: Vec<(Dims, Vec<UsageRow>)> = Vec::new();
            for (group_by, _) in &wanted {
                let dims = spend_dims(*group_by);
                if loads.iter().any(|(d, _)| *d == dims) {
                    continue;
                }
                let mut usage = load::usage(&state.db, tz, Some(&ids), from, to, dims).await?;
                if let Some(tool) = tool {
                    usage.retain(|row| row.tool == tool);
                }
                loads.push((dims, usage));
            }
            let as_of = Utc::now();
            blocking(move || {
                let frames = loads
                    .iter()
                    .map(|(dims, usage)| Ok((*dims, usage_frame(usage, tz)?)))
                    .collect::<agentmeter_metrics::Result<Vec<_>>>()?;
                wanted
                    .iter()
                    .filter_map(|&(group_by, range)| {
                        let dims = spend_dims(group_by);
                        let (_, frame) = frames.iter().find(|(d, _)| *d == dims)?;
                        let params = SpendParams {
                            range,
                            tz,
                            group_by,
                            as_of,
                        };
                        Some(spend_report(frame, &developers, &teams, &params))
                    })
                    .collect()
            })
            .await
        })
        .await
}

/// Cost versus subscription for every month the range touches.
pub async fn plans(state: &AppState, scope: &Scope, range: DateRange) -> Result<PlansReport> {
    let key = format!("plans {scope:?} {range:?}");
    state
        .reports
        .get_or_compute(key, || async move {
            let tz = state.org_tz;
            let developers = load::developers(&state.db, scope).await?;
            let teams = load::teams(&state.db).await?;
            let catalog = catalog::plan_rows(&state.db).await?;
            let ids = user_ids(&developers);
            let (from, to) = range.load_window_utc_ms(tz).map_err(engine_error)?;
            let usage = load::usage(&state.db, tz, Some(&ids), from, to, Dims::default()).await?;
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
        })
        .await
}

/// Usage adoption reads: all of it up to `to`, with sessions only inside the range (earlier
/// usage only needs time and cost).
async fn adoption_usage(
    state: &AppState,
    ids: &[i64],
    range: &DateRange,
) -> Result<Vec<UsageRow>> {
    let tz = state.org_tz;
    let (from, to) = utc_bounds(state, range)?;
    let mut usage = load::usage(&state.db, tz, Some(ids), i64::MIN / 2, from, Dims::default()).await?;
    let sessions = Dims {
        session: true,
        ..Dims::default()
    };
    usage.extend(load::usage(&state.db, tz, Some(ids), from, to, sessions).await?);
    Ok(usage)
}

/// Adoption over the range (first use and the ramp look at all usage up to `to`).
pub async fn adoption(state: &AppState, scope: &Scope, range: DateRange) -> Result<AdoptionReport> {
    let key = format!("adoption {scope:?} {range:?}");
    state
        .reports
        .get_or_compute(key, || async move {
            let tz = state.org_tz;
            let developers = load::developers(&state.db, scope).await?;
            let usage = adoption_usage(state, &user_ids(&developers), &range).await?;
            let params = AdoptionParams { range, tz };
            blocking(move || adoption_report(&usage_frame(&usage, tz)?, &developers, &params))
                .await
        })
        .await
}

/// The adoption report of each team, in the order given.
pub async fn adoption_by_team(
    state: &AppState,
    teams: &[TeamScope],
    range: DateRange,
) -> Result<Vec<(String, AdoptionReport)>> {
    let key = format!("adoption by team {teams:?} {range:?}");
    let teams = teams.to_vec();
    state
        .reports
        .get_or_compute(key, || async move {
            let tz = state.org_tz;
            let developers = load::developers(&state.db, &union_scope(&teams)).await?;
            let usage = adoption_usage(state, &user_ids(&developers), &range).await?;
            let params = AdoptionParams { range, tz };
            blocking(move || {
                let frame = usage_frame(&usage, tz)?;
                teams
                    .into_iter()
                    .map(|(name, scope)| {
                        let report = adoption_report(&frame, &members(&developers, &scope), &params)?;
                        Ok((name, report))
                    })
                    .collect()
            })
            .await
        })
        .await
}

/// What the productivity report reads for a set of developers: their first uses, and the pull
/// requests and commits from the earliest baseline on.
struct ProductivityInputs {
    developers: Vec<DeveloperRow>,
    firsts: Vec<UsageRow>,
    prs: Vec<agentmeter_metrics::rows::PullRequestRow>,
    commits: Vec<agentmeter_metrics::rows::CommitRow>,
    params: ProductivityParams,
}

async fn productivity_inputs(
    state: &AppState,
    scope: &Scope,
    query: &ProductivityQuery,
) -> Result<ProductivityInputs> {
    let tz = state.org_tz;
    let developers = load::developers(&state.db, scope).await?;
    let end = local_midnight_utc_ms(query.to + TimeDelta::days(1), tz).map_err(engine_error)?;
    let firsts = load::first_uses(&state.db, Some(&user_ids(&developers)), end).await?;
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
    Ok(ProductivityInputs {
        developers,
        firsts,
        prs,
        commits,
        params,
    })
}

/// Before/after productivity and the team lifts, up to `query.to`.
pub async fn productivity(
    state: &AppState,
    scope: &Scope,
    query: &ProductivityQuery,
) -> Result<ProductivityReport> {
    let key = format!("productivity {scope:?} {query:?}");
    state
        .reports
        .get_or_compute(key, || async move {
            let input = productivity_inputs(state, scope, query).await?;
            let tz = state.org_tz;
            blocking(move || {
                productivity_report(
                    &usage_frame(&input.firsts, tz)?,
                    &input.developers,
                    &input.prs,
                    &input.commits,
                    &input.params,
                )
            })
            .await
        })
        .await
}

/// The merged-PR lift of each team, in the order given.
pub async fn lifts_by_team(
    state: &AppState,
    teams: &[TeamScope],
    query: &ProductivityQuery,
) -> Result<Vec<(String, Lift)>> {
    let key = format!("lifts by team {teams:?} {query:?}");
    let teams = teams.to_vec();
    state
        .reports
        .get_or_compute(key, || async move {
            let input = productivity_inputs(state, &union_scope(&teams), query).await?;
            let tz = state.org_tz;
            blocking(move || {
                let firsts = usage_frame(&input.firsts, tz)?;
                teams
                    .into_iter()
                    .map(|(name, scope)| {
                        let report = productivity_report(
                            &firsts,
                            &members(&input.developers, &scope),
                            &input.prs,
                            &input.commits,
                            &input.params,
                        )?;
                        Ok((name, report.merged_prs_per_week))
                    })
                    .collect()
            })
            .await
        })
        .await
}
