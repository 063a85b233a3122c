//! Demo data for the analytics pages: a 40-person organisation over twelve weeks.

use agentmeter_web::charts::{
    bar_chart, interval_chart, line_chart, BarChart, BarLayout, IntervalChart, IntervalEstimate,
    LineChart, Series, Unit,
};
use agentmeter_web::pages::{
    Choice, EmptyState, ErrorPage, FilterBar, FlashKind, KpiCard, LoginPage, NavSection,
    OverviewContent, OverviewPage, OverviewSummary, PageChrome, PullRequestList, ReviewAlertEntry,
    ReviewAlertRow, ReviewSegmentRow, ReviewsPage, Role, SignedInUser,
};
use agentmeter_web::{format, Delta, Figure, Template};

pub type Pages = Vec<(String, String)>;

pub const TEAMS: [&str; 4] = ["Platform", "Payments", "Mobile", "Data & ML"];

pub fn chrome(active: NavSection) -> PageChrome {
    let user = SignedInUser {
        name: "Maya Okafor".into(),
        email: "maya@acme.dev".into(),
        role: Role::Admin,
    };
    PageChrome::new(user, active, "demo-csrf-token").in_time_zone("Europe/Berlin")
}

pub fn filters(action: &str) -> FilterBar {
    FilterBar {
        action: action.into(),
        teams: TEAMS
            .iter()
            .enumerate()
            .map(|(i, t)| Choice::new(i.to_string(), *t, None))
            .collect(),
        tools: vec![
            Choice::new("claude-code", "Claude Code", None),
            Choice::new("codex", "Codex", None),
        ],
        from: "2025-01-06".into(),
        to: "2025-03-30".into(),
        data_as_of: Some("2025-03-30".into()),
        ..FilterBar::default()
    }
}

pub fn weeks() -> Vec<String> {
    let start = chrono::NaiveDate::from_ymd_opt(2025, 1, 6).expect("valid date");
    (0..12)
        .map(|w| format::short_date(start + chrono::Duration::weeks(w)))
        .collect()
}

fn wave(base: f64, growth: f64, phase: usize) -> Vec<f64> {
    (0..12)
        .map(|w| base + growth * w as f64 + ((w + phase) % 3) as f64 * base * 0.08)
        .collect()
}

pub fn spend_by_team_chart() -> String {
    bar_chart(&BarChart {
        title: "Spend per week by team".into(),
        unit: Unit::Usd,
        categories: weeks(),
        series: TEAMS
            .iter()
            .enumerate()
            .map(|(i, t)| Series::new(*t, wave(420.0 - 80.0 * i as f64, 38.0, i)))
            .collect(),
        layout: BarLayout::Stacked,
    })
}

pub fn lift_chart() -> String {
    let rows = [
        (0.18, 0.06, 0.31, 11),
        (0.09, -0.04, 0.22, 9),
        (0.24, 0.11, 0.38, 8),
        (-0.05, -0.19, 0.08, 6),
    ];
    interval_chart(&IntervalChart {
        title: "Productivity lift by team".into(),
        unit: Unit::Percent,
        items: TEAMS
            .iter()
            .zip(rows)
            .map(|(t, (estimate, low, high, n))| IntervalEstimate {
                label: (*t).into(),
                note: format!("n = {n} developers · 12 wk"),
                estimate,
                low,
                high,
            })
            .collect(),
    })
}

pub fn alerts() -> Vec<ReviewAlertRow> {
    let rows = [
        (
            "acme/payments-api",
            1842,
            "Refactor card tokenisation retries",
            "dmitri",
            "commit 3f9c2e1 marked by claude-code",
            "src/billing/tokenise.rs",
        ),
        (
            "acme/platform",
            977,
            "Rotate session signing keys automatically",
            "li.wei",
            "description marked by codex",
            "auth/keys.rs, infra/secrets/rotate.tf",
        ),
        (
            "acme/payments-api",
            1839,
            "Speed up ledger reconciliation",
            "sara-k",
            "an assistant session on its branch",
            "src/ledger/reconcile.rs",
        ),
    ];
    rows.iter()
        .enumerate()
        .map(
            |(i, (repo, number, title, author, evidence, paths))| ReviewAlertRow {
                repository: (*repo).into(),
                number: *number,
                title: (*title).into(),
                url: format!("https://github.com/{repo}/pull/{number}"),
                author: (*author).into(),
                merged_at: Figure::new(
                    format!("Mar {}, 2025 16:{:02}", 28 - i * 3, 10 + i * 7),
                    (100 - i) as f64,
                ),
                ai_evidence: (*evidence).into(),
                critical_paths: (*paths).into(),
            },
        )
        .collect()
}

fn overview(content: OverviewContent) -> OverviewPage {
    OverviewPage {
        chrome: chrome(NavSection::Overview),
        filters: filters("/"),
        period: "March 2025 · All teams".into(),
        content,
    }
}

