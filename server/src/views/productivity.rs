//! The Productivity page (`/productivity`): merged pull requests per developer-week before and
//! after adopting an assistant, per team and per developer, with intervals and sample sizes.

use agentmeter_metrics::productivity::{
    BeforeAfter, DeveloperProductivity, DeveloperStatus, Lift, NonAdopterComparison,
    ProductivityReport,
};
use agentmeter_web::charts::{interval_chart, IntervalChart, IntervalEstimate, Unit};
use agentmeter_web::pages::{
    EmptyState, FilterBar, GuardrailRow, KpiCard, LiftRow, LiftVerdict, PageChrome,
    ProductivityPage,
};
use agentmeter_web::{format, Figure};

use super::csv::{raw, CsvTable};

/// The Productivity page from the report of its scope and the lift of each team.
pub(crate) fn page(
    chrome: PageChrome,
    filters: FilterBar,
    overall: &ProductivityReport,
    teams: &[(String, Lift)],
) -> ProductivityPage {
    let team_rows = teams
        .iter()
        .map(|(name, lift)| team_row(name, lift, &filters))
        .collect();
    ProductivityPage {
        chrome,
        filters,
        empty: empty(overall),
        metric: "merged pull requests per developer-week".into(),
        method: format!(
            "Each developer's weekly rate over the {} weeks before their first assistant session is compared with \
             their rate after a {}-week ramp; the team lift is the change in the mean rate, with a 90% bootstrap interval \
             over developers. Developers without history before adoption are left out. The net lift subtracts how the \
             merged pull requests of developers without an assistant moved over the same weeks.",
            overall.baseline_weeks, overall.ramp_weeks
        ),
        lift_chart: lift_chart(teams),
        headline: vec![
            lift_card(&overall.merged_prs_per_week),
            net_lift_card(&overall.non_adopters),
        ],
        guardrails: guardrails(overall),
        teams: team_rows,
        activity: Vec::new(),
        developers: overall.per_developer.iter().filter(|d| d.status == DeveloperStatus::Included).map(developer_row).collect(),
    }
}

fn empty(report: &ProductivityReport) -> Option<EmptyState> {
    (report.per_developer.is_empty()).then(|| EmptyState {
        title: "Nobody to measure yet".into(),
        message: "Productivity compares each developer's merged pull requests before and after their first assistant \
                  session. Connect your repositories' webhooks and match git identities so pull requests find their authors."
            .into(),
        steps: Vec::new(),
        action: Some(agentmeter_web::pages::Link { label: "Set up webhooks".into(), href: "/admin/webhooks".into() }),
    })
}

/// The team lift in merged PRs, with its interval.
fn lift_card(lift: &Lift) -> KpiCard {
    let basis = format!(
        "Merged PRs per developer-week · 90% interval {} · {} developers",
        interval_text(lift),
        lift.developers
    );
    match (lift.sufficient_data, lift.lift_pct) {
        (true, Some(p)) => KpiCard::new("Lift", format::signed_percent(p / 100.0), basis)
            .measuring("productivity.merged_prs_per_week.lift_pct"),
        _ => KpiCard::new("Lift", "Not enough data", basis),
    }
}

/// `+12.5 pts`: a difference of two percentages.
fn signed_points(pp: f64) -> String {
    format::signed_percent(pp / 100.0).replace('%', " pts")
}

/// The lift net of what developers without an assistant did over the same weeks.
fn net_lift_card(c: &NonAdopterComparison) -> KpiCard {
    let label = "Net of non-adopters";
    match (c.net_lift_pp, c.ci_low_pp, c.ci_high_pp, c.change_pct) {
        (Some(net), Some(low), Some(high), Some(change)) => KpiCard::new(
            label,
            signed_points(net),
            format!(
                "90% interval {} to {} · {} developers without an assistant changed {} over the same weeks",
                signed_points(low),
                signed_points(high),
                c.developers,
                format::signed_percent(change / 100.0)
            ),
        )
        .measuring("productivity.non_adopters.net_lift_pp"),
        _ => KpiCard::new(
            label,
            "Not enough data",
            format!(
                "Needs 2 or more developers without an assistant who merged PRs during the adopters' baselines ({} here)",
                c.developers
            ),
        ),
    }
}

/// One guardrail: `value` formats a side, `field` names it in the API's answer.
fn guardrail(
    name: &str,
    detail: &str,
    field: &str,
    figures: &BeforeAfter,
    items: &str,
    value: fn(f64) -> Figure,
) -> GuardrailRow {
    let side = |v: Option<f64>, which: &str| match v {
        Some(v) => (value(v), Some(format!("productivity.{field}.{which}"))),
        None => (Figure::missing(), None),
    };
    let ((before, before_metric), (after, after_metric)) =
        (side(figures.before, "before"), side(figures.after, "after"));
    GuardrailRow {
        name: name.into(),
        detail: detail.into(),
        before,
        after,
        before_metric,
        after_metric,
        sample: format!(
            "{} {items} before · {} after",
            figures.before_n, figures.after_n
        ),
    }
}

