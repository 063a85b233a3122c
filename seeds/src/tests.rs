//! The generator's own checks: determinism, counts, and that the planted figures come back out
//! of the real-format logs through the ingest crate's parser and pricing.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use agentmeter_ingest::merge::collect;
use agentmeter_ingest::pricing::{cost_usd, PriceTable};
use agentmeter_ingest::scan::{scan_files, ScanMode, ScanStart};
use agentmeter_ingest::sources::LogRoots;
use agentmeter_reviews::{parse_github_event, WebhookEvent};
use chrono::NaiveDate;

use crate::logs::{log_roots, write_developer_logs};
use crate::model::request_cost;
use crate::org::{Persona, DEVELOPERS, TEAMS};
use crate::timeline::{first_of_month, month_label};
use crate::DemoOrg;

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// The demo loaded on 2026-10-01: the original calendar (data 2026-04-01..2026-09-30).
fn org() -> &'static DemoOrg {
    static ORG: OnceLock<DemoOrg> = OnceLock::new();
    ORG.get_or_init(|| DemoOrg::generate_on(day("2026-10-01")))
}

/// The demo loaded mid-month, after a 28-day February: data up to 2027-03-17.
fn later_org() -> &'static DemoOrg {
    static ORG: OnceLock<DemoOrg> = OnceLock::new();
    ORG.get_or_init(|| DemoOrg::generate_on(day("2027-03-18")))
}

/// Writes the logs of the developers of `team` and reads them back as `agentmeter upload` does.
fn parsed_events(org: &DemoOrg, team: &str) -> Vec<(usize, agentmeter_ingest::wire::UsageEvent)> {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let mut out = Vec::new();
    for (index, developer) in DEVELOPERS
        .iter()
        .enumerate()
        .filter(|(_, d)| d.team == team)
    {
        let home = dir.path().join(developer.login);
        write_developer_logs(&org.sessions, index, &home).unwrap_or_else(|e| panic!("write: {e}"));
        let files = LogRoots::from_dirs(&log_roots(&home)).discover(|_| true);
        let mut scans: Vec<_> = scan_files(
            &files,
            |_: &agentmeter_ingest::sources::LogFile| ScanStart::default(),
            ScanMode::Upload,
        )
        .into_iter()
        .map(|r| r.unwrap_or_else(|e| panic!("scan: {e}")))
        .collect();
        let collected = collect(scans.iter_mut());
        assert_eq!(
            collected.skipped_lines, 0,
            "{}: malformed lines",
            developer.login
        );
        out.extend(collected.events.into_iter().map(|e| (index, e)));
    }
    out
}

#[test]
fn the_same_seed_generates_the_same_organisation() {
    let again = DemoOrg::generate_on(day("2026-10-01"));
    assert_eq!(again.sessions, org().sessions);
    assert_eq!(again.pull_requests, org().pull_requests);
    assert_eq!(again.truths, org().truths);
}

#[test]
fn thirty_developers_in_four_teams_and_three_never_start() {
    assert_eq!(DEVELOPERS.len(), 30);
    assert_eq!(TEAMS.len(), 4);
    for team in TEAMS {
        assert!(
            DEVELOPERS.iter().filter(|d| d.team == team.name).count() >= 7,
            "{}",
            team.name
        );
    }
    let started: Vec<bool> = (0..30)
        .map(|i| org().sessions.iter().any(|s| s.developer == i))
        .collect();
    assert_eq!(started.iter().filter(|s| !**s).count(), 3);
    assert_eq!(org().truths.not_started.len(), 3);
    let logins: std::collections::BTreeSet<&str> = DEVELOPERS.iter().map(|d| d.login).collect();
    assert_eq!(logins.len(), 30, "logins are unique");
}

#[test]
fn the_payments_spend_read_back_from_the_logs_is_280_then_450_dollars_to_the_cent_in_the_two_full_months_before_today(
) {
    let prices = PriceTable::builtin();
    for (org, want) in [
        (org(), ["2026-08", "2026-09"]),
        (later_org(), ["2027-01", "2027-02"]),
    ] {
        let mut by_month: BTreeMap<String, f64> = BTreeMap::new();
        for (_, event) in parsed_events(org, "Payments") {
            let cost =
                cost_usd(&prices, &event).unwrap_or_else(|| panic!("no price for {}", event.model));
            let month = month_label(first_of_month(event.timestamp.date_naive()));
            *by_month.entry(month).or_default() += cost;
        }
        for (month, usd) in want.iter().zip([280.0, 450.0]) {
            assert!(
                (by_month[*month] - usd).abs() < 0.001,
                "{month}: {}",
                by_month[*month]
            );
        }
        assert_eq!(
            org.truths.spend_months,
            vec![(want[0].to_string(), 280.0), (want[1].to_string(), 450.0)]
        );
        assert_eq!(org.truths.plans_month, want[1]);
    }
}

#[test]
fn the_demo_loaded_on_any_day_ends_yesterday_and_nothing_happens_from_today() {
    for org in [org(), later_org()] {
        let today = crate::timeline::midnight(org.calendar.today);
        let last_request = org
            .sessions
            .iter()
            .flat_map(|s| s.requests.iter().map(|r| r.at))
            .max()
            .unwrap_or_else(|| panic!("no requests"));
        let last_merge = org
            .pull_requests
            .iter()
            .map(|p| p.merged_at)
            .max()
            .unwrap_or_else(|| panic!("no PRs"));
        let last_review = org
            .pull_requests
            .iter()
            .flat_map(|p| p.reviews.iter().map(|r| r.at))
            .max()
            .unwrap_or_else(|| panic!("no reviews"));
        for last in [last_request, last_merge, last_review] {
            assert!(last < today, "{last} is not before {today}");
            assert!(
                today - last < chrono::Duration::days(4),
                "{last}: the data stops long before {today}"
            );
        }
    }
}

