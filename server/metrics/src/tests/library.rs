//! Library usage on a small hand-computed month (UTC): two weeks, 2026-11-02 to 2026-11-15.

use chrono::NaiveDate;
use chrono_tz::UTC;

use super::*;

fn ms(date: &str) -> i64 {
    NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .expect("date")
        .and_hms_opt(12, 0, 0)
        .expect("noon")
        .and_utc()
        .timestamp_millis()
}

fn day(date: &str) -> NaiveDate {
    NaiveDate::parse_from_str(date, "%Y-%m-%d").expect("date")
}

fn item(item_id: i64, is_hook: bool, names: &[&str], created: &str) -> LibraryItemRow {
    LibraryItemRow {
        item_id,
        is_hook,
        skill_names: names.iter().map(|n| n.to_string()).collect(),
        created_ms: ms(created),
        withdrawn_ms: None,
    }
}

fn call(user_id: i64, date: &str, session: &str, skill: &str, calls: u64) -> SkillCallRow {
    SkillCallRow {
        user_id,
        ts_ms: ms(date),
        session: session.into(),
        skill: skill.into(),
        calls,
    }
}

fn session(user_id: i64, id: &str, date: &str, tokens: u64, cost: Option<f64>) -> SessionRow {
    SessionRow {
        user_id,
        session: id.into(),
        first_ts_ms: ms(date),
        tokens,
        cost_usd: cost,
        unknown_cost_events: if cost.is_none() { 2 } else { 0 },
    }
}

fn install(user_id: i64, version: i64, first: &str, last: &str) -> InstallRow {
    InstallRow {
        user_id,
        item_id: 2,
        version,
        first_synced_ms: ms(first),
        last_synced_ms: ms(last),
    }
}

#[test]
fn skills_count_their_calls_and_hooks_the_sessions_of_machines_that_installed_them() {
    let items = [
        item(1, false, &["platform:release-notes"], "2026-10-01"),
        item(2, true, &[], "2026-10-01"),
        item(3, false, &["platform:old"], "2026-09-01"),
        item(4, false, &["platform:new"], "2026-11-10"),
    ];
    let calls = [
        call(10, "2026-11-03", "s1", "platform:release-notes", 2),
        call(11, "2026-11-04", "s2", "platform:release-notes", 1),
        call(10, "2026-11-10", "s3", "platform:release-notes", 1),
        call(12, "2026-11-05", "s5", "web:release-notes", 3),
        call(12, "2026-10-20", "s0", "platform:release-notes", 5),
    ];
    let sessions = [
        session(10, "s1", "2026-11-03", 1000, Some(1.5)),
        session(11, "s2", "2026-11-04", 500, None),
        session(10, "s3", "2026-11-10", 200, Some(0.25)),
        session(11, "s4", "2026-11-12", 300, Some(0.5)),
        session(12, "s5", "2026-11-05", 50, Some(0.1)),
    ];
    let installs = [
        install(11, 1, "2026-11-05", "2026-11-05"),
        install(11, 2, "2026-11-08", "2026-11-12"),
        install(12, 1, "2026-11-01", "2026-11-01"),
    ];
    let input = LibraryInput {
        items: &items,
        skill_calls: &calls,
        sessions: &sessions,
        installs: &installs,
        range: DateRange::new(day("2026-11-02"), day("2026-11-15")).expect("range"),
        tz: UTC,
        unused_weeks: 2,
    };

    let report = library_usage(&input).expect("report");

    let skill = &report[0];
    assert_eq!(
        (skill.uses, skill.users, skill.sessions, skill.tokens),
        (4, 2, 3, 1700),
        "2 + 1 + 1 calls by users 10 and 11 in s1, s2, s3; the October call and web's skill do not count"
    );
    assert!((skill.cost_usd - 1.75).abs() < 1e-9);
    assert_eq!(skill.unknown_cost_events, 2);
    assert_eq!(
        skill.weeks,
        [
            WeekUsage {
                week: day("2026-11-02"),
                uses: 3,
                users: 2
            },
            WeekUsage {
                week: day("2026-11-09"),
                uses: 1,
                users: 1
            },
        ]
    );
    assert_eq!(skill.last_used, Some(day("2026-11-10")));
    assert!(!skill.unused);

    let hook = &report[1];
    assert_eq!(
        (
            hook.uses,
            hook.users,
            hook.sessions,
            hook.tokens,
            hook.installs
        ),
        (2, 2, 2, 350, 2),
        "s5 (user 12, after their sync of 1 Nov) and s4 (user 11, after 5 Nov); s2 came before"
    );
    assert!((hook.cost_usd - 0.6).abs() < 1e-9);
    assert_eq!(hook.installs_by_version, BTreeMap::from([(1, 1), (2, 1)]));

    assert!(
        report[2].unused,
        "created in September, no use in the last two weeks"
    );
    assert_eq!(report[2].uses, 0);
    assert!(
        !report[3].unused,
        "created on 10 November: too new to be flagged"
    );
}

#[test]
fn a_withdrawn_hook_stops_counting_sessions_from_its_withdrawal() {
    let mut hook = item(2, true, &[], "2026-10-01");
    hook.withdrawn_ms = Some(ms("2026-11-09"));
    let sessions = [
        session(12, "a", "2026-11-05", 10, Some(0.1)),
        session(12, "b", "2026-11-10", 10, Some(0.1)),
    ];
    let installs = [install(12, 1, "2026-11-01", "2026-11-01")];
    let input = LibraryInput {
        items: &[hook],
        skill_calls: &[],
        sessions: &sessions,
        installs: &installs,
        range: default_range(day("2026-11-15"), 2).expect("range"),
        tz: UTC,
        unused_weeks: 1,
    };

    let report = library_usage(&input).expect("report");

    assert_eq!(input.range.from, day("2026-11-02"));
    assert_eq!(report[0].uses, 1);
    assert!(
        !report[0].unused,
        "a withdrawn item is not flagged as unused"
    );
}
