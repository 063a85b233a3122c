use chrono::TimeDelta;
use chrono_tz::UTC;

use super::fixtures::{at, claude, dev, range};
use crate::frames::usage_frame;
use crate::reviews::{reviews_report, ReviewsParams, ReviewsReport, SkipCounts};
use crate::rows::{PullRequestRow, ReviewOutcome, TeamRow, UsageRow};

// One positional row of the fixture tables below: names would drown the figures.
#[allow(clippy::too_many_arguments)]
fn pr(
    number: i64,
    author: Option<i64>,
    repo: &str,
    merged: Option<&str>,
    outcome: Option<ReviewOutcome>,
    ai: bool,
    critical: bool,
    review_after_h: Option<i64>,
) -> PullRequestRow {
    let merged_at = merged.map(at);
    let created_at = merged_at.unwrap_or_else(|| at("2026-11-20T00:00:00Z")) - TimeDelta::hours(10);
    PullRequestRow {
        repository: repo.into(),
        number,
        url: format!("https://example.test/{repo}/pull/{number}"),
        title: format!("PR {number}"),
        author_user_id: author,
        created_at,
        merged_at,
        first_review_at: review_after_h.map(|h| created_at + TimeDelta::hours(h)),
        outcome,
        ai_assisted: ai,
        ai_evidence: Vec::new(),
        critical,
        critical_paths: Vec::new(),
        lines_added: 10,
        lines_removed: 0,
    }
}

fn run() -> ReviewsReport {
    use ReviewOutcome::*;
    let m = Some("2026-11-10T12:00:00Z");
    let prs = [
        pr(1, Some(1), "a", m, Some(Unreviewed), true, true, None),
        pr(
            2,
            Some(1),
            "a",
            m,
            Some(RubberStamped),
            true,
            false,
            Some(2),
        ),
        pr(3, Some(2), "b", m, Some(Approved), false, true, Some(4)),
        pr(4, Some(2), "b", m, Some(Approved), false, false, Some(6)),
        pr(5, None, "b", m, Some(Unreviewed), true, false, None),
        pr(
            6,
            Some(1),
            "a",
            Some("2026-10-31T23:30:00Z"),
            Some(Unreviewed),
            true,
            true,
            None,
        ), // before the range
        pr(7, Some(2), "b", None, None, true, true, None), // not merged
        pr(8, Some(1), "a", m, None, false, false, None),  // merged, not yet classified
    ];
    let usage = [
        UsageRow {
            edits: 10,
            edits_unreviewed: 4,
            ..claude(1, "2026-11-03T10:00:00Z", 1.0)
        },
        UsageRow {
            edits: 10,
            edits_unreviewed: 10,
            repository: None,
            ..claude(1, "2026-11-04T10:00:00Z", 1.0)
        },
        claude(2, "2026-11-04T10:00:00Z", 1.0), // no edits: not listed
    ];
    let developers = [dev(1, "ada", &[10], &[]), dev(2, "bob", &[10], &[])];
    let teams = [TeamRow {
        id: 10,
        name: "core".into(),
    }];
    let params = ReviewsParams {
        range: range("2026-11-01", "2026-11-30"),
        tz: UTC,
        skip_rate_target_pct: 10.0,
    };
    reviews_report(
        &prs,
        &usage_frame(&usage, UTC).expect("frame"),
        &developers,
        &teams,
        &params,
    )
    .expect("report")
}

/// Merged, classified, unreviewed, rubber-stamped, rate rounded to two decimals.
type Counts = (i64, i64, i64, i64, Option<f64>);

fn counts(c: &SkipCounts) -> Counts {
    (
        c.merged,
        c.classified,
        c.unreviewed,
        c.rubber_stamped,
        c.skip_rate_pct.map(|p| (p * 100.0).round() / 100.0),
    )
}

#[test]
fn the_skip_rate_counts_unreviewed_and_rubber_stamped_over_classified_merged_prs() {
    let o = run().overall;
    // Merged in November: 1, 2, 3, 4, 5, 8; classified: all but 8; skipped: 1, 5 (unreviewed), 2 (rubber stamp).
    assert_eq!(counts(&o.all), (6, 5, 2, 1, Some(60.0)));
    assert_eq!(counts(&o.ai_assisted), (3, 3, 2, 1, Some(100.0)));
    assert_eq!(counts(&o.not_ai_assisted), (3, 2, 0, 0, Some(0.0)));
    assert_eq!(counts(&o.critical), (2, 2, 1, 0, Some(50.0)));
    assert_eq!(counts(&o.not_critical), (4, 3, 1, 1, Some(66.67)));
}

