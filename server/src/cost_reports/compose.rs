//! The monthly cost report of one recipient, composed from the report functions the API answers
//! with, for the recipient's own scope and the month's dates: every figure in it equals what
//! `/api/v1/metrics/spend`, `/metrics/plans`, `/metrics/adoption` and `/reviews/summary` answer
//! that recipient for `from` = the month's first day, `to` = its last.

use std::collections::HashMap;

use agentmeter_metrics::plans::{PlanLine, PlansReport};
use agentmeter_metrics::spend::{meaningful_change_pct, SpendGroupBy};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::recipients::ReportRecipient;
use crate::analytics::params::SpendQuery;
use crate::analytics::reports;
use crate::auth::scope::{resolve, ScopeFilter};
use crate::budgets::{self, BudgetStatus, Month};
use crate::domain::Role;
use crate::error::Result;
use crate::reviews::summary;
use crate::state::AppState;
use crate::store::uploader_activity;

/// One developer's line.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DeveloperLine {
    pub user_id: i64,
    pub name: String,
    /// API-equivalent cost of the month (spend report, by developer).
    pub cost_usd: f64,
    pub tokens: i64,
    /// Current plans, one per tool used or held (`pay-as-you-go` without one).
    pub current_plans: Vec<String>,
    pub recommended_plans: Vec<String>,
    /// Paid for the month (plans report, summed over the developer's lines).
    pub paid_usd: f64,
    pub saving_usd: f64,
    /// When their uploader last reached the server.
    pub last_upload: Option<DateTime<Utc>>,
}

/// Adoption in the month (adoption report).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AdoptionHeadline {
    pub developers: usize,
    pub seats: usize,
    /// Developers with at least one active day in the month.
    pub active_developers: usize,
    pub not_started: usize,
}

/// Review skips among PRs merged in the month (reviews summary).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ReviewHeadline {
    pub merged: i64,
    pub unreviewed: i64,
    pub rubber_stamped: i64,
    pub skip_rate_pct: Option<f64>,
}

/// A critical AI-assisted PR merged unreviewed in the month.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CriticalMerge {
    pub repository: String,
    pub number: i64,
    pub title: String,
    pub author: Option<String>,
    pub merged_at: DateTime<Utc>,
    /// The PR on its forge.
    pub url: String,
}

/// A recipient's monthly cost report.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CostReport {
    pub month: Month,
    pub recipient: ReportRecipient,
    /// Paid for plans, usage-based plans and pay-as-you-go in the month (Σ `current_cost_usd`).
    pub paid_usd: f64,
    pub paid_previous_month_usd: f64,
    /// `(paid / previous − 1) × 100`; none below the engine's meaningful base.
    pub paid_change_pct: Option<f64>,
    /// API-equivalent value of the month's usage (spend report, the month's `cost_usd`).
    pub api_equivalent_usd: f64,
    /// The spend report's month-over-month change.
    pub api_equivalent_change_pct: Option<f64>,
    pub tokens: i64,
    /// Usage whose price is unknown, not in the dollar figures.
    pub unknown_cost_events: i64,
    /// What the recommended plans would cost (Σ `recommended_cost_usd`).
    pub recommended_usd: f64,
    /// Σ `monthly_saving_usd`.
    pub possible_saving_usd: f64,
    pub budgets: Vec<BudgetStatus>,
    pub developers: Vec<DeveloperLine>,
    pub adoption: AdoptionHeadline,
    pub reviews: ReviewHeadline,
    pub critical_unreviewed: Vec<CriticalMerge>,
}

fn month_lines(plans: &PlansReport, month: Month) -> Vec<&PlanLine> {
    let label = month.to_string();
    plans.lines.iter().filter(|l| l.month == label).collect()
}

