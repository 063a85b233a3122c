//! Cost versus subscription: per developer, month and vendor, the API-equivalent cost, what the
//! current plan costs, 5-hour windows and weeks, the cheapest covering plan and the saving
//! (definitions in docs/metrics.md, section "Cost versus subscription").

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use chrono_tz::Tz;
use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::blocks::{p90, windows, HOUR_MS};
use crate::calendar::{date_of, local_date, month_first_day, month_index, month_label, DateRange};
use crate::error::Result;
use crate::frames::{f64_values, i64_values, UsageFrame};
use crate::plan_policy::{short_of_minimum, PlanPolicy};
use crate::plan_totals::{month_totals, team_totals};
pub use crate::plan_totals::{PlanMonthTotal, TeamPlanTotal};
use crate::rows::{tool_code, DeveloperRow, PlanKind, PlanRow, TeamRow, Tool};

/// Label of the implicit pay-as-you-go option.
pub const PAY_AS_YOU_GO: &str = "pay-as-you-go";

/// Parameters of [`plans_report`].
#[derive(Debug, Clone)]
pub struct PlansParams {
    /// Every calendar month the range touches is reported, whole.
    pub range: DateRange,
    /// Organisation time zone.
    pub tz: Tz,
    /// A seat is underused when the month's API-equivalent cost is below this share of its price.
    pub underused_fraction: f64,
    /// What the recommendations may propose.
    pub policy: PlanPolicy,
    /// The developers whose lines the report keeps (`None`: all); seat minimums count everyone.
    pub in_scope: Option<Vec<i64>>,
}

/// One developer, month and tool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanLine {
    pub user_id: i64,
    pub name: String,
    /// `2026-11`.
    pub month: String,
    /// `claude-code` or `codex`.
    pub tool: Tool,
    /// Plan vendor covering the tool.
    pub vendor: String,
    /// API-equivalent cost of the month (known prices only).
    pub api_cost_usd: f64,
    /// Events with unknown price (not in `api_cost_usd`).
    pub unknown_cost_events: i64,
    /// Current plan id; `None` = pay-as-you-go.
    pub current_plan_id: Option<i64>,
    pub current_plan: String,
    /// What the current plan costs this month.
    pub current_cost_usd: f64,
    /// 5-hour windows starting this month.
    pub windows: usize,
    pub window_p90_usd: Option<f64>,
    pub window_max_usd: Option<f64>,
    /// Calendar weeks with usage whose Monday is in this month.
    pub weeks: usize,
    pub week_p90_usd: Option<f64>,
    /// Recommended plan id; `None` = pay-as-you-go.
    pub recommended_plan_id: Option<i64>,
    pub recommended_plan: String,
    pub recommended_cost_usd: f64,
    /// `max(current - recommended, 0)`.
    pub monthly_saving_usd: f64,
    /// The current flat plan's limits are below the p90 window or week.
    pub current_limit_exceeded: bool,
    /// Pay-as-you-go today, and a flat plan would be cheaper.
    pub payg_would_save: bool,
    /// A paid seat used for less than `underused_fraction` of its price.
    pub seat_underused: bool,
}

/// The `/api/v1/metrics/plans` report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlansReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Ordered by month, user id, tool.
    pub lines: Vec<PlanLine>,
    /// Ordered by month, team id.
    pub teams: Vec<TeamPlanTotal>,
    /// One per month with lines, oldest first.
    pub months: Vec<PlanMonthTotal>,
}

#[derive(Default)]
struct Usage {
    cost: f64,
    unknown: i64,
    events: i64,
    windows: Vec<f64>,
    weeks: Vec<f64>,
}

type Key = (i32, i64, u32); // month, user, tool code

