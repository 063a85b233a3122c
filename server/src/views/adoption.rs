//! The Adoption page (`/adoption`): weekly active developers against seats, the ramp since
//! rollout, how concentrated usage is, and who has not started.

use std::collections::{HashMap, HashSet};

use chrono::Datelike;

use agentmeter_metrics::adoption::AdoptionReport;
use agentmeter_metrics::calendar::DateRange;
use agentmeter_metrics::rows::{DeveloperRow, TeamRow};
use agentmeter_web::charts::{
    line_chart, ranked_bars, LineChart, RankedBar, RankedBars, Series, Unit,
};
use agentmeter_web::pages::{
    AdoptionPage, AdoptionTeamRow, EmptyState, FilterBar, KpiCard, NotStartedRow, PageChrome,
};
use agentmeter_web::{format, Figure};

use super::csv::{raw, CsvTable};
use super::timeline;
use crate::analytics::dashboards::AdoptionData;
use crate::analytics::params::Listing;

/// The Adoption page from its reports.
pub(crate) fn page(chrome: PageChrome, filters: FilterBar, data: &AdoptionData) -> AdoptionPage {
    let report = &data.report;
    AdoptionPage {
        chrome,
        filters,
        empty: (report.developers == 0)
            .then(|| EmptyState::install_uploader("<this server's URL>")),
        kpis: kpis(report),
        actives_chart: actives_chart(report),
        ramp_chart: ramp_chart(report),
        concentration_chart: concentration_chart(report),
        concentration_note: concentration_note(report),
        teams: data
            .by_team
            .iter()
            .map(|(name, report)| team_row(name, report))
            .collect(),
        not_started: not_started(report, &data.developers, &data.teams, &data.with_token),
        not_started_pager: None,
    }
}

/// Cuts the seats-without-usage list to the search (`q`: name, e-mail or team) and, unless
/// `paged` is false (CSV: every match), to its page (`page`), with the pager under it.
pub(crate) fn list_not_started(
    mut page: AdoptionPage,
    listing: &Listing,
    paged: bool,
) -> AdoptionPage {
    let rows = std::mem::take(&mut page.not_started);
    let fields = |r: &NotStartedRow| vec![r.name.clone(), r.email.clone(), r.team.clone()];
    let (rows, pager) = super::cut(rows, listing, paged, (&page.filters, "page"), fields);
    page.not_started = rows;
    page.not_started_pager = pager;
    page
}

/// Weekly actives vs seats, adoption rate, not started, concentration. "Active last week" is the
/// last week wholly inside the range: a week cut by the range's ends would read as a drop.
fn kpis(report: &AdoptionReport) -> Vec<KpiCard> {
    let last =
        report.weeks.iter().rev().find(|w| {
            w.week_start >= report.from && w.week_start + chrono::Days::new(6) <= report.to
        });
    let active = last.map_or(0, |w| w.active_developers);
    let started = report
        .per_developer
        .iter()
        .filter(|d| d.first_use.is_some())
        .count();
    vec![
        KpiCard::new(
            "Active last week",
            format!(
                "{} of {}",
                format::integer(active as i64),
                format::integer(report.seats as i64)
            ),
            last.map_or_else(
                || "no whole week in range".into(),
                |w| {
                    format!(
                        "developers active in the week of {} vs seats",
                        format::short_date(w.week_start)
                    )
                },
            ),
        ),
        KpiCard::new(
            "Have started",
            if report.developers > 0 {
                format::percent(started as f64 / report.developers as f64)
            } else {
                "—".into()
            },
            format!(
                "{} of {} developers have used an assistant",
                format::integer(started as i64),
                format::integer(report.developers as i64)
            ),
        ),
        KpiCard::new(
            "Not started",
            format::integer(report.not_started.len() as i64),
            "developers with no session yet",
        )
        .alerting(!report.not_started.is_empty()),
        KpiCard::new(
            "Top 20% share",
            report
                .concentration
                .top20_share_pct
                .map_or_else(|| "—".into(), |p| format::percent(p / 100.0)),
            format!(
                "of spend, from the top {} developers",
                report.concentration.top_developers
            ),
        ),
    ]
}

