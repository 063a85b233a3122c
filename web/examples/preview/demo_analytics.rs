//! Demo data for Spend, Plans, Adoption and Productivity.

use agentmeter_web::charts::{
    bar_chart, line_chart, ranked_bars, BarChart, BarLayout, LineChart, RankedBar, RankedBars,
    Series, Unit,
};
use agentmeter_web::pages::{
    AdoptionPage, AdoptionTeamRow, KpiCard, LiftRow, LiftVerdict, NavSection, NotStartedRow,
    PlanCatalogRow, PlanRecommendationRow, PlanTeamTotalRow, PlanVerdict, PlansPage,
    ProductivityPage, SpendBreakdown, SpendMonthRow, SpendPage, SpendShareRow,
};
use agentmeter_web::{format, Delta, Figure, Template};

use crate::demo::{chrome, filters, lift_chart, spend_by_team_chart, weeks, Pages, TEAMS};
use crate::demo_developer::developer;

pub const DEVELOPERS: [(&str, &str, f64); 8] = [
    ("Li Wei", "Platform", 1_912.4),
    ("Dmitri Volkov", "Payments", 1_640.0),
    ("Sara Kowalski", "Payments", 1_210.7),
    ("Aisha Rahman", "Data & ML", 988.2),
    ("Tomás García", "Mobile", 731.9),
    ("Hannah Schmidt", "Platform", 402.5),
    ("Kenji Watanabe", "Mobile", 188.0),
    ("Priya Natarajan", "Data & ML", 64.3),
];

fn share_rows(items: &[(&str, f64)]) -> Vec<SpendShareRow> {
    let total: f64 = items.iter().map(|i| i.1).sum();
    items
        .iter()
        .enumerate()
        .map(|(i, (name, spend))| SpendShareRow {
            name: (*name).into(),
            href: None,
            spend: Figure::usd(*spend),
            share: Figure::percent(spend / total),
            tokens: Figure::tokens((spend * 61_000.0) as u64),
            requests: Figure::count((spend / 4.2) as i64),
            change: Figure::signed_percent(0.18 - 0.07 * i as f64),
            change_usd: Some(spend * (0.18 - 0.07 * i as f64)),
        })
        .collect()
}

fn spend() -> SpendPage {
    let team_spend = [5_120.3, 4_402.9, 2_830.0, 2_029.2];
    let by_team: Vec<(&str, f64)> = TEAMS.iter().copied().zip(team_spend).collect();
    let by_dev: Vec<(&str, f64)> = DEVELOPERS.iter().map(|d| (d.0, d.2)).collect();
    SpendPage {
        chrome: chrome(NavSection::Spend),
        filters: filters("/spend"),
        empty: None,
        kpis: vec![
            KpiCard::new("Spend in range", "$38,911", "Jan 6 – Mar 30, 12 weeks"),
            KpiCard::new(
                "This month",
                format::usd_whole(14_382.4),
                "Forecast $16,950",
            )
            .with_delta(Delta::relative(0.124, "vs February", false)),
            KpiCard::new(
                "Per active developer",
                "$423",
                "Monthly average, 34 developers",
            ),
            KpiCard::new("Tokens", "2.4B", "81% cache reads"),
        ],
        month: None,
        over_time_chart: spend_by_team_chart(),
        by_developer_chart: ranked_bars(&RankedBars {
            title: "Spend per developer".into(),
            unit: Unit::Usd,
            items: DEVELOPERS
                .iter()
                .map(|d| RankedBar {
                    label: d.0.into(),
                    value: d.2,
                })
                .collect(),
            limit: 10,
        }),
        by_model_chart: line_chart(&LineChart {
            title: "Spend by model".into(),
            unit: Unit::Usd,
            periods: weeks(),
            series: vec![
                Series::new(
                    "claude-sonnet-4",
                    (0..12).map(|w| 900.0 + 60.0 * w as f64).collect(),
                ),
                Series::new(
                    "claude-opus-4",
                    (0..12).map(|w| 300.0 + 45.0 * w as f64).collect(),
                ),
                Series::new(
                    "gpt-5-codex",
                    (0..12).map(|w| 120.0 + 20.0 * (w % 4) as f64).collect(),
                ),
            ],
            area: true,
        }),
        months: [
            ("January 2025", 202501, 10_802.0),
            ("February 2025", 202502, 12_798.1),
            ("March 2025", 202503, 14_382.4),
        ]
        .iter()
        .enumerate()
        .map(|(i, (label, key, spend))| {
            let change = (i > 0).then_some(0.15 + 0.03 * i as f64);
            SpendMonthRow {
                month: Figure::new(*label, *key as f64),
                spend: Figure::usd(*spend),
                change: change.map_or_else(Figure::missing, Figure::signed_percent),
                change_usd: change.map(|c| spend * c),
                tokens: Figure::tokens((spend * 60_000.0) as u64),
            }
        })
        .collect(),
        breakdowns: vec![
            SpendBreakdown {
                title: "By team".into(),
                dimension: "Team".into(),
                csv_name: "spend-by-team".into(),
                rows: share_rows(&by_team),
            },
            SpendBreakdown {
                title: "By developer".into(),
                dimension: "Developer".into(),
                csv_name: "spend-by-developer".into(),
                rows: share_rows(&by_dev)
                    .into_iter()
                    .map(|r| SpendShareRow {
                        href: Some("/developers/1".into()),
                        ..r
                    })
                    .collect(),
            },
        ],
    }
}

