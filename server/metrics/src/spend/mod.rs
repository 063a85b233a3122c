//! Spend: tokens and API-equivalent cost by a grouping key, month over month, and a month-end
//! forecast (definitions in docs/metrics.md, section "Spend").

use polars::prelude::*;

use crate::calendar::{
    date_of, day_number, days_in_month, local_date, local_midnight_utc_ms, month_first_day,
    month_index, month_label, DateRange,
};
use crate::error::Result;
use crate::frames::{f64_values, i64_values, membership_frame, UsageFrame};
use crate::rows::{tool_code, DeveloperRow, TeamRow, Tool};

mod change;
mod comparison;
mod report;

pub use change::{
    meaningful_change_pct, ShownChange, SpendChange, MIN_CHANGE_BASE_SHARE, MIN_CHANGE_BASE_USD,
};
pub use comparison::{compare, SpendComparison};
pub use report::{MonthSpend, SpendForecast, SpendGroup, SpendGroupBy, SpendParams, SpendReport};

fn sums() -> Vec<Expr> {
    let unknown = |c: &str| {
        when(col("cost_usd").is_null())
            .then(col(c))
            .otherwise(lit(0i64))
            .sum()
    };
    let mut exprs: Vec<Expr> = [
        "events",
        "input_tokens",
        "output_tokens",
        "cache_write_tokens",
        "cache_read_tokens",
        "tokens",
    ]
    .into_iter()
    .map(|c| col(c).sum())
    .collect();
    exprs.push(col("cost_usd").sum());
    exprs.push(unknown("events").alias("unknown_cost_events"));
    exprs.push(unknown("tokens").alias("unknown_cost_tokens"));
    exprs
}

/// The groups of a summed frame; `keys_are_users` when its keys are user ids.
fn groups_of(
    df: &DataFrame,
    labels: &dyn Fn(i64) -> Result<String>,
    keys_are_users: bool,
) -> Result<Vec<SpendGroup>> {
    let keys = i64_values(df, "key")?;
    let cols = [
        "events",
        "input_tokens",
        "output_tokens",
        "cache_write_tokens",
        "cache_read_tokens",
        "tokens",
        "unknown_cost_events",
        "unknown_cost_tokens",
    ]
    .map(|c| i64_values(df, c));
    let [ev, inp, out, cw, cr, tok, uev, utok] = cols;
    let (ev, inp, out, cw, cr, tok, uev, utok) = (ev?, inp?, out?, cw?, cr?, tok?, uev?, utok?);
    let cost = f64_values(df, "cost_usd")?;
    keys.iter()
        .enumerate()
        .map(|(i, k)| {
            Ok(SpendGroup {
                key: labels(*k)?,
                user_id: keys_are_users.then_some(*k),
                events: ev[i],
                input_tokens: inp[i],
                output_tokens: out[i],
                cache_write_tokens: cw[i],
                cache_read_tokens: cr[i],
                tokens: tok[i],
                cost_usd: cost[i],
                unknown_cost_events: uev[i],
                unknown_cost_tokens: utok[i],
            })
        })
        .collect()
}

/// Spend over `params.range`, grouped by `params.group_by`, with months and forecast.
///
/// `usage` must hold the usage of [`DateRange::load_window_utc_ms`] (whole months plus the month
/// before) for month-over-month figures to be complete.
pub fn spend_report(
    usage: &UsageFrame,
    developers: &[DeveloperRow],
    teams: &[TeamRow],
    params: &SpendParams,
) -> Result<SpendReport> {
    let total = total(usage, &params.range)?;
    let active = active_developers(usage, &params.range)?;
    Ok(SpendReport {
        from: params.range.from,
        to: params.range.to,
        group_by: params.group_by,
        groups: groups(usage, developers, teams, params)?,
        cost_per_active_developer_usd: comparison::per_developer(total.cost_usd, active),
        total,
        months: months(usage, params)?,
        forecast: forecast(usage, params)?,
        active_developers: active,
        comparison: None,
    })
}

