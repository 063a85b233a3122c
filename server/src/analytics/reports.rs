//! One plain async function per report, shared by the JSON API and the HTML pages: load the rows
//! in scope once, run the engine off the async runtime, and keep the result in the report cache
//! ([`crate::analytics::cache`]) until the data changes.
//!
//! Pages that show one report per team ([`adoption_for`], [`productivity_for`]) or several
//! groupings ([`spend_breakdowns`]) load the rows once for all of them: the engine only ever
//! looks at the developers and dates it is given, so a wider load gives the same figures.

use agentmeter_metrics::adoption::{adoption_report, AdoptionParams, AdoptionReport};
use agentmeter_metrics::calendar::DateRange;
use agentmeter_metrics::frames::usage_frame;
use agentmeter_metrics::plans::{plans_report, PlansParams, PlansReport};
use agentmeter_metrics::productivity::{
    ProductivityInputs, ProductivityParams, ProductivityReport,
};
use agentmeter_metrics::rows::{DeveloperRow, Tool, UsageRow};
use agentmeter_metrics::spend::{spend_reports, SpendGroupBy, SpendParams, SpendReport};
use anyhow::{anyhow, Context};
use chrono::{DateTime, TimeDelta, Utc};

use crate::analytics::load::{self, Dims, Grain};
use crate::analytics::params::{ProductivityQuery, SpendQuery};
use crate::analytics::{catalog, plan_policy};
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
        .context("metrics task")?
        .map_err(Error::from)
}

fn user_ids(developers: &[DeveloperRow]) -> Vec<i64> {
    developers.iter().map(|d| d.user_id).collect()
}

/// Everybody any of the scopes covers.
fn union_scope(scopes: &[Scope]) -> Scope {
    let mut ids = Vec::new();
    for scope in scopes {
        match scope.user_ids() {
            None => return Scope::Everyone,
            Some(members) => ids.extend_from_slice(members),
        }
    }
    ids.sort_unstable();
    ids.dedup();
    Scope::Users(ids)
}

/// The developers of one scope, from the developers of all of them.
fn members(developers: &[DeveloperRow], scope: &Scope) -> Vec<DeveloperRow> {
    developers
        .iter()
        .filter(|d| scope.includes(d.user_id))
        .cloned()
        .collect()
}

/// The first of the reports computed for several scopes or groupings (a page's own view), and
/// the others in order (its per-team rows).
pub fn first_and_rest<T>(reports: Vec<T>, what: &str) -> Result<(T, std::vec::IntoIter<T>)> {
    let mut reports = reports.into_iter();
    let first = reports
        .next()
        .ok_or_else(|| Error::Internal(anyhow!("{what}: no report computed")))?;
    Ok((first, reports))
}

/// Spend over the range, grouped, with month over month and the forecast (as of now).
pub async fn spend(state: &AppState, scope: &Scope, query: &SpendQuery) -> Result<SpendReport> {
    let reports =
        spend_breakdowns(state, scope, query.tool, &[(query.group_by, query.range)]).await?;
    Ok(first_and_rest(reports, "spend")?.0)
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
            let (developers, teams) =
                tokio::try_join!(load::developers(&state.db, scope), load::teams(&state.db))?;
            let (mut from, mut to) = (i64::MAX, i64::MIN);
            for (_, range) in &wanted {
                let (start, end) = range.load_window_utc_ms(tz)?;
                (from, to) = (from.min(start), to.max(end));
            }
            let mut dims: Vec<Dims> = Vec::new();
            for (group_by, _) in &wanted {
                if !dims.contains(&spend_dims(*group_by)) {
                    dims.push(spend_dims(*group_by));
                }
            }
            // The loads are independent: run them side by side on their own connections.
            let ids = user_ids(&developers);
            let mut tasks = tokio::task::JoinSet::new();
            for (i, dims) in dims.iter().copied().enumerate() {
                let (db, ids) = (state.db.clone(), ids.clone());
                tasks.spawn(async move {
                    let usage = load::usage(&db, tz, Some(&ids), from, to, dims, Grain::Day);
                    (i, usage.await)
                });
            }
            let mut loads: Vec<(Dims, Vec<UsageRow>)> = Vec::new();
            while let Some(done) = tasks.join_next().await {
                let (i, usage) = done.context("usage load")?;
                let mut usage = usage?;
                if let Some(tool) = tool {
                    usage.retain(|row| row.tool == tool);
                }
                loads.push((dims[i], usage));
            }
            let as_of = Utc::now();
            blocking(move || {
                let mut reports: Vec<Option<SpendReport>> = vec![None; wanted.len()];
                for (dims, usage) in &loads {
                    let frame = usage_frame(usage, tz)?;
                    let (positions, params): (Vec<usize>, Vec<SpendParams>) = wanted
                        .iter()
                        .enumerate()
                        .filter(|(_, (group_by, _))| spend_dims(*group_by) == *dims)
                        .map(|(i, &(group_by, range))| {
                            let params = SpendParams {
                                range,
                                tz,
                                group_by,
                                as_of,
                            };
                            (i, params)
                        })
                        .unzip();
                    let computed = spend_reports(&frame, &developers, &teams, &params)?;
                    for (i, report) in positions.into_iter().zip(computed) {
                        reports[i] = Some(report);
                    }
                }
                Ok(reports.into_iter().flatten().collect())
            })
            .await
        })
        .await
}