/// PR cycle time, PR size and test-line share before and after, as the engine pools them.
fn guardrails(report: &ProductivityReport) -> Vec<GuardrailRow> {
    vec![
        guardrail(
            "PR cycle time",
            "median hours from opening to merge",
            "cycle_time_median_hours",
            &report.cycle_time_median_hours,
            "PRs",
            |h| Figure::new(format!("{h:.1} h"), h),
        ),
        guardrail(
            "PR size",
            "lines added per merged PR (mean)",
            "lines_added_per_pr",
            &report.lines_added_per_pr,
            "PRs",
            |n| Figure::new(format!("{n:.0} lines"), n),
        ),
        guardrail(
            "Test-line share",
            "changed lines in test files, in commits",
            "test_lines_share_pct",
            &report.test_lines_share_pct,
            "commits",
            |p| Figure::percent(p / 100.0),
        ),
    ]
}

/// `+6.0% to +31.0%`, or a dash when there is no interval.
pub(crate) fn interval_text(lift: &Lift) -> String {
    match (lift.ci_low_pct, lift.ci_high_pct) {
        (Some(low), Some(high)) => format!(
            "{} to {}",
            format::signed_percent(low / 100.0),
            format::signed_percent(high / 100.0)
        ),
        _ => "—".into(),
    }
}

fn per_week(value: f64) -> Figure {
    Figure::new(format!("{value:.1} PRs"), value)
}

/// One team's row, opening that team under the page's other filters.
fn team_row(name: &str, lift: &Lift, filters: &FilterBar) -> LiftRow {
    let verdict = match (lift.sufficient_data, lift.ci_low_pct, lift.ci_high_pct) {
        (true, Some(low), Some(high)) => LiftVerdict::from_interval(low, high),
        _ => LiftVerdict::Inconclusive,
    };
    LiftRow {
        name: name.to_owned(),
        href: Some(filters.link("/productivity", &[("team", name)])),
        detail: format!("{} developers measured", lift.developers),
        before: per_week(lift.before_per_week),
        after: per_week(lift.after_per_week),
        lift: lift
            .lift_pct
            .map_or_else(Figure::missing, |p| Figure::signed_percent(p / 100.0)),
        interval: interval_text(lift),
        sample: if lift.sufficient_data {
            format!("{} devs", lift.developers)
        } else {
            format!("{} devs · too few", lift.developers)
        },
        verdict,
    }
}

fn developer_row(d: &DeveloperProductivity) -> LiftRow {
    let rate = |n: i64, weeks: f64| {
        if weeks > 0.0 {
            n as f64 / weeks
        } else {
            f64::NAN
        }
    };
    let (before, after) = (
        rate(d.merged_prs_before, d.baseline_weeks),
        rate(d.merged_prs_after, d.after_weeks),
    );
    let lift = if before > 0.0 && after.is_finite() {
        Figure::signed_percent(after / before - 1.0)
    } else {
        Figure::missing()
    };
    LiftRow {
        name: d.name.clone(),
        href: None,
        detail: d.first_use.map_or_else(String::new, |day| {
            format!("first session {}", format::date(day))
        }),
        before: if before.is_finite() {
            per_week(before)
        } else {
            Figure::missing()
        },
        after: if after.is_finite() {
            per_week(after)
        } else {
            Figure::missing()
        },
        lift,
        interval: "—".into(),
        sample: format!("{:.0} + {:.0} wk", d.baseline_weeks, d.after_weeks),
        verdict: LiftVerdict::Inconclusive,
    }
}

/// Lift per team with its interval; teams without enough data are left out of the chart.
pub(crate) fn lift_chart(teams: &[(String, Lift)]) -> String {
    let items = teams
        .iter()
        .filter_map(|(name, l)| {
            let (estimate, low, high) = (l.lift_pct?, l.ci_low_pct?, l.ci_high_pct?);
            Some(IntervalEstimate {
                label: name.clone(),
                note: format!("n = {} developers", l.developers),
                estimate: estimate / 100.0,
                low: low / 100.0,
                high: high / 100.0,
            })
        })
        .collect();
    interval_chart(&IntervalChart {
        title: "Lift in merged PRs per developer-week, 90% interval".into(),
        unit: Unit::Percent,
        items,
    })
}

fn lift_table(name: &str, rows: &[LiftRow]) -> CsvTable {
    let mut t = CsvTable::new(
        name,
        vec![
            "name",
            "detail",
            "before_per_week",
            "after_per_week",
            "lift_ratio",
            "interval",
            "sample",
            "reading",
        ],
    );
    for r in rows {
        t = t.row(vec![
            r.name.clone(),
            r.detail.clone(),
            raw(&r.before),
            raw(&r.after),
            raw(&r.lift),
            r.interval.clone(),
            r.sample.clone(),
            r.verdict.label().into(),
        ]);
    }
    t
}

fn guardrail_table(rows: &[GuardrailRow]) -> CsvTable {
    let mut t = CsvTable::new("guardrails", vec!["measure", "before", "after", "sample"]);
    for r in rows {
        t = t.row(vec![
            r.name.clone(),
            raw(&r.before),
            raw(&r.after),
            r.sample.clone(),
        ]);
    }
    t
}

/// Every table of the page, for CSV export.
pub(crate) fn tables(page: &ProductivityPage) -> Vec<CsvTable> {
    vec![
        guardrail_table(&page.guardrails),
        lift_table("lift-by-team", &page.teams),
        lift_table("lift-by-developer", &page.developers),
    ]
}
