//! Adoption: seats vs weekly active developers, sessions and active days per developer, usage
//! concentration (top 20 % share, Gini), the weeks-since-first-use ramp and who has not started
//! (definitions in docs/metrics.md, section "Adoption").

use std::collections::HashMap;

use chrono::NaiveDate;
use chrono_tz::Tz;
use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::calendar::{date_of, day_number, week_of, DateRange};
use crate::error::Result;
use crate::frames::{f64_values, i64_values, UsageFrame};
use crate::rows::DeveloperRow;

/// Parameters of [`adoption_report`].
#[derive(Debug, Clone)]
pub struct AdoptionParams {
    /// Local dates, inclusive.
    pub range: DateRange,
    /// Organisation time zone (the usage frame must have been built with it).
    pub tz: Tz,
}

/// One local week (Monday to Sunday, clipped to the range).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WeekAdoption {
    pub week_start: NaiveDate,
    /// Developers with at least one plan assigned.
    pub seats: usize,
    /// Developers with at least one usage event that week.
    pub active_developers: usize,
    /// `active_developers / seats * 100`; `None` without seats.
    pub active_pct_of_seats: Option<f64>,
}

/// One developer over the range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeveloperAdoption {
    pub user_id: i64,
    pub name: String,
    pub sessions: i64,
    pub active_days: i64,
    pub cost_usd: f64,
    pub tokens: i64,
    /// Local date of the first usage ever (up to `to`).
    pub first_use: Option<NaiveDate>,
}

/// Developers who had started (first use ever) by the end of one calendar week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StartedWeek {
    /// Its Monday.
    pub week_start: NaiveDate,
    /// `to` falls inside it: the count is as of `to`.
    pub partial: bool,
    /// Developers whose first use is on or before the week's last day (or `to`).
    pub developers_started: usize,
}

/// Usage in the n-th week since each developer's first week (week 0 = the week of first use).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RampWeek {
    pub week_index: i64,
    /// Developers whose week `week_index` has begun by `to`.
    pub developers_reached: usize,
    pub active_developers: usize,
    pub cost_usd: f64,
}

/// How concentrated usage (API-equivalent cost in the range) is over all listed developers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Concentration {
    /// All listed developers, zero usage included.
    pub developers: usize,
    /// `ceil(0.2 * developers)`.
    pub top_developers: usize,
    /// Share of the cost taken by the `top_developers` heaviest; `None` when nothing was spent.
    pub top20_share_pct: Option<f64>,
    /// Gini coefficient in [0, 1]; `None` when nothing was spent.
    pub gini: Option<f64>,
}

/// A developer who has never used an assistant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NotStarted {
    pub user_id: i64,
    pub name: String,
}

/// The `/api/v1/metrics/adoption` report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AdoptionReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub seats: usize,
    pub developers: usize,
    pub weeks: Vec<WeekAdoption>,
    pub per_developer: Vec<DeveloperAdoption>,
    pub concentration: Concentration,
    pub ramp: Vec<RampWeek>,
    /// Every week from the earliest first use (or `from`) to `to`.
    pub started_by_week: Vec<StartedWeek>,
    pub not_started: Vec<NotStarted>,
}

/// Share of the total held by the `ceil(20 %)` largest values, and the Gini coefficient
/// `G = 2 Σ i x_(i) / (n Σ x) - (n + 1) / n` over ascending values (i from 1).
pub fn concentration(values: &[f64]) -> Concentration {
    let n = values.len();
    let top = (n * 2).div_ceil(10);
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let total: f64 = sorted.iter().sum();
    let spent = total > 0.0;
    let top_sum: f64 = sorted.iter().rev().take(top).sum();
    let weighted: f64 = sorted
        .iter()
        .enumerate()
        .map(|(i, x)| (i + 1) as f64 * x)
        .sum();
    let nf = n as f64;
    Concentration {
        developers: n,
        top_developers: top,
        top20_share_pct: spent.then(|| top_sum / total * 100.0),
        gini: spent.then(|| 2.0 * weighted / (nf * total) - (nf + 1.0) / nf),
    }
}