#[test]
fn parsed_logs_give_back_every_request_with_its_tokens() {
    let events = parsed_events(org(), "Data");
    let sessions: Vec<_> = org()
        .sessions
        .iter()
        .filter(|s| DEVELOPERS[s.developer].team == "Data")
        .collect();
    assert_eq!(
        events.len(),
        sessions.iter().map(|s| s.requests.len()).sum::<usize>()
    );
    let tokens = |f: fn(&crate::model::Request) -> u64| {
        sessions
            .iter()
            .flat_map(|s| &s.requests)
            .map(f)
            .sum::<u64>()
    };
    assert_eq!(
        events.iter().map(|(_, e)| e.output_tokens).sum::<u64>(),
        tokens(|r| r.output)
    );
    assert_eq!(
        events.iter().map(|(_, e)| e.cache_read_tokens).sum::<u64>(),
        tokens(|r| r.cache_read)
    );
    assert!(events
        .iter()
        .any(|(_, e)| e.tool == agentmeter_ingest::wire::Tool::Codex));
    assert!(events.iter().any(|(_, e)| e.is_subagent));
    assert!(events
        .iter()
        .any(|(_, e)| e.lines_added > 0 && e.permission_mode.is_some()));
}

#[test]
fn the_measured_throughput_lift_is_within_two_points_of_35_percent_for_usual_windows() {
    for org in [org(), later_org()] {
        for (baseline, ramp) in [(8, 2), (8, 4), (12, 4), (6, 3)] {
            let lift = crate::measure::merged_pr_lift_pct(
                &org.calendar,
                &org.sessions,
                &org.pull_requests,
                baseline,
                ramp,
            );
            assert!(
                (lift - 35.0).abs() < 2.0,
                "{}: baseline {baseline} ramp {ramp}: {lift}",
                org.calendar.today
            );
        }
    }
}

#[test]
fn the_top_fifth_of_developers_takes_most_of_the_spend() {
    for org in [org(), later_org()] {
        assert!(
            org.truths.top20_share_pct > 60.0,
            "{}: {}",
            org.calendar.today,
            org.truths.top20_share_pct
        );
    }
}

#[test]
fn pay_as_you_go_heavy_users_spend_more_than_a_pro_seat_within_pro_limits_and_light_ones_less() {
    let prices = PriceTable::builtin();
    for org in [org(), later_org()] {
        // Full months only: today's month has only begun.
        let months = &org.calendar.adoption_months()[..3];
        for (index, developer) in DEVELOPERS
            .iter()
            .enumerate()
            .filter(|(_, d)| d.claude_plan.is_none())
        {
            for month in months {
                let mut by_day: BTreeMap<NaiveDate, f64> = BTreeMap::new();
                for s in org.sessions.iter().filter(|s| s.developer == index) {
                    for r in s.requests.iter() {
                        let date = r.at.date_naive();
                        if first_of_month(date) == *month {
                            *by_day.entry(date).or_default() += request_cost(&prices, s.tool, r);
                        }
                    }
                }
                let total: f64 = by_day.values().sum();
                let worst_day = by_day.values().copied().fold(0.0, f64::max);
                match developer.persona {
                    Persona::PaygHeavy => assert!(
                        total > 30.0 && worst_day < 10.0,
                        "{} {month}: {total} {worst_day}",
                        developer.login
                    ),
                    _ => assert!(total < 15.0, "{} {month}: {total}", developer.login),
                }
            }
        }
    }
}

#[test]
fn exactly_the_planted_critical_ai_prs_are_merged_unreviewed() {
    for org in [org(), later_org()] {
        planted_prs_are_the_unreviewed_critical_ai_ones(org);
    }
}

fn planted_prs_are_the_unreviewed_critical_ai_ones(org: &DemoOrg) {
    let critical = |p: &crate::model::PullRequest| {
        p.commits
            .iter()
            .flat_map(|c| &c.paths)
            .any(|p| p.starts_with("migrations/") || p.contains("/auth/"))
    };
    let skipped: Vec<u64> = org
        .pull_requests
        .iter()
        .filter(|p| p.ai_assisted && critical(p) && p.reviews.is_empty())
        .map(|p| p.number)
        .collect();
    let planted: Vec<u64> = org
        .truths
        .critical_unreviewed_ai_prs
        .iter()
        .map(|p| p.number)
        .collect();
    assert_eq!(planted.len(), 4);
    assert_eq!(
        skipped.iter().collect::<std::collections::BTreeSet<_>>(),
        planted.iter().collect()
    );
}

#[test]
fn every_webhook_delivery_parses_and_ai_prs_carry_a_marker() {
    let deliveries = crate::github::deliveries(&org().pull_requests);
    let mut marked = 0;
    for d in &deliveries {
        let event = parse_github_event(d.event, &d.body)
            .unwrap_or_else(|e| panic!("{} {}: {e}", d.event, d.id));
        if let WebhookEvent::PullRequest(pr) = event {
            marked += usize::from(!pr.body_ai_markers.is_empty());
        }
    }
    assert!(marked > 100, "{marked} PR deliveries with a body marker");
    let ai_prs = org().pull_requests.iter().filter(|p| p.ai_assisted);
    for pr in ai_prs {
        let trailer = pr
            .commits
            .iter()
            .any(|c| !agentmeter_ingest::gitlog::detect_ai_markers(&c.message).is_empty());
        assert!(
            trailer || !agentmeter_ingest::gitlog::detect_ai_markers(&pr.body).is_empty(),
            "PR {}",
            pr.number
        );
    }
}
