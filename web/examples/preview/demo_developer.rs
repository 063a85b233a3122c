//! Demo data for the developer page.

use agentmeter_web::charts::{line_chart, LineChart, Series, Unit};
use agentmeter_web::pages::{
    DeveloperPage, DeveloperProfile, FilterBar, KpiCard, NavSection, PullRequestRow, ReviewState,
    SessionRow,
};
use agentmeter_web::{Delta, Figure};

use crate::demo::{chrome, filters};

pub fn developer() -> DeveloperPage {
    let pr = |number: u64, title: &str, review: ReviewState, critical: bool| PullRequestRow {
        repository: "acme/platform".into(),
        number,
        title: title.into(),
        url: format!("https://github.com/acme/platform/pull/{number}"),
        at: Figure::new(format!("Mar {}, 2025", number % 28 + 1), number as f64),
        ai_share: Figure::percent(0.6),
        review,
        critical,
    };
    DeveloperPage {
        chrome: chrome(NavSection::MyUsage),
        filters: FilterBar {
            teams: vec![],
            ..filters("/me")
        },
        profile: DeveloperProfile {
            name: "Li Wei".into(),
            email: "li.wei@acme.dev".into(),
            teams: "Platform".into(),
            plan: "Claude Max 5x".into(),
            github: "li-wei".into(),
            gitlab: String::new(),
        },
        empty: None,
        kpis: vec![
            KpiCard::new("Spend", "$1,912", "API-equivalent, 12 weeks")
                .with_delta(Delta::relative(0.08, "vs previous 12 weeks", false)),
            KpiCard::new("Sessions", "412", "31h 20m in total"),
            KpiCard::new("Merged PRs", "38", "61% AI-assisted"),
            KpiCard::new("Plan fit", "Upgrade", "Usage is 2.1× the Max 5x allowance"),
        ],
        usage_chart: line_chart(&LineChart {
            title: "Daily spend by tool".into(),
            unit: Unit::Usd,
            periods: (1..=30).map(|d| format!("Mar {d}")).collect(),
            series: vec![
                Series::new(
                    "Claude Code",
                    (0..30)
                        .map(|d| {
                            if d % 7 > 4 {
                                2.0
                            } else {
                                28.0 + (d % 5) as f64 * 6.0
                            }
                        })
                        .collect(),
                ),
                Series::new(
                    "Codex",
                    (0..30)
                        .map(|d| {
                            if d % 7 > 4 {
                                0.0
                            } else {
                                6.0 + (d % 3) as f64 * 3.0
                            }
                        })
                        .collect(),
                ),
            ],
            area: true,
        }),
        sessions_pager: None,
        pull_requests_pager: None,
        sessions: (0..6)
            .map(|i| SessionRow {
                started: Figure::new(
                    format!("Mar {}, 2025 09:{:02}", 28 - i, 10 + i * 5),
                    (100 - i) as f64,
                ),
                tool: if i % 3 == 2 {
                    "Codex".into()
                } else {
                    "Claude Code".into()
                },
                model: if i % 3 == 2 {
                    "gpt-5-codex".into()
                } else {
                    "claude-sonnet-4".into()
                },
                project: "acme/platform".into(),
                duration: Figure::duration(1_800 + 700 * i as i64),
                tokens: Figure::tokens(2_400_000 - 200_000 * i as u64),
                cost: Figure::usd(14.2 - i as f64),
            })
            .collect(),
        pull_requests: vec![
            pr(
                981,
                "Cache team scopes per request",
                ReviewState::Reviewed,
                false,
            ),
            pr(
                977,
                "Rotate session signing keys automatically",
                ReviewState::MergedWithoutReview,
                true,
            ),
        ],
        reviews: vec![pr(
            990,
            "Add readiness probe for the database",
            ReviewState::Reviewed,
            false,
        )],
        review_self: None,
    }
}