fn actives_chart(report: &AdoptionReport) -> String {
    // The engine lists every week of the range; a week the range cuts is marked.
    let cut: Vec<chrono::NaiveDate> = DateRange {
        from: report.from,
        to: report.to,
    }
    .weeks()
    .iter()
    .filter(|w| w.partial)
    .map(|w| w.start)
    .collect();
    let starts_of_weeks = report.weeks.iter().map(|w| {
        let monday = w.week_start
            - chrono::TimeDelta::days(i64::from(w.week_start.weekday().num_days_from_monday()));
        (monday, cut.contains(&monday))
    });
    line_chart(&LineChart {
        title: timeline::title_noting_partial_weeks(
            "Weekly active developers vs seats",
            !cut.is_empty(),
        ),
        unit: Unit::Count,
        periods: starts_of_weeks
            .map(|(monday, partial)| timeline::week_label(monday, partial))
            .collect(),
        series: vec![
            Series::new(
                "Active developers",
                report
                    .weeks
                    .iter()
                    .map(|w| w.active_developers as f64)
                    .collect(),
            ),
            Series::reference(
                "Seats",
                report.weeks.iter().map(|w| w.seats as f64).collect(),
            ),
        ],
        area: true,
    })
}

/// Developers who have started by each week, every week from the first use on.
fn ramp_chart(report: &AdoptionReport) -> String {
    let weeks = &report.started_by_week;
    line_chart(&LineChart {
        title: timeline::title_noting_partial_weeks(
            "Developers who have started, cumulative",
            weeks.iter().any(|w| w.partial),
        ),
        unit: Unit::Count,
        periods: weeks
            .iter()
            .map(|w| timeline::week_label(w.week_start, w.partial))
            .collect(),
        series: vec![Series::new(
            "Started",
            weeks.iter().map(|w| w.developers_started as f64).collect(),
        )],
        area: true,
    })
}

fn concentration_chart(report: &AdoptionReport) -> String {
    let total: f64 = report.per_developer.iter().map(|d| d.cost_usd).sum();
    let items = report
        .per_developer
        .iter()
        .map(|d| RankedBar {
            label: d.name.clone(),
            value: if total > 0.0 { d.cost_usd / total } else { 0.0 },
        })
        .collect();
    ranked_bars(&RankedBars {
        title: "Share of spend by developer".into(),
        unit: Unit::Percent,
        items,
        limit: 10,
    })
}

fn concentration_note(report: &AdoptionReport) -> String {
    match report.concentration.top20_share_pct {
        Some(p) => format!(
            "The top {} of {} developers account for {} of spend.",
            report.concentration.top_developers,
            report.concentration.developers,
            format::percent(p / 100.0)
        ),
        None => "Nothing was spent in this period.".into(),
    }
}

/// A team's adoption, from that team's report.
fn team_row(team: &str, report: &AdoptionReport) -> AdoptionTeamRow {
    let active = report.weeks.last().map_or(0, |w| w.active_developers);
    let base = report.seats.max(report.developers);
    AdoptionTeamRow {
        team: team.to_owned(),
        seats: Figure::count(report.seats as i64),
        weekly_active: Figure::count(active as i64),
        adoption: if base > 0 {
            Figure::percent(active as f64 / base as f64)
        } else {
            Figure::missing()
        },
        developers: Figure::count(report.developers as i64),
        top_share: report
            .concentration
            .top20_share_pct
            .map_or_else(Figure::missing, |p| Figure::percent(p / 100.0)),
    }
}

fn not_started(
    report: &AdoptionReport,
    developers: &[DeveloperRow],
    teams: &[TeamRow],
    with_token: &HashSet<String>,
) -> Vec<NotStartedRow> {
    let by_id: HashMap<i64, &DeveloperRow> = developers.iter().map(|d| (d.user_id, d)).collect();
    report
        .not_started
        .iter()
        .map(|n| {
            let dev = by_id.get(&n.user_id);
            let team_names = dev.map_or_else(String::new, |d| {
                d.teams
                    .iter()
                    .filter_map(|id| teams.iter().find(|t| t.id == *id))
                    .map(|t| t.name.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            });
            let email = dev.map_or_else(String::new, |d| d.email.clone());
            NotStartedRow {
                name: n.name.clone(),
                has_token: with_token.contains(&email),
                email,
                team: team_names,
            }
        })
        .collect()
}

/// Every table of the page, for CSV export.
pub(crate) fn tables(page: &AdoptionPage) -> Vec<CsvTable> {
    let not_started = page.not_started.iter().fold(
        CsvTable::new(
            "not-started",
            vec!["name", "email", "team", "has_api_token"],
        ),
        |t, d| {
            t.row(vec![
                d.name.clone(),
                d.email.clone(),
                d.team.clone(),
                d.has_token.to_string(),
            ])
        },
    );
    let teams = page.teams.iter().fold(
        CsvTable::new(
            "adoption-by-team",
            vec![
                "team",
                "seats",
                "weekly_active",
                "adoption_ratio",
                "developers",
                "top20_share_ratio",
            ],
        ),
        |t, r| {
            t.row(vec![
                r.team.clone(),
                raw(&r.seats),
                raw(&r.weekly_active),
                raw(&r.adoption),
                raw(&r.developers),
                raw(&r.top_share),
            ])
        },
    );
    vec![not_started, teams]
}
