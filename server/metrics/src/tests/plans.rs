use chrono_tz::{Europe::Berlin, UTC};

use super::fixtures::{claude, date, dev, event, range};
use crate::frames::usage_frame;
use crate::plan_policy::{AllowedPlan, PlanPolicy, VendorPolicy};
use crate::plans::{plans_report, PlanLine, PlansParams, PlansReport};
use crate::rows::{PlanKind, PlanRow, TeamRow, Tool, UsageRow};

fn plan(id: i64, vendor: &str, name: &str, price: f64, window: f64, week: f64) -> PlanRow {
    PlanRow {
        id,
        vendor: vendor.into(),
        name: name.into(),
        kind: PlanKind::Flat,
        usd_per_seat_month: Some(price),
        limit_5h_usd: Some(window),
        limit_week_usd: Some(week),
        valid_from: None,
        valid_to: None,
        source: "test".into(),
    }
}

fn catalog() -> Vec<PlanRow> {
    let old = PlanRow {
        valid_to: Some(date("2026-10-31")),
        ..plan(4, "Anthropic", "Old", 5.0, 100.0, 1000.0)
    };
    vec![
        plan(1, "Anthropic", "Pro", 20.0, 10.0, 60.0),
        plan(5, "Anthropic", "Team", 25.0, 12.5, 75.0),
        plan(2, "Anthropic", "Max", 100.0, 50.0, 210.0),
        plan(3, "OpenAI", "Plus", 20.0, 10.0, 60.0),
        old,
    ]
}

fn run(rows: &[UsageRow], tz: chrono_tz::Tz, from: &str, to: &str) -> PlansReport {
    run_with(rows, tz, (from, to), PlanPolicy::default(), None)
}

fn run_with(
    rows: &[UsageRow],
    tz: chrono_tz::Tz,
    (from, to): (&str, &str),
    policy: PlanPolicy,
    in_scope: Option<Vec<i64>>,
) -> PlansReport {
    let developers = [
        dev(1, "ada", &[10], &[]),
        dev(2, "bob", &[10], &[1]),
        dev(3, "cy", &[20], &[2]),
    ];
    let teams = [
        TeamRow {
            id: 10,
            name: "core".into(),
        },
        TeamRow {
            id: 20,
            name: "web".into(),
        },
    ];
    let params = PlansParams {
        range: range(from, to),
        tz,
        underused_fraction: 0.1,
        policy,
        in_scope,
    };
    plans_report(
        &usage_frame(rows, tz).expect("frame"),
        &developers,
        &teams,
        &catalog(),
        &params,
    )
    .expect("report")
}

fn november() -> Vec<UsageRow> {
    vec![
        // ada, pay-as-you-go: windows 8 (4+4), 6, 5, 9, 9; weeks 14, 5, 9, 9; cost 37.
        claude(1, "2026-11-02T10:00:00Z", 4.0),
        claude(1, "2026-11-02T11:30:00Z", 4.0),
        claude(1, "2026-11-03T10:00:00Z", 6.0),
        claude(1, "2026-11-10T10:00:00Z", 5.0),
        claude(1, "2026-11-16T10:00:00Z", 9.0),
        claude(1, "2026-11-23T10:00:00Z", 9.0),
        // bob on Pro: one window of 15 + 15 = 30, over Pro's 10.
        claude(2, "2026-11-04T09:00:00Z", 15.0),
        claude(2, "2026-11-04T12:00:00Z", 15.0),
        // cy on Max: no Claude usage, 3 dollars of Codex.
        event(3, "2026-11-05T09:00:00Z", Tool::Codex, Some(3.0)),
    ]
}

fn line<'a>(r: &'a PlansReport, user: i64, month: &str, tool: Tool) -> &'a PlanLine {
    r.lines
        .iter()
        .find(|l| l.user_id == user && l.month == month && l.tool == tool)
        .expect("line")
}