/// Adoption over `params.range`. `usage` should hold every row up to `to` (first use and the ramp
/// look at all history).
pub fn adoption_report(
    usage: &UsageFrame,
    developers: &[DeveloperRow],
    params: &AdoptionParams,
) -> Result<AdoptionReport> {
    let (from_day, to_day) = (day_number(params.range.from), day_number(params.range.to));
    let upto = usage
        .df
        .clone()
        .lazy()
        .filter(col("day").lt_eq(lit(to_day)));
    let in_range = upto.clone().filter(col("day").gt_eq(lit(from_day)));
    let seats = developers.iter().filter(|d| !d.plans.is_empty()).count();
    let listed = |u: i64| developers.iter().any(|d| d.user_id == u);

    let weekly = in_range
        .clone()
        .group_by([col("week"), col("user_id")])
        .agg([len().alias("rows")])
        .collect()?;
    let mut active: HashMap<i64, usize> = HashMap::new();
    for (w, u) in i64_values(&weekly, "week")?
        .into_iter()
        .zip(i64_values(&weekly, "user_id")?)
    {
        *active.entry(w).or_default() += usize::from(listed(u));
    }
    let weeks = (week_of(from_day)..=to_day)
        .step_by(7)
        .map(|w| {
            let n = active.get(&i64::from(w)).copied().unwrap_or(0);
            Ok(WeekAdoption {
                week_start: date_of(w)?,
                seats,
                active_developers: n,
                active_pct_of_seats: (seats > 0).then(|| n as f64 / seats as f64 * 100.0),
            })
        })
        .collect::<Result<Vec<_>>>()?;

    let per_user = in_range
        .group_by([col("user_id")])
        .agg([
            col("session").n_unique().alias("sessions"),
            col("day").n_unique().alias("active_days"),
            col("cost_usd").sum(),
            col("tokens").sum(),
        ])
        .collect()?;
    let firsts = upto
        .clone()
        .group_by([col("user_id")])
        .agg([col("day").min().alias("first_day")])
        .collect()?;
    let first: HashMap<i64, i64> = i64_values(&firsts, "user_id")?
        .into_iter()
        .zip(i64_values(&firsts, "first_day")?)
        .collect();
    let (users, sessions, days, costs, tokens) = (
        i64_values(&per_user, "user_id")?,
        i64_values(&per_user, "sessions")?,
        i64_values(&per_user, "active_days")?,
        f64_values(&per_user, "cost_usd")?,
        i64_values(&per_user, "tokens")?,
    );
    let row: HashMap<i64, usize> = users.iter().enumerate().map(|(i, u)| (*u, i)).collect();
    let per_developer = developers
        .iter()
        .map(|d| {
            let i = row.get(&d.user_id).copied();
            Ok(DeveloperAdoption {
                user_id: d.user_id,
                name: d.name.clone(),
                sessions: i.map_or(0, |i| sessions[i]),
                active_days: i.map_or(0, |i| days[i]),
                cost_usd: i.map_or(0.0, |i| costs[i]),
                tokens: i.map_or(0, |i| tokens[i]),
                first_use: first
                    .get(&d.user_id)
                    .map(|f| date_of(*f as i32))
                    .transpose()?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let concentration =
        concentration(&per_developer.iter().map(|d| d.cost_usd).collect::<Vec<_>>());
    let not_started = developers
        .iter()
        .filter(|d| !first.contains_key(&d.user_id))
        .map(|d| NotStarted {
            user_id: d.user_id,
            name: d.name.clone(),
        })
        .collect();
    let ramp = ramp(upto, developers, &first, week_of(to_day))?;
    let started_by_week = started_by_week(&per_developer, params.range)?;
    Ok(AdoptionReport {
        from: params.range.from,
        to: params.range.to,
        seats,
        developers: developers.len(),
        weeks,
        per_developer,
        concentration,
        started_by_week,
        ramp,
        not_started,
    })
}

fn started_by_week(
    per_developer: &[DeveloperAdoption],
    range: DateRange,
) -> Result<Vec<StartedWeek>> {
    let firsts: Vec<NaiveDate> = per_developer.iter().filter_map(|d| d.first_use).collect();
    let earliest = firsts
        .iter()
        .copied()
        .min()
        .map_or(range.from, |f| f.min(range.from));
    Ok(DateRange::new(earliest, range.to)?
        .weeks()
        .into_iter()
        .map(|week| {
            let last = (week.start + chrono::TimeDelta::days(6)).min(range.to);
            StartedWeek {
                week_start: week.start,
                partial: last < week.start + chrono::TimeDelta::days(6),
                developers_started: firsts.iter().filter(|f| **f <= last).count(),
            }
        })
        .collect())
}

fn ramp(
    upto: LazyFrame,
    developers: &[DeveloperRow],
    first: &HashMap<i64, i64>,
    last_week: i32,
) -> Result<Vec<RampWeek>> {
    let first_weeks: Vec<(i64, i64)> = developers
        .iter()
        .filter_map(|d| {
            first
                .get(&d.user_id)
                .map(|f| (d.user_id, i64::from(week_of(*f as i32))))
        })
        .collect();
    let starts = DataFrame::new(
        first_weeks.len(),
        vec![
            Column::new(
                "user_id".into(),
                first_weeks.iter().map(|p| p.0).collect::<Vec<i64>>(),
            ),
            Column::new(
                "first_week".into(),
                first_weeks.iter().map(|p| p.1).collect::<Vec<i64>>(),
            ),
        ],
    )?;
    let by_index = upto
        .join(
            starts.lazy(),
            [col("user_id")],
            [col("user_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .with_column(
            ((col("week").cast(DataType::Int64) - col("first_week")) / lit(7i64))
                .alias("week_index"),
        )
        .group_by([col("week_index")])
        .agg([
            col("user_id").n_unique().alias("active"),
            col("cost_usd").sum(),
        ])
        .sort(["week_index"], SortMultipleOptions::default())
        .collect()?;
    let (idx, act, cost) = (
        i64_values(&by_index, "week_index")?,
        i64_values(&by_index, "active")?,
        f64_values(&by_index, "cost_usd")?,
    );
    Ok(idx
        .iter()
        .enumerate()
        .map(|(i, k)| RampWeek {
            week_index: *k,
            developers_reached: first_weeks
                .iter()
                .filter(|(_, w)| w + 7 * k <= i64::from(last_week))
                .count(),
            active_developers: act[i] as usize,
            cost_usd: cost[i],
        })
        .collect())
}