fn plans() -> PlansPage {
    let plan_for = |cost: f64| match cost {
        c if c > 1_000.0 => ("Max 20x", 200.0, PlanVerdict::Upgrade),
        c if c > 300.0 => ("Max 5x", 100.0, PlanVerdict::Keep),
        c if c > 40.0 => ("Pro", 20.0, PlanVerdict::Downgrade),
        _ => ("API (pay as you go)", 0.0, PlanVerdict::PayAsYouGo),
    };
    let developers: Vec<PlanRecommendationRow> = DEVELOPERS
        .iter()
        .map(|(name, team, spend)| {
            let monthly = spend / 3.0;
            let (plan, price, verdict) = plan_for(monthly);
            let recommended_cost = if price == 0.0 { monthly } else { price };
            PlanRecommendationRow {
                developer: (*name).into(),
                developer_href: Some("/developers/1".into()),
                team: (*team).into(),
                api_cost: Figure::usd(monthly),
                current_plan: "Max 5x".into(),
                current_cost: Figure::usd(100.0),
                recommended_plan: plan.into(),
                recommended_cost: Figure::usd(recommended_cost),
                saving: Figure::usd(100.0 - recommended_cost),
                verdict,
            }
        })
        .collect();
    PlansPage {
        chrome: chrome(NavSection::Plans),
        filters: filters("/plans"),
        empty: None,
        month: "October 2026".into(),
        month_key: "2026-10".into(),
        months: vec![
            agentmeter_web::pages::Choice::new("2026-10", "October 2026", Some("2026-10")),
            agentmeter_web::pages::Choice::new("2026-09", "September 2026", Some("2026-10")),
        ],
        policy: vec![
            "Anthropic: only Claude Team Premium seat (at least 5 seats), no pay-as-you-go".into(),
        ],
        history: ["September 2026", "October 2026"]
            .iter()
            .map(|m| agentmeter_web::pages::PlanMonthRow {
                month: (*m).into(),
                href: "/plans?month=2026-10".into(),
                selected: m.starts_with("Oct"),
                developers: Figure::count(40),
                api_cost: Figure::usd(12_970.0),
                paid_now: Figure::usd(4_000.0),
                recommended: Figure::usd(3_640.0),
                saving: Figure::usd(360.0),
                plan_changes: Figure::count(12),
            })
            .collect(),
        kpis: vec![
            KpiCard::new("Current plans", "$4,000/mo", "40 seats"),
            KpiCard::new(
                "API-equivalent",
                "$12,970/mo",
                "What usage would cost at list prices",
            ),
            KpiCard::new("Recommended", "$3,640/mo", "12 changes suggested"),
            KpiCard::new("Saving", "$360/mo", "$4,320 a year"),
        ],
        cost_vs_plan_chart: bar_chart(&BarChart {
            title: "API-equivalent cost vs plan price".into(),
            unit: Unit::Usd,
            categories: DEVELOPERS
                .iter()
                .take(6)
                .map(|d| d.0.split(' ').next().unwrap_or_default().to_string())
                .collect(),
            series: vec![
                Series::new(
                    "API-equivalent",
                    DEVELOPERS.iter().take(6).map(|d| d.2 / 3.0).collect(),
                ),
                Series::new("Plan price", vec![100.0; 6]),
            ],
            layout: BarLayout::Grouped,
        }),
        saving_chart: ranked_bars(&RankedBars {
            title: "Monthly saving per developer".into(),
            unit: Unit::Usd,
            items: DEVELOPERS
                .iter()
                .map(|d| RankedBar {
                    label: d.0.into(),
                    value: (100.0 - d.2 / 3.0).max(0.0),
                })
                .collect(),
            limit: 8,
        }),
        developers,
        teams: TEAMS
            .iter()
            .map(|t| PlanTeamTotalRow {
                team: (*t).into(),
                developers: Figure::count(10),
                api_cost: Figure::usd(3_100.0),
                current_cost: Figure::usd(1_000.0),
                recommended_cost: Figure::usd(910.0),
                saving: Figure::usd(90.0),
            })
            .collect(),
        catalog: catalog(),
    }
}

pub fn catalog() -> Vec<PlanCatalogRow> {
    [
        ("Claude Code", "Pro", 20.0),
        ("Claude Code", "Max 5x", 100.0),
        ("Claude Code", "Max 20x", 200.0),
        ("Codex", "ChatGPT Plus", 20.0),
    ]
    .iter()
    .map(|(tool, plan, price)| PlanCatalogRow {
        tool: (*tool).into(),
        plan: (*plan).into(),
        monthly_price: Figure::usd(*price),
        included: "Usage limits reset every five hours".into(),
        valid_from: "Jan 1, 2025".into(),
        valid_to: String::new(),
        sources: agentmeter_web::pages::source_links("https://example.com/pricing"),
        source_text: "https://example.com/pricing".into(),
    })
    .collect()
}