/// Composes `recipient`'s report for `month`.
pub async fn compose(
    state: &AppState,
    recipient: &ReportRecipient,
    month: Month,
) -> Result<CostReport> {
    let caller = recipient.as_caller();
    let scope = resolve(state, &caller, &ScopeFilter::default()).await?;
    let spend_query = SpendQuery {
        range: month.range(),
        group_by: SpendGroupBy::Developer,
        tool: None,
    };
    let (spend, plans, plans_before, adoption, review_data, all_budgets, activity) = tokio::try_join!(
        reports::spend(state, &scope, &spend_query),
        reports::plans(state, &scope, month.range()),
        reports::plans(state, &scope, month.previous().range()),
        reports::adoption(state, &scope, month.range()),
        summary::report_with_prs(state, scope.clone(), month.range()),
        budgets::list(&state.db),
        uploader_activity::with_live_tokens(&state.db),
    )?;
    let review = &review_data.0;
    let lines = month_lines(&plans, month);
    let paid_usd: f64 = lines.iter().map(|l| l.current_cost_usd).sum();
    let paid_previous_month_usd: f64 = month_lines(&plans_before, month.previous())
        .iter()
        .map(|l| l.current_cost_usd)
        .sum();
    let this_month = spend.months.iter().find(|m| m.month == month.to_string());
    let managed: Vec<i64> = caller.managed_team_ids();
    let in_scope: Vec<_> = all_budgets
        .into_iter()
        .filter(|b| match b.team_id {
            None => recipient.role == Role::Admin,
            Some(team) => recipient.role == Role::Admin || managed.contains(&team),
        })
        .collect();
    let last_upload: HashMap<i64, i64> = activity
        .iter()
        .filter_map(|a| a.last_used_at.map(|at| (a.user_id, at)))
        .collect();
    let developers = adoption
        .per_developer
        .iter()
        .map(|d| {
            let group = spend.groups.iter().find(|g| g.user_id == Some(d.user_id));
            let own: Vec<&&PlanLine> = lines.iter().filter(|l| l.user_id == d.user_id).collect();
            let plan_names = |name: fn(&PlanLine) -> &String| -> Vec<String> {
                own.iter().map(|l| name(l).clone()).collect()
            };
            DeveloperLine {
                user_id: d.user_id,
                name: d.name.clone(),
                cost_usd: group.map_or(0.0, |g| g.cost_usd),
                tokens: group.map_or(0, |g| g.tokens),
                current_plans: plan_names(|l| &l.current_plan),
                recommended_plans: plan_names(|l| &l.recommended_plan),
                paid_usd: own.iter().map(|l| l.current_cost_usd).sum(),
                saving_usd: own.iter().map(|l| l.monthly_saving_usd).sum(),
                last_upload: last_upload
                    .get(&d.user_id)
                    .and_then(|ms| DateTime::from_timestamp_millis(*ms)),
            }
        })
        .collect();
    let overall = &review.overall.all;
    Ok(CostReport {
        month,
        recipient: recipient.clone(),
        paid_usd,
        paid_previous_month_usd,
        // A report is for a month that has ended.
        paid_change_pct: meaningful_change_pct(paid_usd, paid_previous_month_usd, true),
        api_equivalent_usd: this_month.map_or(0.0, |m| m.cost_usd),
        api_equivalent_change_pct: this_month.and_then(|m| m.change_pct),
        tokens: spend.total.tokens,
        unknown_cost_events: spend.total.unknown_cost_events,
        recommended_usd: lines.iter().map(|l| l.recommended_cost_usd).sum(),
        possible_saving_usd: lines.iter().map(|l| l.monthly_saving_usd).sum(),
        budgets: budgets::statuses(state, month, &in_scope).await?,
        developers,
        adoption: AdoptionHeadline {
            developers: adoption.developers,
            seats: adoption.seats,
            active_developers: adoption
                .per_developer
                .iter()
                .filter(|d| d.active_days > 0)
                .count(),
            not_started: adoption.not_started.len(),
        },
        reviews: ReviewHeadline {
            merged: overall.merged,
            unreviewed: overall.unreviewed,
            rubber_stamped: overall.rubber_stamped,
            skip_rate_pct: overall.skip_rate_pct,
        },
        critical_unreviewed: review
            .alerts
            .iter()
            .map(|a| CriticalMerge {
                repository: a.repository.clone(),
                number: a.number,
                title: a.title.clone(),
                author: a.author.clone(),
                merged_at: a.merged_at,
                url: a.url.clone(),
            })
            .collect(),
    })
}