fn collect_usage(usage: &UsageFrame, tz: Tz, months: &[i32]) -> Result<BTreeMap<Key, Usage>> {
    let lf = usage.df.clone().lazy();
    let mut out: BTreeMap<Key, Usage> = BTreeMap::new();
    let unknown = when(col("cost_usd").is_null())
        .then(col("events"))
        .otherwise(lit(0i64))
        .sum()
        .alias("unknown");
    let monthly = lf
        .clone()
        .group_by([col("month"), col("user_id"), col("tool")])
        .agg([col("cost_usd").sum(), unknown, col("events").sum()])
        .collect()?;
    let (m, u, t, c, n) = (
        i64_values(&monthly, "month")?,
        i64_values(&monthly, "user_id")?,
        i64_values(&monthly, "tool")?,
        f64_values(&monthly, "cost_usd")?,
        i64_values(&monthly, "unknown")?,
    );
    let events = i64_values(&monthly, "events")?;
    for i in 0..m.len() {
        let e = out.entry((m[i] as i32, u[i], t[i] as u32)).or_default();
        e.cost += c[i];
        e.unknown += n[i];
        e.events += events[i];
    }
    // Hourly sums give exactly the windows of the raw events (see `blocks`).
    let hourly = lf
        .clone()
        .with_column((col("ts_ms") / lit(HOUR_MS) * lit(HOUR_MS)).alias("hour"))
        .group_by([col("user_id"), col("tool"), col("hour")])
        .agg([col("cost_usd").sum()])
        .sort(["user_id", "tool", "hour"], SortMultipleOptions::default())
        .collect()?;
    let (u, t, h, c) = (
        i64_values(&hourly, "user_id")?,
        i64_values(&hourly, "tool")?,
        i64_values(&hourly, "hour")?,
        f64_values(&hourly, "cost_usd")?,
    );
    let mut start = 0;
    while start < u.len() {
        let end = (start..u.len())
            .find(|&j| (u[j], t[j]) != (u[start], t[start]))
            .unwrap_or(u.len());
        let points: Vec<(i64, f64)> = (start..end).map(|j| (h[j], c[j])).collect();
        for w in windows(&points) {
            let month = month_index(local_date(w.start_ms, tz)?);
            out.entry((month, u[start], t[start] as u32))
                .or_default()
                .windows
                .push(w.cost_usd);
        }
        start = end;
    }
    let weekly = lf
        .group_by([col("user_id"), col("tool"), col("week")])
        .agg([col("cost_usd").sum()])
        .collect()?;
    let (u, t, w, c) = (
        i64_values(&weekly, "user_id")?,
        i64_values(&weekly, "tool")?,
        i64_values(&weekly, "week")?,
        f64_values(&weekly, "cost_usd")?,
    );
    for i in 0..u.len() {
        let month = month_index(date_of(w[i] as i32)?);
        out.entry((month, u[i], t[i] as u32))
            .or_default()
            .weeks
            .push(c[i]);
    }
    // A week reaching into a month without usage adds to no line of that month.
    out.retain(|k, u| months.contains(&k.0) && u.events > 0);
    Ok(out)
}

/// What a plan costs for a month with `api_cost` of usage (`None` plan = pay-as-you-go).
fn plan_cost(plan: Option<&PlanRow>, api_cost: f64) -> f64 {
    match plan {
        None => api_cost,
        Some(p) if p.kind == PlanKind::Flat => p.usd_per_seat_month.unwrap_or(0.0),
        Some(p) => p.usd_per_seat_month.unwrap_or(0.0) + api_cost,
    }
}

/// Whether a plan's limits cover the p90 window and week (usage-based plans always do).
fn covers(plan: Option<&PlanRow>, window: Option<f64>, week: Option<f64>) -> bool {
    let within =
        |limit: Option<f64>, v: Option<f64>| limit.is_some_and(|l| v.is_none_or(|v| v <= l));
    match plan {
        None => true,
        Some(p) => match p.kind {
            PlanKind::UsageBased => true,
            PlanKind::Flat => {
                p.usd_per_seat_month.is_some()
                    && within(p.limit_5h_usd, window)
                    && within(p.limit_week_usd, week)
            }
            PlanKind::NotComparable => false,
        },
    }
}

fn valid_in(plan: &PlanRow, month: i32) -> Result<bool> {
    let (first, next) = (month_first_day(month)?, month_first_day(month + 1)?);
    Ok(plan.valid_from.is_none_or(|f| f < next) && plan.valid_to.is_none_or(|t| t >= first))
}

/// Cost versus subscription for every developer, month of the range and tool with usage or a plan.
///
/// `usage` must hold the whole months of [`DateRange::load_window_utc_ms`]; windows are assigned
/// to the month they start in, weeks to the month of their Monday. Recommendations only propose
/// what `params.policy` allows; seat minimums count every developer given, so pass the whole
/// organisation and narrow the lines with `params.in_scope`.
pub fn plans_report(
    usage: &UsageFrame,
    developers: &[DeveloperRow],
    teams: &[TeamRow],
    plans: &[PlanRow],
    params: &PlansParams,
) -> Result<PlansReport> {
    let months = params.range.months();
    let mut by_key = collect_usage(usage, params.tz, &months)?;
    let current_of = |dev: &DeveloperRow, tool: Tool| {
        dev.plans
            .iter()
            .filter_map(|id| plans.iter().find(|p| p.id == *id))
            .find(|p| p.vendor == tool.vendor())
    };
    for &month in &months {
        for dev in developers {
            for tool in Tool::ALL {
                if current_of(dev, tool).is_some() {
                    by_key
                        .entry((month, dev.user_id, tool_code(tool)))
                        .or_default();
                }
            }
        }
    }
    let context = LineContext {
        developers,
        plans,
        params,
    };
    // Plans short of their seat minimum in a month are taken out of that month and its
    // recommendations made again, until every recommended plan has its seats.
    let mut excluded: BTreeSet<(i32, i64)> = BTreeSet::new();
    let lines = loop {
        let mut lines = Vec::new();
        let mut takers: BTreeMap<i32, BTreeMap<i64, BTreeSet<i64>>> = BTreeMap::new();
        for (key, u) in &by_key {
            let Some(line) = context.line(*key, u, &excluded)? else {
                continue; // usage of a user who is not a listed developer: outside the caller's scope
            };
            if let Some(plan_id) = line.recommended_plan_id {
                takers
                    .entry(key.0)
                    .or_default()
                    .entry(plan_id)
                    .or_default()
                    .insert(line.user_id);
            }
            lines.push(line);
        }
        let short: Vec<(i32, i64)> = takers
            .iter()
            .flat_map(|(month, by_plan)| {
                short_of_minimum(&params.policy, plans, by_plan)
                    .into_iter()
                    .map(|id| (*month, id))
            })
            .collect();
        if short.is_empty() {
            break lines;
        }
        excluded.extend(short);
    };
    let lines: Vec<PlanLine> = lines
        .into_iter()
        .filter(|l| {
            params
                .in_scope
                .as_ref()
                .is_none_or(|ids| ids.contains(&l.user_id))
        })
        .collect();
    Ok(PlansReport {
        from: params.range.from,
        to: params.range.to,
        teams: team_totals(&lines, developers, teams),
        months: month_totals(&lines),
        lines,
    })
}

