//! The Plans page (`/plans`): for one month, each developer's API-equivalent cost against their
//! subscription, the recommended plan and the saving; team totals; the history of months; the
//! plan policy in effect; the plan catalog with dates and sources.

pub(crate) mod admin;
pub(crate) mod history;

use std::collections::HashMap;

use agentmeter_metrics::plan_policy::PlanPolicy;
use agentmeter_metrics::plans::PlanLine;
use agentmeter_metrics::rows::PlanRow;
use agentmeter_web::charts::{
    bar_chart, ranked_bars, BarChart, BarLayout, RankedBar, RankedBars, Series, Unit,
};
use agentmeter_web::pages::{
    source_links, EmptyState, KpiCard, Link, PlanCatalogRow, PlanRecommendationRow,
    PlanTeamTotalRow, PlanVerdict, PlansPage,
};
use agentmeter_web::{format, Figure};
use chrono::NaiveDate;

use super::csv::{raw, CsvTable};
use super::{month_name, tool_name};
use crate::analytics::dashboards::PlansData;

/// What the Plans page shows besides the report: the month asked for (`?month=`), the last day
/// of the range (a month ending by then is full) and the plan policy in effect.
pub(crate) struct PlansView<'a> {
    pub requested_month: Option<NaiveDate>,
    pub last_day: NaiveDate,
    pub policy: &'a PlanPolicy,
}

