use chrono_tz::UTC;

use super::fixtures::{claude, date, dev, range};
use crate::adoption::{adoption_report, concentration, AdoptionParams, AdoptionReport};
use crate::frames::usage_frame;
use crate::rows::{DeveloperRow, UsageRow};

fn developers() -> Vec<DeveloperRow> {
    vec![
        dev(1, "ada", &[10], &[1]),
        dev(2, "bob", &[10], &[1]),
        dev(3, "cy", &[20], &[]),
        dev(4, "dan", &[20], &[]),
    ]
}

fn run(rows: &[UsageRow], developers: &[DeveloperRow]) -> AdoptionReport {
    // Two whole weeks: Monday 2 November to Sunday 15 November 2026.
    let params = AdoptionParams {
        range: range("2026-11-02", "2026-11-15"),
        tz: UTC,
    };
    adoption_report(&usage_frame(rows, UTC).expect("frame"), developers, &params).expect("report")
}

fn usage() -> Vec<UsageRow> {
    vec![
        claude(1, "2026-10-20T10:00:00Z", 1.0), // ada's first use, before the range
        claude(1, "2026-11-02T10:00:00Z", 6.0),
        claude(1, "2026-11-03T10:00:00Z", 2.0),
        UsageRow {
            session_id: "ada-second".into(),
            ..claude(1, "2026-11-10T10:00:00Z", 2.0)
        },
        claude(2, "2026-11-08T10:00:00Z", 1.0), // a Sunday: week 1
        claude(3, "2026-11-12T10:00:00Z", 1.0),
        claude(3, "2026-11-16T10:00:00Z", 50.0), // after `to`: ignored everywhere
    ]
}

#[test]
fn weekly_active_developers_are_compared_with_seats() {
    let r = run(&usage(), &developers());
    let weeks: Vec<(String, usize, usize, Option<f64>)> = r
        .weeks
        .iter()
        .map(|w| {
            (
                w.week_start.to_string(),
                w.seats,
                w.active_developers,
                w.active_pct_of_seats,
            )
        })
        .collect();
    // Week 1: ada, bob. Week 2: ada, cy. Two seats (ada, bob have plans).
    assert_eq!(
        weeks,
        vec![
            ("2026-11-02".into(), 2, 2, Some(100.0)),
            ("2026-11-09".into(), 2, 2, Some(100.0))
        ]
    );
    assert_eq!((r.seats, r.developers), (2, 4));
}

#[test]
fn sessions_active_days_and_first_use_are_counted_per_developer() {
    let r = run(&usage(), &developers());
    let ada = &r.per_developer[0];
    assert_eq!(
        (
            ada.sessions,
            ada.active_days,
            ada.cost_usd,
            ada.tokens,
            ada.first_use
        ),
        (2, 3, 10.0, 330, Some(date("2026-10-20")))
    );
    let dan = &r.per_developer[3];
    assert_eq!(
        (dan.sessions, dan.active_days, dan.cost_usd, dan.first_use),
        (0, 0, 0.0, None)
    );
    assert_eq!(
        r.not_started
            .iter()
            .map(|n| n.name.as_str())
            .collect::<Vec<_>>(),
        ["dan"]
    );
}

#[test]
fn the_top_fifth_and_gini_include_developers_who_spent_nothing() {
    let c = run(&usage(), &developers()).concentration;
    // Costs 10, 1, 1, 0: top ceil(0.8) = 1 developer holds 10 / 12.
    // Gini: ascending 0, 1, 1, 10 -> 2 (1*0 + 2*1 + 3*1 + 4*10) / (4 * 12) - 5/4 = 0.625.
    assert_eq!((c.developers, c.top_developers), (4, 1));
    assert!((c.top20_share_pct.expect("share") - 1000.0 / 12.0).abs() < 1e-9);
    assert!((c.gini.expect("gini") - 0.625).abs() < 1e-12);
}

#[test]
fn gini_is_zero_for_equal_use_and_0_8_when_one_of_five_does_everything() {
    assert_eq!(concentration(&[3.0, 3.0, 3.0]).gini, Some(0.0));
    let one = concentration(&[0.0, 0.0, 0.0, 0.0, 7.0]);
    assert!((one.gini.expect("gini") - 0.8).abs() < 1e-12);
    assert_eq!(one.top20_share_pct, Some(100.0));
    assert_eq!(
        concentration(&[0.0, 0.0]).gini,
        None,
        "nothing spent, nothing concentrated"
    );
}

#[test]
fn the_ramp_indexes_weeks_from_each_developers_first_week() {
    let r = run(&usage(), &developers());
    let ramp: Vec<(i64, usize, usize, f64)> = r
        .ramp
        .iter()
        .map(|w| {
            (
                w.week_index,
                w.developers_reached,
                w.active_developers,
                w.cost_usd,
            )
        })
        .collect();
    // ada starts in the week of 19 Oct: index 0 (1$), 2 (8$), 3 (2$); bob starts the week of 2 Nov, cy of 9 Nov.
    assert_eq!(ramp, vec![(0, 3, 3, 3.0), (2, 1, 1, 8.0), (3, 1, 1, 2.0)]);
}

#[test]
fn developers_started_are_counted_for_every_week_from_the_first_use_with_none_skipped() {
    let r = run(&usage(), &developers());
    let started: Vec<(String, bool, usize)> = r
        .started_by_week
        .iter()
        .map(|w| (w.week_start.to_string(), w.partial, w.developers_started))
        .collect();
    // ada on Tue 20 Oct, bob on Sun 8 Nov, cy on Thu 12 Nov; dan never. The week of 26 Oct had
    // no new developer and is still there.
    assert_eq!(
        started,
        vec![
            ("2026-10-19".into(), false, 1),
            ("2026-10-26".into(), false, 1),
            ("2026-11-02".into(), false, 2),
            ("2026-11-09".into(), false, 3),
        ]
    );
}

#[test]
fn adoption_without_usage_lists_everyone_as_not_started() {
    let r = run(&[], &developers());
    assert_eq!(r.not_started.len(), 4);
    assert!(r.ramp.is_empty());
    assert_eq!(
        (r.concentration.gini, r.weeks[0].active_developers),
        (None, 0)
    );
}
