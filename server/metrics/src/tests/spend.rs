use chrono_tz::{Europe::Berlin, UTC};

use super::fixtures::{at, claude, dev, event, range};
use crate::frames::usage_frame;
use crate::rows::{TeamRow, Tool, UsageRow};
use crate::spend::{
    compare, spend_report, spend_reports, ShownChange, SpendChange, SpendGroupBy, SpendParams,
    SpendReport,
};

fn report(
    rows: &[UsageRow],
    tz: chrono_tz::Tz,
    group_by: SpendGroupBy,
    from: &str,
    to: &str,
    as_of: &str,
) -> SpendReport {
    let frame = usage_frame(rows, tz).expect("frame");
    let developers = [
        dev(1, "ada", &[10, 20], &[]),
        dev(2, "bob", &[10], &[]),
        dev(3, "cy", &[], &[]),
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
    let params = SpendParams {
        range: range(from, to),
        tz,
        group_by,
        as_of: at(as_of),
    };
    spend_report(&frame, &developers, &teams, &params).expect("report")
}

#[test]
fn daily_spend_buckets_by_berlin_days_and_reports_unknown_cost_apart() {
    let rows = [
        claude(1, "2026-10-31T23:30:00Z", 4.0), // Berlin 2026-11-01 00:30
        claude(1, "2026-11-02T10:00:00Z", 1.5),
        claude(1, "2026-11-02T22:30:00Z", 2.0), // Berlin 23:30, still the 2nd
        event(1, "2026-11-03T10:00:00Z", Tool::ClaudeCode, None),
        claude(1, "2026-11-30T23:30:00Z", 10.0), // Berlin 2026-12-01: outside the range
    ];
    let r = report(
        &rows,
        Berlin,
        SpendGroupBy::Day,
        "2026-11-01",
        "2026-11-30",
        "2026-12-05T00:00:00Z",
    );
    let days: Vec<(&str, f64, i64)> = r
        .groups
        .iter()
        .map(|g| (g.key.as_str(), g.cost_usd, g.unknown_cost_events))
        .collect();
    assert_eq!(
        days,
        vec![
            ("2026-11-01", 4.0, 0),
            ("2026-11-02", 3.5, 0),
            ("2026-11-03", 0.0, 1)
        ]
    );
    assert_eq!(
        (r.total.cost_usd, r.total.events, r.total.tokens),
        (7.5, 4, 440)
    );
    assert_eq!(
        (r.total.unknown_cost_events, r.total.unknown_cost_tokens),
        (1, 110)
    );
    assert_eq!(r.forecast, None, "as_of is in December, outside the range");
}

#[test]
fn the_dst_night_in_berlin_keeps_both_late_events_on_the_25th_of_october() {
    let rows = [
        claude(1, "2026-10-24T22:30:00Z", 1.0), // CEST (UTC+2): 00:30 on the 25th
        claude(1, "2026-10-25T22:30:00Z", 2.0), // CET (UTC+1): 23:30 on the 25th
        claude(1, "2026-10-25T23:30:00Z", 4.0), // CET: 00:30 on the 26th
    ];
    let r = report(
        &rows,
        Berlin,
        SpendGroupBy::Day,
        "2026-10-25",
        "2026-10-26",
        "2026-10-01T00:00:00Z",
    );
    let days: Vec<(&str, f64)> = r
        .groups
        .iter()
        .map(|g| (g.key.as_str(), g.cost_usd))
        .collect();
    assert_eq!(days, vec![("2026-10-25", 3.0), ("2026-10-26", 4.0)]);
}

#[test]
fn team_spend_counts_a_developer_in_each_of_their_teams_and_the_teamless_apart() {
    let rows = [
        claude(1, "2026-11-02T10:00:00Z", 1.0),
        claude(2, "2026-11-02T10:00:00Z", 2.0),
        claude(3, "2026-11-02T10:00:00Z", 4.0),
    ];
    let r = report(
        &rows,
        UTC,
        SpendGroupBy::Team,
        "2026-11-01",
        "2026-11-30",
        "2026-10-01T00:00:00Z",
    );
    let teams: Vec<(&str, f64)> = r
        .groups
        .iter()
        .map(|g| (g.key.as_str(), g.cost_usd))
        .collect();
    assert_eq!(teams, vec![("(no team)", 4.0), ("core", 3.0), ("web", 1.0)]);
    assert_eq!(r.total.cost_usd, 7.0);
}

#[test]
fn spend_by_developer_model_and_tool_carries_the_names() {
    let rows = [
        claude(1, "2026-11-02T10:00:00Z", 1.0),
        event(2, "2026-11-02T10:00:00Z", Tool::Codex, Some(2.0)),
    ];
    let groups = |g: SpendGroupBy| {
        report(
            &rows,
            UTC,
            g,
            "2026-11-01",
            "2026-11-30",
            "2026-10-01T00:00:00Z",
        )
        .groups
    };
    let keys = |g: SpendGroupBy| -> Vec<String> { groups(g).into_iter().map(|g| g.key).collect() };
    assert_eq!(keys(SpendGroupBy::Developer), ["ada", "bob"]);
    let ids: Vec<Option<i64>> = groups(SpendGroupBy::Developer)
        .iter()
        .map(|g| g.user_id)
        .collect();
    assert_eq!(
        ids,
        [Some(1), Some(2)],
        "developer groups carry the user id"
    );
    assert!(groups(SpendGroupBy::Model)
        .iter()
        .all(|g| g.user_id.is_none()));
    assert_eq!(keys(SpendGroupBy::Model), ["claude-sonnet-4-5", "gpt-5"]);
    assert_eq!(keys(SpendGroupBy::Tool), ["claude-code", "codex"]);
    assert_eq!(keys(SpendGroupBy::Repository), ["acme/shop"]);
    assert_eq!(keys(SpendGroupBy::Week), ["2026-11-02"]);
    assert_eq!(keys(SpendGroupBy::Month), ["2026-11"]);
}

#[test]
fn a_model_logged_with_and_without_its_release_date_is_one_row() {
    let dated = |user, when, cost, model: &str| UsageRow {
        model: model.into(),
        ..claude(user, when, cost)
    };
    let rows = [
        dated(1, "2026-11-02T10:00:00Z", 1.0, "claude-sonnet-4-5"),
        dated(1, "2026-11-03T10:00:00Z", 2.0, "claude-sonnet-4-5-20250929"),
        dated(2, "2026-11-03T10:00:00Z", 4.0, "claude-sonnet-4"),
        dated(2, "2026-11-04T10:00:00Z", 8.0, "gpt-4.1-2025-04-14"),
    ];
    let r = report(
        &rows,
        UTC,
        SpendGroupBy::Model,
        "2026-11-01",
        "2026-11-30",
        "2026-10-01T00:00:00Z",
    );
    let got: Vec<(String, f64)> = r
        .groups
        .iter()
        .map(|g| (g.key.clone(), g.cost_usd))
        .collect();
    assert_eq!(
        got,
        [
            ("claude-sonnet-4-5".to_string(), 3.0),
            ("claude-sonnet-4".to_string(), 4.0),
            ("gpt-4.1".to_string(), 8.0)
        ]
    );
}

#[test]
fn month_over_month_compares_whole_months_and_a_month_without_usage_has_no_change() {
    let rows = [
        claude(1, "2026-10-10T12:00:00Z", 50.0),
        claude(1, "2026-11-10T12:00:00Z", 75.0),
    ];
    let r = report(
        &rows,
        UTC,
        SpendGroupBy::Month,
        "2026-11-15",
        "2027-01-31",
        "2027-02-01T00:00:00Z",
    );
    let months: Vec<(&str, f64, Option<f64>)> = r
        .months
        .iter()
        .map(|m| (m.month.as_str(), m.cost_usd, m.change_pct))
        .collect();
    // November: 75 / 50 - 1 = +50 %; December, a whole month without usage: 0 / 75 - 1 =
    // -100 %; January: previous month empty.
    assert_eq!(
        months,
        vec![
            ("2026-11", 75.0, Some(50.0)),
            ("2026-12", 0.0, Some(-100.0)),
            ("2027-01", 0.0, None)
        ]
    );
    assert!(r.groups.is_empty(), "the November event is before the 15th");
}

#[test]
fn no_percent_change_on_a_base_under_ten_dollars_or_for_a_month_not_over() {
    let rows = [
        claude(1, "2026-09-10T12:00:00Z", 0.6),
        claude(1, "2026-10-10T12:00:00Z", 2.325),
        claude(1, "2026-11-03T12:00:00Z", 40.0),
    ];
    let r = report(
        &rows,
        UTC,
        SpendGroupBy::Month,
        "2026-10-01",
        "2026-12-31",
        "2026-11-20T00:00:00Z",
    );
    let changes: Vec<Option<f64>> = r.months.iter().map(|m| m.change_pct).collect();
    // October on $0.60 (would read +287.5 %), November still running, December not begun.
    assert_eq!(changes, vec![None, None, None]);
}

#[test]
fn the_month_end_forecast_extrapolates_the_cost_so_far_over_elapsed_days() {
    let rows = [
        claude(1, "2026-11-02T10:00:00Z", 10.0),
        claude(1, "2026-11-05T10:00:00Z", 20.0),
        claude(1, "2026-11-12T10:00:00Z", 100.0), // after as_of: not "so far"
    ];
    let r = report(
        &rows,
        UTC,
        SpendGroupBy::Month,
        "2026-11-01",
        "2026-11-30",
        "2026-11-11T00:00:00Z",
    );
    let f = r.forecast.expect("forecast");
    // 30 dollars in 10 days of a 30-day month: 30 / 10 * 30 = 90.
    assert_eq!(
        (
            f.month.as_str(),
            f.cost_so_far_usd,
            f.elapsed_days,
            f.days_in_month,
            f.forecast_cost_usd
        ),
        ("2026-11", 30.0, 10.0, 30, 90.0)
    );
}

#[test]
fn no_forecast_is_made_before_a_full_day_of_the_month_has_passed() {
    let r = report(
        &[claude(1, "2026-11-01T10:00:00Z", 10.0)],
        UTC,
        SpendGroupBy::Day,
        "2026-11-01",
        "2026-11-30",
        "2026-11-01T20:00:00Z",
    );
    assert_eq!(r.forecast, None);
}

#[test]
fn spend_over_no_usage_is_all_zeros() {
    let r = report(
        &[],
        UTC,
        SpendGroupBy::Developer,
        "2026-11-01",
        "2026-11-30",
        "2026-11-11T00:00:00Z",
    );
    assert!(r.groups.is_empty());
    assert_eq!((r.total.cost_usd, r.total.events), (0.0, 0));
    assert_eq!(r.forecast.map(|f| f.forecast_cost_usd), Some(0.0));
    assert_eq!(r.months[0].change_pct, None);
}

#[test]
fn several_groupings_at_once_are_the_reports_one_grouping_at_a_time() {
    let rows = [
        claude(1, "2026-03-02T09:00:00Z", 1.25),
        event(2, "2026-03-20T16:00:00Z", Tool::Codex, Some(2.5)),
        claude(1, "2026-02-27T10:00:00Z", 0.75),
    ];
    let frame = usage_frame(&rows, UTC).expect("frame");
    let developers = [dev(1, "ada", &[10], &[]), dev(2, "bob", &[], &[])];
    let teams = [TeamRow {
        id: 10,
        name: "core".into(),
    }];
    let params: Vec<SpendParams> = [
        (SpendGroupBy::Week, "2026-03-01", "2026-03-31"),
        (SpendGroupBy::Team, "2026-03-01", "2026-03-31"),
        (SpendGroupBy::Model, "2026-03-01", "2026-03-31"),
        (SpendGroupBy::Developer, "2026-02-01", "2026-02-28"),
    ]
    .into_iter()
    .map(|(group_by, from, to)| SpendParams {
        range: range(from, to),
        tz: UTC,
        group_by,
        as_of: at("2026-03-21T12:00:00Z"),
    })
    .collect();
    let one_by_one: Vec<SpendReport> = params
        .iter()
        .map(|p| spend_report(&frame, &developers, &teams, p).expect("report"))
        .collect();
    assert_eq!(
        spend_reports(&frame, &developers, &teams, &params).expect("reports"),
        one_by_one
    );
    assert_eq!(one_by_one[1].total.cost_usd, 3.75);
}

#[test]
fn the_previous_period_compares_cost_and_cost_per_active_developer() {
    // March 11-20: ada $30 and bob $90 (two developers, $60 each); March 1-10: ada $40 alone.
    let rows = [
        claude(1, "2026-03-02T09:00:00Z", 40.0),
        claude(1, "2026-03-12T09:00:00Z", 30.0),
        claude(2, "2026-03-15T09:00:00Z", 90.0),
    ];
    let at_end = "2026-04-01T00:00:00Z";
    let by_team = |from, to| report(&rows, UTC, SpendGroupBy::Team, from, to, at_end);
    let (now, before) = (
        by_team("2026-03-11", "2026-03-20"),
        by_team("2026-03-01", "2026-03-10"),
    );
    assert_eq!(
        (now.active_developers, now.cost_per_active_developer_usd),
        (2, Some(60.0))
    );
    let c = compare(&now, &before);
    assert_eq!((c.from, c.to), (before.from, before.to));
    assert_eq!((c.cost_usd, c.active_developers), (40.0, 1));
    // 120 / 40 - 1 = +200 %; per developer 60 / 40 - 1 = +50 %.
    assert_eq!(
        c.cost_change,
        SpendChange {
            base_usd: 40.0,
            change_usd: 80.0,
            change_pct: Some(200.0)
        }
    );
    assert_eq!(
        c.cost_per_active_developer_change
            .and_then(|d| d.change_pct),
        Some(50.0)
    );
    // Before any usage: no developers, no per-developer figure, and the change reads as new.
    let empty = by_team("2026-02-01", "2026-02-10");
    let c = compare(&now, &empty);
    assert_eq!(
        (c.active_developers, c.cost_per_active_developer_usd),
        (0, None)
    );
    assert_eq!(c.cost_per_active_developer_change, None);
    assert_eq!(c.cost_change.shown(), ShownChange::New);
}