/// The Plans page from the report, for the month asked for or the last full month with data.
pub(crate) fn page(
    chrome: agentmeter_web::pages::PageChrome,
    filters: agentmeter_web::pages::FilterBar,
    data: &PlansData,
    view: &PlansView<'_>,
) -> PlansPage {
    let (report, developers, teams) = (&data.report, &data.developers, &data.teams);
    let month = history::shown_month(report, view.requested_month, view.last_day);
    let lines: Vec<&PlanLine> = report
        .lines
        .iter()
        .filter(|l| Some(&l.month) == month.as_ref())
        .collect();
    let team_of: HashMap<i64, String> = developers
        .iter()
        .map(|d| {
            (
                d.user_id,
                d.teams
                    .iter()
                    .filter_map(|id| teams.iter().find(|t| t.id == *id))
                    .map(|t| t.name.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        })
        .collect();
    let email_of: HashMap<i64, &str> = developers
        .iter()
        .map(|d| (d.user_id, d.email.as_str()))
        .collect();
    let mut rows: Vec<PlanRecommendationRow> = lines
        .iter()
        .map(|l| recommendation(l, &team_of, &email_of, &filters))
        .collect();
    rows.sort_by(|a, b| b.saving.sort.total_cmp(&a.saving.sort));
    let month_label = month.as_deref().map_or_else(String::new, month_name);
    let team_of_ref = &team_of;
    let lines_ref = &lines;
    let in_team = move |team: &str| -> Vec<&PlanLine> {
        lines_ref
            .iter()
            .copied()
            .filter(|l| {
                team_of_ref
                    .get(&l.user_id)
                    .is_some_and(|n| n.split(", ").any(|n| n == team))
            })
            .collect()
    };
    PlansPage {
        empty: report.months.is_empty().then(|| EmptyState {
            title: "No plans to compare yet".into(),
            message: "Plan recommendations need usage in the selected months and a plan catalog with prices. \
                      Add your subscription plans, then assign each developer their current plan."
                .into(),
            steps: vec!["PUT /api/v1/users/{email}/plan  {\"plan_id\": …}".into()],
            action: Some(Link { label: "Open the plan catalog".into(), href: "/admin/plans".into() }),
        }),
        months: history::month_choices(report, month.as_deref()),
        history: history::history(report, month.as_deref(), &filters),
        policy: history::policy_sentences(view.policy),
        month_key: month.clone().unwrap_or_default(),
        kpis: kpis(&lines, &month_label),
        saving_chart: ranked_bars(&RankedBars {
            title: format!("Monthly saving per developer, {month_label} (USD)"),
            unit: Unit::Usd,
            items: rows.iter().map(|r| RankedBar { label: r.developer.clone(), value: r.saving.sort }).collect(),
            limit: 10,
        }),
        cost_vs_plan_chart: cost_vs_plan_chart(&rows, &month_label),
        teams: report
            .teams
            .iter()
            .filter(|t| Some(&t.month) == month.as_ref())
            .map(|t| PlanTeamTotalRow {
                team: t.team.clone(),
                developers: Figure::count(in_team(&t.team).iter().map(|l| l.user_id).collect::<std::collections::BTreeSet<_>>().len() as i64),
                api_cost: Figure::usd(in_team(&t.team).iter().map(|l| l.api_cost_usd).sum()),
                current_cost: Figure::usd(t.paid_now_usd),
                recommended_cost: Figure::usd(t.recommended_usd),
                saving: Figure::usd(t.monthly_saving_usd),
            })
            .collect(),
        catalog: data.catalog.iter().map(catalog_row).collect(),
        developers: rows,
        month: month_label,
        chrome,
        filters,
    }
}

fn kpis(lines: &[&PlanLine], month: &str) -> Vec<KpiCard> {
    let sum = |f: fn(&PlanLine) -> f64| lines.iter().map(|l| f(l)).sum::<f64>();
    let (paid, api, recommended, saving) = (
        sum(|l| l.current_cost_usd),
        sum(|l| l.api_cost_usd),
        sum(|l| l.recommended_cost_usd),
        sum(|l| l.monthly_saving_usd),
    );
    let movers = lines
        .iter()
        .filter(|l| l.recommended_plan != l.current_plan)
        .count();
    vec![
        KpiCard::new(
            "Paid for plans",
            format::usd_whole(paid),
            format!("{month}, {} developer-tool seats", lines.len()),
        ),
        KpiCard::new(
            "API-equivalent cost",
            format::usd_whole(api),
            "the same usage at list API prices",
        ),
        KpiCard::new(
            "With recommended plans",
            format::usd_whole(recommended),
            format!("{movers} developers would change plan"),
        ),
        KpiCard::new(
            "Monthly saving",
            format::usd_whole(saving),
            if paid > 0.0 {
                format!("{} of today's plan spend", format::percent(saving / paid))
            } else {
                "no plan spend yet".into()
            },
        ),
    ]
}

fn verdict(l: &PlanLine) -> PlanVerdict {
    if l.recommended_plan == l.current_plan {
        PlanVerdict::Keep
    } else if l.current_limit_exceeded {
        PlanVerdict::Upgrade
    } else if l.payg_would_save {
        PlanVerdict::PayAsYouGo
    } else if l.monthly_saving_usd > 0.0 {
        PlanVerdict::Downgrade
    } else {
        PlanVerdict::Upgrade
    }
}

fn recommendation(
    l: &PlanLine,
    team_of: &HashMap<i64, String>,
    email_of: &HashMap<i64, &str>,
    filters: &agentmeter_web::pages::FilterBar,
) -> PlanRecommendationRow {
    PlanRecommendationRow {
        developer: l.name.clone(),
        developer_href: email_of.get(&l.user_id).map(|e| {
            let path = format!("/developers/{}", agentmeter_web::url::email_segment(e));
            filters.link(&path, &[])
        }),
        team: format!(
            "{} · {}",
            team_of.get(&l.user_id).map_or("", String::as_str),
            tool_name(l.tool)
        )
        .trim_start_matches(" · ")
        .to_owned(),
        api_cost: Figure::usd(l.api_cost_usd),
        current_plan: if l.current_plan.is_empty() {
            "None".into()
        } else {
            l.current_plan.clone()
        },
        current_cost: Figure::usd(l.current_cost_usd),
        recommended_plan: l.recommended_plan.clone(),
        recommended_cost: Figure::usd(l.recommended_cost_usd),
        saving: Figure::usd(l.monthly_saving_usd),
        verdict: verdict(l),
    }
}

fn cost_vs_plan_chart(rows: &[PlanRecommendationRow], month: &str) -> String {
    let top: Vec<&PlanRecommendationRow> = rows.iter().take(8).collect();
    bar_chart(&BarChart {
        title: format!("API-equivalent cost vs plan price per developer, {month} (USD)"),
        unit: Unit::Usd,
        categories: top
            .iter()
            .map(|r| {
                r.developer
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect(),
        series: vec![
            Series::new(
                "API-equivalent",
                top.iter().map(|r| r.api_cost.sort).collect(),
            ),
            Series::new(
                "Plan price",
                top.iter().map(|r| r.current_cost.sort).collect(),
            ),
        ],
        layout: BarLayout::Grouped,
    })
}

fn catalog_row(p: &PlanRow) -> PlanCatalogRow {
    let limits: Vec<String> = [
        (p.limit_5h_usd, "per 5 hours"),
        (p.limit_week_usd, "per week"),
    ]
    .iter()
    .filter_map(|(v, w)| v.map(|v| format!("{} {w}", format::usd_whole(v))))
    .collect();
    PlanCatalogRow {
        tool: p.vendor.clone(),
        plan: p.name.clone(),
        monthly_price: p
            .usd_per_seat_month
            .map_or_else(Figure::missing, Figure::usd),
        included: if limits.is_empty() {
            format!("{:?}", p.kind)
                .replace("UsageBased", "Usage-based")
                .replace("NotComparable", "Custom")
        } else {
            format!("Up to {} of API usage", limits.join(", "))
        },
        valid_from: p.valid_from.map_or_else(|| "—".into(), format::date),
        valid_to: p.valid_to.map_or_else(String::new, format::date),
        sources: source_links(&p.source),
        source_text: p.source.clone(),
    }
}

/// Every table of the page, for CSV export.
pub(crate) fn tables(page: &PlansPage) -> Vec<CsvTable> {
    let devs = page.developers.iter().fold(
        CsvTable::new(
            "plan-recommendations",
            vec![
                "developer",
                "team",
                "api_cost_usd",
                "current_plan",
                "current_cost_usd",
                "recommended_plan",
                "recommended_cost_usd",
                "saving_usd",
                "verdict",
            ],
        ),
        |t, r| {
            t.row(vec![
                r.developer.clone(),
                r.team.clone(),
                raw(&r.api_cost),
                r.current_plan.clone(),
                raw(&r.current_cost),
                r.recommended_plan.clone(),
                raw(&r.recommended_cost),
                raw(&r.saving),
                r.verdict.label().into(),
            ])
        },
    );
    let teams = page.teams.iter().fold(
        CsvTable::new(
            "plan-team-totals",
            vec![
                "team",
                "developers",
                "api_cost_usd",
                "current_cost_usd",
                "recommended_cost_usd",
                "saving_usd",
            ],
        ),
        |t, r| {
            t.row(vec![
                r.team.clone(),
                raw(&r.developers),
                raw(&r.api_cost),
                raw(&r.current_cost),
                raw(&r.recommended_cost),
                raw(&r.saving),
            ])
        },
    );
    let catalog = page.catalog.iter().fold(
        CsvTable::new(
            "plan-catalog",
            vec![
                "vendor",
                "plan",
                "monthly_price_usd",
                "included",
                "valid_from",
                "valid_to",
                "source",
            ],
        ),
        |t, r| {
            t.row(vec![
                r.tool.clone(),
                r.plan.clone(),
                raw(&r.monthly_price),
                r.included.clone(),
                r.valid_from.clone(),
                r.valid_to.clone(),
                r.source_text.clone(),
            ])
        },
    );
    let months = page.history.iter().fold(
        CsvTable::new(
            "plan-months",
            vec![
                "month",
                "developers",
                "api_cost_usd",
                "paid_now_usd",
                "recommended_usd",
                "saving_usd",
                "plan_changes",
            ],
        ),
        |t, r| {
            t.row(vec![
                r.month.clone(),
                raw(&r.developers),
                raw(&r.api_cost),
                raw(&r.paid_now),
                raw(&r.recommended),
                raw(&r.saving),
                raw(&r.plan_changes),
            ])
        },
    );
    vec![devs, months, teams, catalog]
}