/// [`spend_report`] for each of `params`, in order. The total, months and forecast depend only
/// on the range, time zone and `as_of`, so they are computed once for the reports sharing them.
pub fn spend_reports(
    usage: &UsageFrame,
    developers: &[DeveloperRow],
    teams: &[TeamRow],
    params: &[SpendParams],
) -> Result<Vec<SpendReport>> {
    type Shared = (SpendGroup, Vec<MonthSpend>, Option<SpendForecast>, i64);
    let mut shared: Vec<(&SpendParams, Shared)> = Vec::new();
    let mut reports = Vec::with_capacity(params.len());
    for p in params {
        let same = |q: &SpendParams| (q.range, q.tz, q.as_of) == (p.range, p.tz, p.as_of);
        let known = shared.iter().position(|(q, _)| same(q));
        let i = match known {
            Some(i) => i,
            None => {
                shared.push((
                    p,
                    (
                        total(usage, &p.range)?,
                        months(usage, p)?,
                        forecast(usage, p)?,
                        active_developers(usage, &p.range)?,
                    ),
                ));
                shared.len() - 1
            }
        };
        let (total, months, forecast, active) = shared[i].1.clone();
        reports.push(SpendReport {
            from: p.range.from,
            to: p.range.to,
            group_by: p.group_by,
            groups: groups(usage, developers, teams, p)?,
            cost_per_active_developer_usd: comparison::per_developer(total.cost_usd, active),
            total,
            months,
            forecast,
            active_developers: active,
            comparison: None,
        });
    }
    Ok(reports)
}

/// Usage on the range's days.
fn in_range(usage: &UsageFrame, range: &DateRange) -> LazyFrame {
    let (from_day, to_day) = (day_number(range.from), day_number(range.to));
    usage.df.clone().lazy().filter(
        col("day")
            .gt_eq(lit(from_day))
            .and(col("day").lt_eq(lit(to_day))),
    )
}

fn groups(
    usage: &UsageFrame,
    developers: &[DeveloperRow],
    teams: &[TeamRow],
    params: &SpendParams,
) -> Result<Vec<SpendGroup>> {
    let in_range = in_range(usage, &params.range);
    let key = match params.group_by {
        SpendGroupBy::Developer => "user_id",
        SpendGroupBy::Team => "team_id",
        SpendGroupBy::Project => "project",
        SpendGroupBy::Repository => "repository",
        SpendGroupBy::Model => "model",
        SpendGroupBy::Tool => "tool",
        SpendGroupBy::Day => "day",
        SpendGroupBy::Week => "week",
        SpendGroupBy::Month => "month",
    };
    let grouped = if params.group_by == SpendGroupBy::Team {
        let members = membership_frame(developers)?.lazy();
        in_range.join(
            members,
            [col("user_id")],
            [col("user_id")],
            JoinArgs::new(JoinType::Left),
        )
    } else {
        in_range
    };
    let grouped = grouped
        .with_column(
            col(key)
                .cast(DataType::Int64)
                .fill_null(lit(-1i64))
                .alias("key"),
        )
        .group_by([col("key")])
        .agg(sums())
        .sort(["key"], SortMultipleOptions::default())
        .collect()?;
    let label = |k: i64| -> Result<String> {
        let by_index = |names: &[String]| {
            names
                .get(k as usize)
                .cloned()
                .unwrap_or_else(|| k.to_string())
        };
        Ok(match params.group_by {
            SpendGroupBy::Developer => developers
                .iter()
                .find(|d| d.user_id == k)
                .map_or_else(|| format!("user {k}"), |d| d.name.clone()),
            SpendGroupBy::Team => teams
                .iter()
                .find(|t| t.id == k)
                .map_or_else(|| "(no team)".to_owned(), |t| t.name.clone()),
            SpendGroupBy::Project => by_index(&usage.labels.projects),
            SpendGroupBy::Repository => by_index(&usage.labels.repositories),
            SpendGroupBy::Model => by_index(&usage.labels.models),
            SpendGroupBy::Tool => Tool::ALL
                .iter()
                .find(|t| i64::from(tool_code(**t)) == k)
                .map_or_else(|| k.to_string(), |t| t.as_str().to_owned()),
            SpendGroupBy::Day | SpendGroupBy::Week => date_of(k as i32)?.to_string(),
            SpendGroupBy::Month => month_label(k as i32),
        })
    };
    groups_of(&grouped, &label, params.group_by == SpendGroupBy::Developer)
}