fn adoption() -> AdoptionPage {
    AdoptionPage {
        chrome: chrome(NavSection::Adoption),
        filters: filters("/adoption"),
        empty: None,
        kpis: vec![
            KpiCard::new("Weekly active", "34 of 40", "Seats used in the last 7 days")
                .with_delta(Delta::relative(0.062, "vs 4 weeks ago", true)),
            KpiCard::new("Adoption", "85.0%", "Weekly active over seats"),
            KpiCard::new("Not started", "4", "Seat assigned, no session yet"),
            KpiCard::new("Concentration", "48%", "of spend from the top 5 developers"),
        ],
        actives_chart: line_chart(&LineChart {
            title: "Weekly active developers".into(),
            unit: Unit::Count,
            periods: weeks(),
            series: vec![
                Series::new("Active", (0..12).map(|w| 18.0 + 1.5 * w as f64).collect()),
                Series::reference("Seats", vec![40.0; 12]),
            ],
            area: true,
        }),
        ramp_chart: line_chart(&LineChart {
            title: "Developers started".into(),
            unit: Unit::Count,
            periods: weeks(),
            series: TEAMS
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    Series::new(
                        *t,
                        (0..12)
                            .map(|w| ((w + 2) as f64 * (1.4 - 0.2 * i as f64)).min(12.0))
                            .collect(),
                    )
                })
                .collect(),
            area: false,
        }),
        concentration_chart: ranked_bars(&RankedBars {
            title: "Share of spend by developer".into(),
            unit: Unit::Percent,
            items: DEVELOPERS
                .iter()
                .map(|d| RankedBar {
                    label: d.0.into(),
                    value: d.2 / 7_138.0,
                })
                .collect(),
            limit: 8,
        }),
        concentration_note: "The top 5 developers account for 48% of spend.".into(),
        teams: TEAMS
            .iter()
            .zip([(12, 11), (11, 9), (9, 8), (8, 6)])
            .map(|(t, (seats, active))| AdoptionTeamRow {
                team: (*t).into(),
                seats: Figure::count(seats),
                weekly_active: Figure::count(active),
                adoption: Figure::percent(active as f64 / seats as f64),
                developers: Figure::count(seats),
                top_share: Figure::percent(0.41),
            })
            .collect(),
        not_started_pager: None,
        not_started: vec![
            NotStartedRow {
                name: "Ola Nordmann".into(),
                email: "ola@acme.dev".into(),
                team: "Mobile".into(),
                has_token: true,
            },
            NotStartedRow {
                name: "Jean Dupont".into(),
                email: "jean@acme.dev".into(),
                team: "Data & ML".into(),
                has_token: false,
            },
        ],
    }
}

fn lift_row(name: &str, detail: &str, lift: f64, low: f64, high: f64) -> LiftRow {
    LiftRow {
        name: name.into(),
        href: None,
        detail: detail.into(),
        before: Figure::new("3.1 PRs", 3.1),
        after: Figure::new(format!("{:.1} PRs", 3.1 * (1.0 + lift)), 3.1 * (1.0 + lift)),
        lift: Figure::signed_percent(lift),
        interval: format!(
            "{} to {}",
            format::signed_percent(low),
            format::signed_percent(high)
        ),
        sample: "11 devs · 12 + 12 wk".into(),
        verdict: LiftVerdict::from_interval(low, high),
    }
}

fn productivity() -> ProductivityPage {
    ProductivityPage {
        chrome: chrome(NavSection::Productivity),
        filters: filters("/productivity"),
        empty: None,
        metric: "merged pull requests per developer-week".into(),
        method: "Each developer's weekly merged pull requests in the 12 weeks before their first session are compared with the weeks after; intervals come from a bootstrap over developers.".into(),
        lift_chart: lift_chart(),
        headline: Vec::new(),
        guardrails: Vec::new(),
        teams: vec![lift_row("Platform", "11 developers", 0.18, 0.06, 0.31), lift_row("Payments", "9 developers", 0.09, -0.04, 0.22), lift_row("Mobile", "8 developers", 0.24, 0.11, 0.38), lift_row("Data & ML", "6 developers", -0.05, -0.19, 0.08)],
        developers: DEVELOPERS.iter().take(5).enumerate().map(|(i, d)| lift_row(d.0, d.1, 0.3 - 0.1 * i as f64, 0.05 - 0.1 * i as f64, 0.5 - 0.08 * i as f64)).collect(),
        activity: Vec::new(),
    }
}

pub fn pages() -> Result<Pages, askama::Error> {
    Ok(vec![
        ("spend".into(), spend().render()?),
        ("plans".into(), plans().render()?),
        ("adoption".into(), adoption().render()?),
        ("productivity".into(), productivity().render()?),
        ("developer".into(), developer().render()?),
    ])
}