/// What every line of a report is computed against.
struct LineContext<'a> {
    developers: &'a [DeveloperRow],
    plans: &'a [PlanRow],
    params: &'a PlansParams,
}

impl LineContext<'_> {
    /// The line of one developer, month and tool; `excluded` (month, plan id) may not be
    /// recommended. `None` when the user is not a listed developer.
    fn line(
        &self,
        (month, user_id, code): Key,
        u: &Usage,
        excluded: &BTreeSet<(i32, i64)>,
    ) -> Result<Option<PlanLine>> {
        let (Some(dev), Some(tool)) = (
            self.developers.iter().find(|d| d.user_id == user_id),
            Tool::ALL.into_iter().find(|t| tool_code(*t) == code),
        ) else {
            return Ok(None);
        };
        let policy = &self.params.policy;
        let current = dev
            .plans
            .iter()
            .filter_map(|id| self.plans.iter().find(|p| p.id == *id))
            .find(|p| p.vendor == tool.vendor());
        let (window_p90, week_p90) = (p90(&u.windows), p90(&u.weeks));
        let current_cost = plan_cost(current, u.cost);
        let allowed = |p: Option<&PlanRow>| match p {
            None => policy.allows_pay_as_you_go(tool.vendor()),
            Some(p) => policy.allows(p) && !excluded.contains(&(month, p.id)),
        };
        let mut candidates: Vec<Option<&PlanRow>> = vec![None];
        for p in self.plans.iter().filter(|p| p.vendor == tool.vendor()) {
            if valid_in(p, month)? {
                candidates.push(Some(p));
            }
        }
        let mut best = (covers(current, window_p90, week_p90) && allowed(current))
            .then_some((current, current_cost));
        for c in candidates
            .into_iter()
            .filter(|c| allowed(*c) && covers(*c, window_p90, week_p90))
        {
            let cost = plan_cost(c, u.cost);
            if best.is_none_or(|b| cost < b.1 - 1e-9) {
                best = Some((c, cost));
            }
        }
        // Nothing the policy allows covers the usage: the advice is to keep what they have.
        let best = best.unwrap_or((current, current_cost));
        let saving = (current_cost - best.1).max(0.0);
        let name =
            |p: Option<&PlanRow>| p.map_or_else(|| PAY_AS_YOU_GO.to_owned(), |p| p.name.clone());
        let flat_price = current
            .filter(|p| p.kind == PlanKind::Flat)
            .and_then(|p| p.usd_per_seat_month);
        Ok(Some(PlanLine {
            user_id,
            name: dev.name.clone(),
            month: month_label(month),
            tool,
            vendor: tool.vendor().to_owned(),
            api_cost_usd: u.cost,
            unknown_cost_events: u.unknown,
            current_plan_id: current.map(|p| p.id),
            current_plan: name(current),
            current_cost_usd: current_cost,
            windows: u.windows.len(),
            window_p90_usd: window_p90,
            window_max_usd: u.windows.iter().copied().reduce(f64::max),
            weeks: u.weeks.len(),
            week_p90_usd: week_p90,
            recommended_plan_id: best.0.map(|p| p.id),
            recommended_plan: name(best.0),
            recommended_cost_usd: best.1,
            monthly_saving_usd: saving,
            current_limit_exceeded: current.is_some_and(|p| p.kind == PlanKind::Flat)
                && !covers(current, window_p90, week_p90),
            payg_would_save: current.is_none() && best.0.is_some() && saving > 0.0,
            seat_underused: flat_price.is_some_and(|price| {
                price > 0.0 && u.cost < self.params.underused_fraction * price
            }),
        }))
    }
}
