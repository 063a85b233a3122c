use chrono::TimeDelta;
use chrono_tz::UTC;

use super::fixtures::{at, claude, date, dev};
use crate::frames::usage_frame;
use crate::productivity::{
    productivity_report, DeveloperStatus, ProductivityInputs, ProductivityParams,
    ProductivityReport,
};
use crate::rows::{CommitRow, DeveloperRow, PullRequestRow, UsageRow};

fn pr(author: i64, merged: &str, hours_open: i64, lines_added: i64) -> PullRequestRow {
    let merged_at = at(merged);
    PullRequestRow {
        repository: "acme/shop".into(),
        number: 1,
        url: "https://example.test/pr/1".into(),
        title: "change".into(),
        author_user_id: Some(author),
        created_at: merged_at - TimeDelta::hours(hours_open),
        merged_at: Some(merged_at),
        first_review_at: None,
        outcome: None,
        ai_assisted: false,
        ai_evidence: Vec::new(),
        critical: false,
        critical_paths: Vec::new(),
        lines_added,
        lines_removed: 0,
    }
}

fn commit(author: i64, when: &str, test: i64, other: i64) -> CommitRow {
    CommitRow {
        repository: "acme/shop".into(),
        sha: when.into(),
        author_user_id: Some(author),
        ts: at(when),
        lines_added_test: test,
        lines_added_nontest: other,
        lines_removed_test: 0,
        lines_removed_nontest: 0,
        ai_marker: false,
    }
}

fn params(min_developers: usize) -> ProductivityParams {
    ProductivityParams {
        to: date("2026-04-05"),
        tz: UTC,
        history_from: date("2026-01-01"),
        baseline_weeks: 4,
        ramp_weeks: 1,
        min_developers,
        bootstrap_iterations: 1000,
        seed: 42,
        confidence: 0.9,
    }
}

/// ada and bob start on 2 March: baseline 2 Feb - 2 Mar (4 weeks), ramp to 9 Mar, after 9 Mar -
/// 6 Apr (4 weeks). cy starts too early for the history, dan never, eve too late for an after window.
/// Usage, developers, pull requests and commits of the lift scenario.
fn scenario() -> (
    Vec<UsageRow>,
    Vec<DeveloperRow>,
    Vec<PullRequestRow>,
    Vec<CommitRow>,
) {
    let usage = vec![
        claude(1, "2026-03-02T00:00:00Z", 1.0),
        claude(2, "2026-03-02T00:00:00Z", 1.0),
        claude(3, "2026-01-10T00:00:00Z", 1.0),
        claude(5, "2026-04-01T00:00:00Z", 1.0),
    ];
    let developers = vec![
        dev(1, "ada", &[], &[]),
        dev(2, "bob", &[], &[]),
        dev(3, "cy", &[], &[]),
        dev(4, "dan", &[], &[]),
        dev(5, "eve", &[], &[]),
    ];
    let mut prs: Vec<PullRequestRow> = ["2026-02-03", "2026-02-10", "2026-02-17", "2026-02-24"]
        .iter()
        .map(|d| pr(1, &format!("{d}T12:00:00Z"), 24, 100))
        .collect();
    prs.extend(
        ["10", "11", "12", "13", "17", "18", "19", "20"]
            .iter()
            .map(|d| pr(1, &format!("2026-03-{d}T12:00:00Z"), 12, 200)),
    );
    prs.push(pr(1, "2026-03-05T12:00:00Z", 1, 9999)); // during the ramp: not counted
    prs.extend([
        pr(2, "2026-02-05T12:00:00Z", 48, 50),
        pr(2, "2026-02-12T12:00:00Z", 48, 50),
    ]);
    prs.extend([
        pr(2, "2026-03-16T12:00:00Z", 6, 50),
        pr(2, "2026-03-23T12:00:00Z", 6, 50),
    ]);
    prs.push(pr(3, "2026-03-16T12:00:00Z", 100, 1000)); // cy has no baseline: left out
    prs.push(pr(5, "2026-03-10T12:00:00Z", 1, 10)); // eve's baseline PR
    let commits = vec![
        commit(1, "2026-02-10T09:00:00Z", 10, 90),
        commit(1, "2026-03-20T09:00:00Z", 30, 70),
    ];
    (usage, developers, prs, commits)
}

fn run(min_developers: usize) -> ProductivityReport {
    let (usage, developers, prs, commits) = scenario();
    let frame = usage_frame(&usage, UTC).expect("frame");
    productivity_report(&frame, &developers, &prs, &commits, &params(min_developers))
        .expect("report")
}