fn overview_summary() -> OverviewSummary {
    OverviewSummary {
        cost: Vec::new(),
        spend: KpiCard::new(
            "Spend this month",
            format::usd_whole(14_382.4),
            "Forecast $16,950 by Mar 31",
        )
        .with_delta(Delta::relative(0.124, "vs February", false))
        .linking_to("/spend"),
        active_developers: KpiCard::new(
            "Active developers",
            "34 of 40",
            "85.0% of seats used this week",
        )
        .with_delta(Delta::relative(0.062, "vs 4 weeks ago", true))
        .linking_to("/adoption"),
        lift: KpiCard::new(
            "Productivity lift",
            "+14.2%",
            "90% CI +5.1% to +23.0% · 34 developers",
        )
        .linking_to("/productivity"),
        review_skips: KpiCard::new(
            "AI PRs merged unreviewed",
            "8.4%",
            "23 of 274 AI-assisted merges",
        )
        .with_delta(Delta::relative(-0.21, "vs February", false))
        .linking_to("/reviews"),
        critical_unreviewed: KpiCard::new(
            "Critical unreviewed merges",
            "3",
            "AI-written changes to critical paths",
        )
        .linking_to("/reviews")
        .alerting(true),
        spend_chart: spend_by_team_chart(),
        lift_chart: lift_chart(),
        alerts: alerts()
            .into_iter()
            .map(ReviewAlertEntry::unacknowledged)
            .collect(),
    }
}

fn reviews() -> ReviewsPage {
    let skip = |a: f64, b: f64| vec![a, b, a * 1.4, b * 0.7];
    ReviewsPage {
        chrome: chrome(NavSection::Reviews),
        filters: filters("/reviews"),
        empty: None,
        kpis: vec![
            KpiCard::new(
                "Skip rate, all PRs",
                "6.1%",
                "41 of 672 merged pull requests",
            ),
            KpiCard::new("Skip rate, AI-assisted", "8.4%", "23 of 274")
                .with_delta(Delta::relative(-0.21, "vs February", false)),
            KpiCard::new(
                "Median to first review",
                "3h 12m",
                "AI-assisted 2h 48m · other 3h 40m",
            ),
            KpiCard::new("Critical unreviewed merges", "3", "Listed below").alerting(true),
        ],
        skip_rate_chart: bar_chart(&BarChart {
            title: "Review skip rate by team".into(),
            unit: Unit::Percent,
            categories: TEAMS.iter().map(|t| t.to_string()).collect(),
            series: vec![
                Series::new("AI-assisted", skip(0.09, 0.12)),
                Series::new("Other", skip(0.05, 0.06)),
            ],
            layout: BarLayout::Grouped,
        }),
        time_to_review_chart: line_chart(&LineChart {
            title: "Median hours to first review".into(),
            unit: Unit::Hours,
            periods: weeks(),
            series: vec![
                Series::new("AI-assisted", wave(2.4, 0.05, 1)),
                Series::new("Other", wave(3.6, -0.02, 2)),
            ],
            area: false,
        }),
        segments: [
            ("AI-assisted · critical paths", 61, 3, 2.1),
            ("AI-assisted · other paths", 213, 20, 2.9),
            ("Other · critical paths", 88, 2, 4.0),
            ("Other · other paths", 310, 16, 3.7),
        ]
        .iter()
        .map(|(segment, merged, skipped, hours)| ReviewSegmentRow {
            segment: (*segment).into(),
            merged: Figure::count(*merged),
            skipped: Figure::count(*skipped),
            skip_rate: Figure::percent(*skipped as f64 / *merged as f64),
            median_time_to_first_review: Figure::duration((hours * 3600.0) as i64),
        })
        .collect(),
        alerts: alerts()
            .into_iter()
            .map(ReviewAlertEntry::unacknowledged)
            .collect(),
        weekly_skip_chart: String::new(),
        developer_skips: Vec::new(),
        repository_skips: Vec::new(),
        edit_review: Vec::new(),
        pull_requests: PullRequestList::default(),
        return_query: String::new(),
    }
}

pub fn pages() -> Result<Pages, askama::Error> {
    let login = LoginPage {
        chrome: PageChrome::signed_out("demo")
            .with_flash(FlashKind::Info, "You have been signed out."),
        email: String::new(),
        error: None,
        next: None,
        sso_provider: Some("Acme ID".into()),
        password_login: true,
    };
    let error = ErrorPage {
        chrome: chrome(NavSection::Elsewhere),
        status: 404,
        title: "Page not found".into(),
        message:
            "There is nothing at this address. It may have moved, or the link may be incomplete."
                .into(),
    };
    Ok(vec![
        (
            "overview".into(),
            overview(OverviewContent::Summary(Box::new(overview_summary()))).render()?,
        ),
        (
            "overview-empty".into(),
            overview(OverviewContent::Empty(EmptyState::install_uploader(
                "https://agentmeter.acme.dev",
            )))
            .render()?,
        ),
        ("reviews".into(), reviews().render()?),
        ("login".into(), login.render()?),
        ("error".into(), error.render()?),
    ])
}