fn total(usage: &UsageFrame, range: &DateRange) -> Result<SpendGroup> {
    let total_df = in_range(usage, range)
        .with_column(lit(0i64).alias("key"))
        .group_by([col("key")])
        .agg(sums())
        .collect()?;
    Ok(groups_of(&total_df, &|_| Ok("total".to_owned()), false)?
        .into_iter()
        .next()
        .unwrap_or_else(|| empty_group("total")))
}

/// Developers with at least one event on the range's days.
fn active_developers(usage: &UsageFrame, range: &DateRange) -> Result<i64> {
    let counted = in_range(usage, range)
        .filter(
            col("events")
                .gt(lit(0i64))
                .and(col("user_id").is_not_null()),
        )
        .select([col("user_id").n_unique().alias("developers")])
        .collect()?;
    Ok(i64_values(&counted, "developers")?
        .first()
        .copied()
        .unwrap_or(0))
}

fn empty_group(key: &str) -> SpendGroup {
    SpendGroup {
        key: key.to_owned(),
        user_id: None,
        events: 0,
        input_tokens: 0,
        output_tokens: 0,
        cache_write_tokens: 0,
        cache_read_tokens: 0,
        tokens: 0,
        cost_usd: 0.0,
        unknown_cost_events: 0,
        unknown_cost_tokens: 0,
    }
}

fn months(usage: &UsageFrame, params: &SpendParams) -> Result<Vec<MonthSpend>> {
    let as_of_month = month_index(local_date(params.as_of.timestamp_millis(), params.tz)?);
    let wanted = params.range.months();
    let first = wanted.first().copied().unwrap_or_default() - 1;
    let by_month = usage
        .df
        .clone()
        .lazy()
        .filter(col("month").gt_eq(lit(first)))
        .with_column(col("month").cast(DataType::Int64).alias("key"))
        .group_by([col("key")])
        .agg(sums())
        .collect()?;
    let groups = groups_of(&by_month, &|k| Ok(k.to_string()), false)?;
    let find = |m: i32| {
        groups
            .iter()
            .find(|g| g.key == m.to_string())
            .cloned()
            .unwrap_or_else(|| empty_group(""))
    };
    Ok(wanted
        .iter()
        .map(|&m| {
            let (cur, prev) = (find(m), find(m - 1));
            let change =
                (m < as_of_month).then(|| SpendChange::between(cur.cost_usd, prev.cost_usd));
            MonthSpend {
                month: month_label(m),
                cost_usd: cur.cost_usd,
                tokens: cur.tokens,
                unknown_cost_events: cur.unknown_cost_events,
                change_pct: change.and_then(|c| c.change_pct),
                change,
            }
        })
        .collect())
}

fn forecast(usage: &UsageFrame, params: &SpendParams) -> Result<Option<SpendForecast>> {
    let as_of_ms = params.as_of.timestamp_millis();
    let month = month_index(local_date(as_of_ms, params.tz)?);
    if !params.range.months().contains(&month) {
        return Ok(None);
    }
    let start = local_midnight_utc_ms(month_first_day(month)?, params.tz)?;
    let end = local_midnight_utc_ms(month_first_day(month + 1)?, params.tz)?;
    let days = days_in_month(month)?;
    let elapsed_days = (as_of_ms - start) as f64 / (end - start) as f64 * days as f64;
    if elapsed_days < 1.0 {
        return Ok(None);
    }
    let so_far = usage
        .df
        .clone()
        .lazy()
        .filter(
            col("ts_ms")
                .gt_eq(lit(start))
                .and(col("ts_ms").lt_eq(lit(as_of_ms))),
        )
        .select([col("cost_usd").sum()])
        .collect()?;
    let cost_so_far_usd = f64_values(&so_far, "cost_usd")?
        .first()
        .copied()
        .unwrap_or(0.0);
    Ok(Some(SpendForecast {
        month: month_label(month),
        cost_so_far_usd,
        elapsed_days,
        days_in_month: days,
        forecast_cost_usd: cost_so_far_usd / elapsed_days * days as f64,
    }))
}