#[test]
fn inputs_prepared_once_for_everyone_give_each_team_the_report_of_its_own_rows() {
    let (usage, developers, prs, commits) = scenario();
    let params = params(2);
    let everyone = usage_frame(&usage, UTC).expect("frame");
    let inputs = ProductivityInputs::new(&everyone, &prs, &commits, &params).expect("inputs");
    for team in [&developers[..2], &developers[1..4], &developers[..]] {
        let ours = |user: Option<i64>| team.iter().any(|d| Some(d.user_id) == user);
        let usage: Vec<UsageRow> = usage
            .iter()
            .filter(|u| ours(Some(u.user_id)))
            .cloned()
            .collect();
        let prs: Vec<PullRequestRow> = prs
            .iter()
            .filter(|p| ours(p.author_user_id))
            .cloned()
            .collect();
        let commits: Vec<CommitRow> = commits
            .iter()
            .filter(|c| ours(c.author_user_id))
            .cloned()
            .collect();
        let alone = usage_frame(&usage, UTC).expect("frame");
        assert_eq!(
            inputs.report(team).expect("report"),
            productivity_report(&alone, team, &prs, &commits, &params).expect("report")
        );
    }
}

#[test]
fn developers_are_counted_by_why_they_are_in_or_out_of_the_lift() {
    let r = run(2);
    let statuses: Vec<DeveloperStatus> = r.per_developer.iter().map(|d| d.status).collect();
    use DeveloperStatus::*;
    assert_eq!(
        statuses,
        vec![Included, Included, NoBaseline, NotStarted, NoAfterWindow]
    );
    assert_eq!(
        (
            r.developers_included,
            r.developers_no_baseline,
            r.developers_not_started,
            r.developers_no_after_window
        ),
        (2, 1, 1, 1)
    );
    let ada = &r.per_developer[0];
    assert_eq!(
        (
            ada.first_use,
            ada.merged_prs_before,
            ada.merged_prs_after,
            ada.baseline_weeks,
            ada.after_weeks
        ),
        (Some(date("2026-03-02")), 4, 8, 4.0, 4.0)
    );
}

#[test]
fn the_team_lift_is_the_ratio_of_summed_rates_with_a_bootstrap_interval() {
    let lift = run(2).merged_prs_per_week;
    // Before: ada 4/4 + bob 2/4 = 1.5 a week; after: 8/4 + 2/4 = 2.5; lift = 2.5/1.5 - 1 = 66.7 %.
    assert!((lift.lift_pct.expect("lift") - 200.0 / 3.0).abs() < 1e-9);
    assert_eq!(
        (lift.before_per_week, lift.after_per_week, lift.developers),
        (1.5, 2.5, 2)
    );
    // Resamples: {ada, ada} +100 %, {bob, bob} 0 %, mixed +66.7 %; each extreme has ~25 %, so the
    // 5th and 95th percentiles are 0 and 100 and the lift is not significant.
    assert_eq!(
        (
            lift.ci_low_pct,
            lift.ci_high_pct,
            lift.significant,
            lift.sufficient_data
        ),
        (Some(0.0), Some(100.0), false, true)
    );
}

#[test]
fn too_few_developers_give_neither_a_lift_nor_an_interval() {
    let lift = run(5).merged_prs_per_week;
    assert_eq!(
        (
            lift.lift_pct,
            lift.ci_low_pct,
            lift.ci_high_pct,
            lift.sufficient_data
        ),
        (None, None, None, false)
    );
    assert_eq!(lift.developers, 2);
}

#[test]
fn cycle_time_test_share_and_pr_size_are_pooled_over_included_developers() {
    let r = run(2);
    let c = &r.cycle_time_median_hours;
    // Before: 24 x4, 48 x2 -> median 24; after: 12 x8, 6 x2 -> median 12.
    assert_eq!(
        (c.before, c.after, c.before_n, c.after_n),
        (Some(24.0), Some(12.0), 6, 10)
    );
    let t = &r.test_lines_share_pct;
    assert_eq!(
        (t.before, t.after, t.before_n, t.after_n),
        (Some(10.0), Some(30.0), 1, 1)
    );
    let l = &r.lines_added_per_pr;
    // Before (4*100 + 2*50) / 6; after (8*200 + 2*50) / 10 = 170.
    assert!((l.before.expect("before") - 500.0 / 6.0).abs() < 1e-9);
    assert_eq!(l.after, Some(170.0));
    // Commits: ada 1 before, 1 after (0.25 a week each): lift 0 %.
    assert_eq!(r.commits_per_week.lift_pct, Some(0.0));
}

#[test]
fn productivity_without_any_input_reports_no_lift() {
    let frame = usage_frame(&[], UTC).expect("frame");
    let r = productivity_report(&frame, &[], &[], &[], &params(2)).expect("report");
    assert_eq!(
        (
            r.developers_included,
            r.merged_prs_per_week.lift_pct,
            r.cycle_time_median_hours.before
        ),
        (0, None, None)
    );
}
