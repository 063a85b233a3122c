//! The generator's own checks: determinism, counts, and that the planted figures come back out
//! of the real-format logs through the ingest crate's parser and pricing.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use agentmeter_ingest::pricing::{cost_usd, PriceTable};
use agentmeter_ingest::scan::{collect, scan_files, ScanMode, ScanStart};
use agentmeter_ingest::sources::LogRoots;
use agentmeter_reviews::{parse_github_event, WebhookEvent};
use chrono::Datelike;

use crate::logs::{log_roots, write_developer_logs};
use crate::model::request_cost;
use crate::org::{Persona, DEVELOPERS, TEAMS};
use crate::DemoOrg;

fn org() -> &'static DemoOrg {
    static ORG: OnceLock<DemoOrg> = OnceLock::new();
    ORG.get_or_init(DemoOrg::generate)
}

/// Writes the logs of the developers of `team` and reads them back as `agentmeter upload` does.
fn parsed_events(team: &str) -> Vec<(usize, agentmeter_ingest::wire::UsageEvent)> {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let mut out = Vec::new();
    for (index, developer) in DEVELOPERS
        .iter()
        .enumerate()
        .filter(|(_, d)| d.team == team)
    {
        let home = dir.path().join(developer.login);
        write_developer_logs(&org().sessions, index, &home)
            .unwrap_or_else(|e| panic!("write: {e}"));
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
    let again = DemoOrg::generate();
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
fn the_payments_spend_read_back_from_the_logs_is_280_then_450_dollars_to_the_cent() {
    let prices = PriceTable::builtin();
    let mut by_month: BTreeMap<u32, f64> = BTreeMap::new();
    for (_, event) in parsed_events("Payments") {
        let cost =
            cost_usd(&prices, &event).unwrap_or_else(|| panic!("no price for {}", event.model));
        *by_month.entry(event.timestamp.month()).or_default() += cost;
    }
    assert!(
        (by_month[&8] - 280.0).abs() < 0.001,
        "August: {}",
        by_month[&8]
    );
    assert!(
        (by_month[&9] - 450.0).abs() < 0.001,
        "September: {}",
        by_month[&9]
    );
    assert_eq!(
        org().truths.spend_months,
        vec![
            ("2026-08".to_string(), 280.0),
            ("2026-09".to_string(), 450.0)
        ]
    );
}

#[test]
fn parsed_logs_give_back_every_request_with_its_tokens() {
    let events = parsed_events("Data");
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
    for (baseline, ramp) in [(8, 2), (8, 4), (12, 4), (6, 3)] {
        let lift = crate::measure::merged_pr_lift_pct(
            &org().sessions,
            &org().pull_requests,
            baseline,
            ramp,
        );
        assert!(
            (lift - 35.0).abs() < 2.0,
            "baseline {baseline} ramp {ramp}: {lift}"
        );
    }
}

#[test]
fn the_top_fifth_of_developers_takes_most_of_the_spend() {
    assert!(
        org().truths.top20_share_pct > 60.0,
        "{}",
        org().truths.top20_share_pct
    );
}

#[test]
fn pay_as_you_go_heavy_users_spend_more_than_a_pro_seat_within_pro_limits_and_light_ones_less() {
    let prices = PriceTable::builtin();
    for (index, developer) in DEVELOPERS
        .iter()
        .enumerate()
        .filter(|(_, d)| d.claude_plan.is_none())
    {
        for month in 7..=9 {
            let mut by_day: BTreeMap<u32, f64> = BTreeMap::new();
            for s in org().sessions.iter().filter(|s| s.developer == index) {
                for r in s.requests.iter().filter(|r| r.at.month() == month) {
                    *by_day.entry(r.at.day()).or_default() += request_cost(&prices, s.tool, r);
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

#[test]
fn exactly_the_planted_critical_ai_prs_are_merged_unreviewed() {
    let critical = |p: &crate::model::PullRequest| {
        p.commits
            .iter()
            .flat_map(|c| &c.paths)
            .any(|p| p.starts_with("migrations/") || p.contains("/auth/"))
    };
    let skipped: Vec<u64> = org()
        .pull_requests
        .iter()
        .filter(|p| p.ai_assisted && critical(p) && p.reviews.is_empty())
        .map(|p| p.number)
        .collect();
    let planted: Vec<u64> = org()
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