#[test]
fn a_pay_as_you_go_developer_whose_p90s_fit_pro_is_told_to_save_17_dollars() {
    let r = run(&november(), UTC, "2026-11-01", "2026-11-30");
    let ada = line(&r, 1, "2026-11", Tool::ClaudeCode);
    assert_eq!(
        (
            ada.api_cost_usd,
            ada.windows,
            ada.window_p90_usd,
            ada.window_max_usd
        ),
        (37.0, 5, Some(9.0), Some(9.0))
    );
    assert_eq!((ada.weeks, ada.week_p90_usd), (4, Some(14.0)));
    assert_eq!(
        (ada.current_plan.as_str(), ada.current_cost_usd),
        ("pay-as-you-go", 37.0)
    );
    // "Old" costs 5 but is no longer sold in November; Pro (20) covers 9 and 14.
    assert_eq!(
        (
            ada.recommended_plan_id,
            ada.recommended_cost_usd,
            ada.monthly_saving_usd
        ),
        (Some(1), 20.0, 17.0)
    );
    assert!(ada.payg_would_save && !ada.seat_underused && !ada.current_limit_exceeded);
}

#[test]
fn a_plan_whose_window_limit_is_exceeded_is_flagged_and_the_cheapest_covering_option_recommended() {
    let r = run(&november(), UTC, "2026-11-01", "2026-11-30");
    let bob = line(&r, 2, "2026-11", Tool::ClaudeCode);
    assert_eq!((bob.windows, bob.window_p90_usd), (1, Some(30.0)));
    assert!(bob.current_limit_exceeded);
    // Covering: pay-as-you-go (30) and Max (100). Switching costs more, so the saving is 0.
    assert_eq!(
        (
            bob.recommended_plan.as_str(),
            bob.recommended_cost_usd,
            bob.monthly_saving_usd
        ),
        ("pay-as-you-go", 30.0, 0.0)
    );
    assert!(!bob.payg_would_save);
}

#[test]
fn an_unused_max_seat_is_underused_and_codex_gets_its_own_recommendation() {
    let r = run(&november(), UTC, "2026-11-01", "2026-11-30");
    let cy = line(&r, 3, "2026-11", Tool::ClaudeCode);
    assert_eq!(
        (
            cy.api_cost_usd,
            cy.windows,
            cy.current_cost_usd,
            cy.monthly_saving_usd
        ),
        (0.0, 0, 100.0, 100.0)
    );
    assert!(cy.seat_underused);
    let codex = line(&r, 3, "2026-11", Tool::Codex);
    assert_eq!(
        (
            codex.vendor.as_str(),
            codex.current_cost_usd,
            codex.recommended_plan.as_str()
        ),
        ("OpenAI", 3.0, "pay-as-you-go")
    );
    assert_eq!(r.lines.len(), 4);
}

#[test]
fn team_totals_add_paid_now_and_recommended_over_members() {
    let r = run(&november(), UTC, "2026-11-01", "2026-11-30");
    let totals: Vec<(&str, f64, f64, f64)> = r
        .teams
        .iter()
        .map(|t| {
            (
                t.team.as_str(),
                t.paid_now_usd,
                t.recommended_usd,
                t.monthly_saving_usd,
            )
        })
        .collect();
    // core: ada 37 -> 20, bob 20 -> 30; web: cy 100 -> 0 and 3 -> 3.
    assert_eq!(
        totals,
        vec![("core", 57.0, 50.0, 7.0), ("web", 103.0, 3.0, 100.0)]
    );
}

#[test]
fn a_month_without_usage_still_shows_the_seats_paid_for() {
    let r = run(&november(), UTC, "2026-12-01", "2026-12-31");
    let users: Vec<(i64, bool)> = r
        .lines
        .iter()
        .map(|l| (l.user_id, l.seat_underused))
        .collect();
    assert_eq!(
        users,
        vec![(2, true), (3, true)],
        "ada has no plan and no December usage"
    );
}

#[test]
fn a_window_belongs_to_the_month_it_starts_in_the_org_time_zone() {
    // 23:30 UTC on 30 November is 00:30 on 1 December in Berlin.
    let r = run(
        &[claude(1, "2026-11-30T23:30:00Z", 2.0)],
        Berlin,
        "2026-11-01",
        "2026-12-31",
    );
    let months: Vec<(&str, usize)> = r
        .lines
        .iter()
        .filter(|l| l.user_id == 1)
        .map(|l| (l.month.as_str(), l.windows))
        .collect();
    assert_eq!(months, vec![("2026-12", 1)]);
}

#[test]
fn no_usage_and_no_plans_give_an_empty_report() {
    let params = PlansParams {
        range: range("2026-11-01", "2026-11-30"),
        tz: UTC,
        underused_fraction: 0.1,
        policy: PlanPolicy::default(),
        in_scope: None,
    };
    let r = plans_report(
        &usage_frame(&[], UTC).expect("frame"),
        &[dev(1, "ada", &[], &[])],
        &[],
        &catalog(),
        &params,
    )
    .expect("report");
    assert!(r.lines.is_empty() && r.teams.is_empty());
}