/// Cost versus subscription for every month the range touches, recommending only what the
/// admin's plan policy allows. A seat minimum counts the whole organisation (a company plan is
/// bought for everyone who would hold it), so every developer's lines are computed and the
/// scope only narrows which are kept.
pub async fn plans(state: &AppState, scope: &Scope, range: DateRange) -> Result<PlansReport> {
    let key = format!("plans {scope:?} {range:?}");
    state
        .reports
        .get_or_compute(key, || async move {
            let tz = state.org_tz;
            let (developers, teams, catalog, policy) = tokio::try_join!(
                load::developers(&state.db, &Scope::Everyone),
                load::teams(&state.db),
                catalog::plan_rows(&state.db),
                plan_policy::load(&state.db),
            )?;
            let ids = user_ids(&developers);
            let (from, to) = range.load_window_utc_ms(tz)?;
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
                policy,
                in_scope: scope.user_ids().map(<[i64]>::to_vec),
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
async fn adoption_usage(state: &AppState, ids: &[i64], range: &DateRange) -> Result<Vec<UsageRow>> {
    let tz = state.org_tz;
    let (from, to) = load::utc_bounds(*range, tz)?;
    let sessions = Dims {
        session: true,
        ..Dims::default()
    };
    let (mut usage, in_range) = tokio::try_join!(
        load::usage(
            &state.db,
            tz,
            Some(ids),
            i64::MIN / 2,
            from,
            Dims::default(),
            Grain::Day,
        ),
        load::usage(&state.db, tz, Some(ids), from, to, sessions, Grain::Day),
    )?;
    usage.extend(in_range);
    Ok(usage)
}

/// Adoption over the range (first use and the ramp look at all usage up to `to`).
pub async fn adoption(state: &AppState, scope: &Scope, range: DateRange) -> Result<AdoptionReport> {
    let reports = adoption_for(state, std::slice::from_ref(scope), range).await?;
    Ok(first_and_rest(reports, "adoption")?.0)
}

/// The adoption report of each scope, in the order given, from one load for all of them.
pub async fn adoption_for(
    state: &AppState,
    scopes: &[Scope],
    range: DateRange,
) -> Result<Vec<AdoptionReport>> {
    let key = format!("adoption {scopes:?} {range:?}");
    let scopes = scopes.to_vec();
    state
        .reports
        .get_or_compute(key, || async move {
            let tz = state.org_tz;
            let developers = load::developers(&state.db, &union_scope(&scopes)).await?;
            let usage = adoption_usage(state, &user_ids(&developers), &range).await?;
            let params = AdoptionParams { range, tz };
            blocking(move || {
                let frame = usage_frame(&usage, tz)?;
                scopes
                    .iter()
                    .map(|scope| adoption_report(&frame, &members(&developers, scope), &params))
                    .collect()
            })
            .await
        })
        .await
}

/// What the productivity report reads for a set of developers: their first uses, and the pull
/// requests and commits from the earliest baseline on.
struct ProductivityRows {
    developers: Vec<DeveloperRow>,
    firsts: Vec<UsageRow>,
    prs: Vec<agentmeter_metrics::rows::PullRequestRow>,
    commits: Vec<agentmeter_metrics::rows::CommitRow>,
    params: ProductivityParams,
}

async fn productivity_rows(
    state: &AppState,
    scope: &Scope,
    query: &ProductivityQuery,
) -> Result<ProductivityRows> {
    let tz = state.org_tz;
    let developers = load::developers(&state.db, scope).await?;
    let to_day = DateRange {
        from: query.to,
        to: query.to,
    };
    let (_, end) = load::utc_bounds(to_day, tz)?;
    let firsts = load::first_uses(&state.db, Some(&user_ids(&developers)), end).await?;
    let earliest_first = firsts.iter().map(|r| r.ts_utc_ms).min().unwrap_or(end);
    let baseline_start =
        earliest_first - TimeDelta::weeks(i64::from(query.baseline_weeks)).num_milliseconds();
    let history_start = async {
        match query.history_from {
            Some(date) => Ok(date),
            None => Ok(match load::history_start_ms(&state.db).await? {
                Some(ms) => DateTime::from_timestamp_millis(ms)
                    .map_or(query.to, |t| t.with_timezone(&tz).date_naive()),
                None => query.to,
            }),
        }
    };
    let (prs, commits, history_from) = tokio::try_join!(
        crate::reviews::load::pull_request_rows(&state.db, baseline_start, end),
        crate::reviews::load::commit_rows(&state.db, baseline_start, end),
        history_start,
    )?;
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
    Ok(ProductivityRows {
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
    let reports = productivity_for(state, std::slice::from_ref(scope), query).await?;
    Ok(first_and_rest(reports, "productivity")?.0)
}

/// The productivity report of each scope, in the order given, from one load for all of them.
pub async fn productivity_for(
    state: &AppState,
    scopes: &[Scope],
    query: &ProductivityQuery,
) -> Result<Vec<ProductivityReport>> {
    let key = format!("productivity {scopes:?} {query:?}");
    let scopes = scopes.to_vec();
    state
        .reports
        .get_or_compute(key, || async move {
            let input = productivity_rows(state, &union_scope(&scopes), query).await?;
            let tz = state.org_tz;
            blocking(move || {
                let prepared = ProductivityInputs::new(
                    &usage_frame(&input.firsts, tz)?,
                    &input.prs,
                    &input.commits,
                    &input.params,
                )?;
                scopes
                    .iter()
                    .map(|scope| prepared.report(&members(&input.developers, scope)))
                    .collect()
            })
            .await
        })
        .await
}