#[test]
fn skip_rates_are_given_per_developer_team_and_repository() {
    let r = run();
    let rows = |v: &[crate::reviews::ReviewSkip]| {
        v.iter()
            .map(|s| {
                (
                    s.key.clone(),
                    s.all.skip_rate_pct.map(|p| (p * 100.0).round() / 100.0),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        rows(&r.by_developer),
        vec![
            ("(unmatched)".into(), Some(100.0)),
            ("ada".into(), Some(100.0)),
            ("bob".into(), Some(0.0))
        ]
    );
    let ids: Vec<Option<i64>> = r.by_developer.iter().map(|s| s.user_id).collect();
    assert_eq!(ids, [None, Some(1), Some(2)], "ids name the developers");
    assert!(r.by_team.iter().all(|s| s.user_id.is_none()));
    assert_eq!(
        rows(&r.by_team),
        vec![("core".into(), Some(50.0))],
        "the unmatched author has no team"
    );
    assert_eq!(
        rows(&r.by_repository),
        vec![("a".into(), Some(100.0)), ("b".into(), Some(33.33))]
    );
}

#[test]
fn time_to_first_review_is_the_median_over_reviewed_merged_prs() {
    let r = run();
    assert_eq!(
        (r.time_to_first_review_median_hours, r.reviewed_prs),
        (Some(4.0), 3)
    );
}

#[test]
fn only_critical_ai_assisted_prs_merged_unreviewed_in_the_range_raise_alerts() {
    let alerts = run().alerts;
    let got: Vec<(i64, &str, Option<&str>)> = alerts
        .iter()
        .map(|a| (a.number, a.url.as_str(), a.author.as_deref()))
        .collect();
    assert_eq!(got, vec![(1, "https://example.test/a/pull/1", Some("ada"))]);
}

#[test]
fn the_share_of_edits_made_with_review_off_is_given_per_developer_and_repository() {
    let r = run();
    let share = |v: &[crate::reviews::EditReview]| {
        v.iter()
            .map(|e| {
                (
                    e.key.clone(),
                    e.edits,
                    e.edits_unreviewed,
                    e.unreviewed_share_pct,
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        share(&r.edits_by_developer),
        vec![("ada".into(), 20, 14, Some(70.0))]
    );
    assert_eq!(r.edits_by_developer[0].user_id, Some(1));
    assert!(r.edits_by_repository.iter().all(|e| e.user_id.is_none()));
    assert_eq!(
        share(&r.edits_by_repository),
        vec![
            ("(none)".into(), 10, 10, Some(100.0)),
            ("acme/shop".into(), 10, 4, Some(40.0))
        ]
    );
}

#[test]
fn reviews_over_no_prs_have_no_rate() {
    let params = ReviewsParams {
        range: range("2026-11-01", "2026-11-30"),
        tz: UTC,
        skip_rate_target_pct: 10.0,
    };
    let r = reviews_report(
        &[],
        &usage_frame(&[], UTC).expect("frame"),
        &[],
        &[],
        &params,
    )
    .expect("report");
    assert_eq!(
        (r.overall.all.merged, r.overall.all.skip_rate_pct),
        (0, None)
    );
    assert!(r.by_developer.is_empty() && r.alerts.is_empty() && r.edits_by_developer.is_empty());
}

#[test]
fn time_to_first_review_is_a_median_per_split_and_per_week_of_merge_with_every_week_listed() {
    let r = run();
    // Merged in November, all on Tue 10 Nov: reviews after 2 h (PR 2), 4 h (3) and 6 h (4).
    let splits: Vec<(String, usize, Option<f64>)> = r
        .time_to_first_review_by_split
        .iter()
        .map(|t| (t.split.clone(), t.reviewed_prs, t.median_hours))
        .collect();
    assert_eq!(
        splits,
        vec![
            ("all".into(), 3, Some(4.0)),
            ("ai".into(), 1, Some(2.0)),
            ("not_ai".into(), 2, Some(5.0)),
            ("critical".into(), 1, Some(4.0)),
            ("not_critical".into(), 2, Some(4.0)),
        ]
    );
    // Sun 1 Nov to Mon 30 Nov: six weeks, the first and last cut by the range.
    let weeks: Vec<(String, bool, usize, usize, Option<f64>)> = r
        .weeks
        .iter()
        .map(|w| {
            (
                w.week_start.to_string(),
                w.partial,
                w.merged_prs,
                w.reviewed_prs,
                w.median_hours,
            )
        })
        .collect();
    assert_eq!(
        weeks,
        vec![
            ("2026-10-26".into(), true, 0, 0, None),
            ("2026-11-02".into(), false, 0, 0, None),
            ("2026-11-09".into(), false, 6, 3, Some(4.0)),
            ("2026-11-16".into(), false, 0, 0, None),
            ("2026-11-23".into(), false, 0, 0, None),
            ("2026-11-30".into(), true, 0, 0, None),
        ]
    );
}

#[test]
fn the_share_of_edits_made_with_review_off_is_given_per_team_and_overall() {
    let r = run();
    // Ada (team core) made 20 edits, 4 + 10 with review off; Bob none.
    let e = &r.edits_overall;
    assert_eq!(
        (
            e.key.as_str(),
            e.edits,
            e.edits_unreviewed,
            e.unreviewed_share_pct
        ),
        ("all", 20, 14, Some(70.0))
    );
    let teams: Vec<(String, i64, i64, Option<f64>)> = r
        .edits_by_team
        .iter()
        .map(|e| {
            (
                e.key.clone(),
                e.edits,
                e.edits_unreviewed,
                e.unreviewed_share_pct,
            )
        })
        .collect();
    assert_eq!(teams, vec![("core".into(), 20, 14, Some(70.0))]);
}

#[test]
fn each_week_of_merge_has_its_skip_counts_and_the_report_its_target() {
    let r = run();
    assert_eq!(r.skip_rate_target_pct, 10.0);
    let weeks: Vec<(String, Counts)> = r
        .weeks
        .iter()
        .map(|w| (w.week_start.to_string(), counts(&w.skips)))
        .collect();
    // All six November merges fall in the week of 9 Nov: the overall counts; other weeks zero.
    let zero = (0, 0, 0, 0, None);
    assert_eq!(
        weeks,
        vec![
            ("2026-10-26".into(), zero),
            ("2026-11-02".into(), zero),
            ("2026-11-09".into(), (6, 5, 2, 1, Some(60.0))),
            ("2026-11-16".into(), zero),
            ("2026-11-23".into(), zero),
            ("2026-11-30".into(), zero),
        ]
    );
}

#[test]
fn the_team_medians_leave_out_unmatched_authors_and_are_withheld_under_three_developers() {
    use crate::reviews::{peer_medians, EditReview};
    let mut r = run();
    // Ada 100 %, Bob 0 %; the unmatched author's 100 % is nobody's.
    let two = peer_medians(&r);
    assert_eq!(
        (two.developers_with_skip_rate, two.skip_rate_pct),
        (2, None)
    );
    assert_eq!(
        (two.developers_with_edits, two.review_off_share_pct),
        (1, None)
    );

    let mut carl = r.by_developer[2].clone();
    carl.user_id = Some(3);
    carl.all.skip_rate_pct = Some(50.0);
    r.by_developer.push(carl);
    let edits = |id: i64, share: f64| EditReview {
        key: format!("user {id}"),
        user_id: Some(id),
        edits: 10,
        edits_unreviewed: (share / 10.0) as i64,
        unreviewed_share_pct: Some(share),
    };
    r.edits_by_developer
        .extend([edits(2, 10.0), edits(3, 20.0), edits(4, 90.0)]);
    let three = peer_medians(&r);
    assert_eq!(
        (three.developers_with_skip_rate, three.skip_rate_pct),
        (3, Some(50.0))
    );
    // Ada 70 %, then 10, 20, 90: the median of four is the mean of the middle two.
    assert_eq!(three.developers_with_edits, 4);
    assert_eq!(three.review_off_share_pct, Some(45.0));
}