/// Anthropic restricted to its Team plan (with a seat minimum), no pay-as-you-go.
fn team_only(min_seats: u32) -> PlanPolicy {
    PlanPolicy {
        vendors: vec![VendorPolicy {
            vendor: "Anthropic".into(),
            allow_pay_as_you_go: false,
            plans: vec![AllowedPlan {
                name: "Team".into(),
                min_seats,
            }],
        }],
    }
}

fn recommended(r: &PlansReport, user: i64, tool: Tool) -> (&str, f64) {
    let l = line(r, user, "2026-11", tool);
    (l.recommended_plan.as_str(), l.recommended_cost_usd)
}

#[test]
fn a_company_plans_only_policy_recommends_the_allowed_plan_even_where_pro_is_cheaper() {
    let r = run_with(
        &november(),
        UTC,
        ("2026-11-01", "2026-11-30"),
        team_only(1),
        None,
    );
    // ada (p90 window 9, week 14) fits Pro at 20, but only Team (25; 12.5 / 75) is allowed.
    assert_eq!(recommended(&r, 1, Tool::ClaudeCode), ("Team", 25.0));
    assert_eq!(
        line(&r, 1, "2026-11", Tool::ClaudeCode).monthly_saving_usd,
        12.0
    );
    // cy's unused Max seat: Team covers nothing-used for 25 (pay-as-you-go is not allowed).
    assert_eq!(recommended(&r, 3, Tool::ClaudeCode), ("Team", 25.0));
    // bob's 30-dollar window exceeds Team's 12.5 and Max is not allowed: keep Pro.
    assert_eq!(recommended(&r, 2, Tool::ClaudeCode), ("Pro", 20.0));
    // OpenAI has no policy: Codex stays pay-as-you-go.
    assert_eq!(recommended(&r, 3, Tool::Codex), ("pay-as-you-go", 3.0));
}

#[test]
fn a_plan_recommended_to_fewer_developers_than_its_seat_minimum_is_not_recommended() {
    let two = run_with(
        &november(),
        UTC,
        ("2026-11-01", "2026-11-30"),
        team_only(2),
        None,
    );
    assert_eq!(recommended(&two, 1, Tool::ClaudeCode), ("Team", 25.0));
    assert_eq!(recommended(&two, 3, Tool::ClaudeCode), ("Team", 25.0));
    // Only ada and cy would take Team: three seats cannot be filled, so both keep what they have.
    let three = run_with(
        &november(),
        UTC,
        ("2026-11-01", "2026-11-30"),
        team_only(3),
        None,
    );
    assert_eq!(
        recommended(&three, 1, Tool::ClaudeCode),
        ("pay-as-you-go", 37.0)
    );
    assert_eq!(recommended(&three, 3, Tool::ClaudeCode), ("Max", 100.0));
}

#[test]
fn seat_minimums_count_the_whole_organisation_when_the_report_shows_one_developer() {
    let r = run_with(
        &november(),
        UTC,
        ("2026-11-01", "2026-11-30"),
        team_only(2),
        Some(vec![1]),
    );
    let users: Vec<i64> = r.lines.iter().map(|l| l.user_id).collect();
    assert_eq!(users, vec![1]);
    // cy, outside the scope, is the second Team seat.
    assert_eq!(recommended(&r, 1, Tool::ClaudeCode), ("Team", 25.0));
}

#[test]
fn the_month_history_sums_each_months_lines() {
    let r = run(&november(), UTC, "2026-10-01", "2026-11-30");
    let months: Vec<(&str, usize, f64, f64, f64, f64, usize)> = r
        .months
        .iter()
        .map(|m| {
            (
                m.month.as_str(),
                m.developers,
                m.api_cost_usd,
                m.paid_now_usd,
                m.recommended_usd,
                m.monthly_saving_usd,
                m.plan_changes,
            )
        })
        .collect();
    // October: bob's Pro (20 -> pay-as-you-go 0) and cy's Max (100 -> 0), no usage.
    // November: ada 37 -> 20, bob 20 -> 30, cy 100 -> 0, cy's Codex 3 -> 3.
    assert_eq!(
        months,
        vec![
            ("2026-10", 2, 0.0, 120.0, 0.0, 120.0, 2),
            ("2026-11", 3, 70.0, 160.0, 53.0, 117.0, 3),
        ]
    );
}
