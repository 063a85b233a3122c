use super::*;

fn sum(
    user_id: i64,
    session: &str,
    telemetry: bool,
    figure: Figure,
    value: f64,
) -> SessionActivity {
    SessionActivity {
        user_id,
        session_id: session.into(),
        from_telemetry: telemetry,
        figure,
        tool: None,
        value,
    }
}

fn decision(
    user_id: i64,
    session: &str,
    telemetry: bool,
    tool: &str,
    accepted: bool,
) -> SessionActivity {
    let figure = if accepted {
        Figure::EditAccepted
    } else {
        Figure::EditRejected
    };
    SessionActivity {
        tool: Some(tool.into()),
        ..sum(user_id, session, telemetry, figure, 1.0)
    }
}

fn developer(user_id: i64, name: &str) -> DeveloperRow {
    DeveloperRow {
        user_id,
        name: name.into(),
        email: format!("{name}@example.com"),
        teams: Vec::new(),
        plans: Vec::new(),
    }
}

fn range() -> DateRange {
    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap_or_default();
    DateRange::new(day(1), day(30)).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_session_with_telemetry_is_counted_from_telemetry_alone() {
    // Session s1 was seen both ways (telemetry 5 added, uploader 4); s2 only uploaded.
    let sums = vec![
        sum(1, "s1", true, Figure::LinesAdded, 5.0),
        sum(1, "s1", false, Figure::LinesAdded, 4.0),
        sum(1, "s1", false, Figure::LinesRemoved, 1.0),
        sum(1, "s2", false, Figure::LinesAdded, 10.0),
        sum(1, "s2", false, Figure::LinesRemoved, 2.0),
    ];
    let report = activity_report(&sums, &[developer(1, "ana")], &range()).expect("report");
    let ana = &report.per_developer[0].figures;
    assert_eq!((ana.lines_added, ana.lines_removed), (15, 2));
    assert_eq!(report.total.lines_added, 15);
}

#[test]
fn acceptance_is_accepted_over_all_decisions_per_developer_and_tool() {
    // Telemetry for s1: 2 Edit accepted, 1 Edit rejected, 1 Write accepted; the uploader's
    // copy of s1 (ignored) and s2 (counted): 1 Write rejected.
    let sums = vec![
        decision(1, "s1", true, "Edit", true),
        decision(1, "s1", true, "Edit", true),
        decision(1, "s1", true, "Edit", false),
        decision(1, "s1", true, "Write", true),
        decision(1, "s1", false, "Edit", false),
        decision(1, "s2", false, "Write", false),
    ];
    let report = activity_report(&sums, &[developer(1, "ana")], &range()).expect("report");
    let ana = &report.per_developer[0].figures;
    assert_eq!((ana.edits_accepted, ana.edits_rejected), (3, 2));
    assert_eq!(ana.edit_acceptance_pct, Some(60.0));
    let edit = &report.per_tool[0];
    assert_eq!(
        (edit.tool.as_str(), edit.accepted, edit.rejected),
        ("Edit", 2, 1)
    );
    let write = &report.per_tool[1];
    assert_eq!(
        (write.tool.as_str(), write.accepted, write.rejected),
        ("Write", 1, 1)
    );
    assert_eq!(write.acceptance_pct, Some(50.0));
}

#[test]
fn active_hours_and_the_api_error_rate_per_developer() {
    let sums = vec![
        sum(1, "s1", true, Figure::ActiveSeconds, 5400.0),
        sum(1, "s1", true, Figure::ApiRequests, 9.0),
        sum(1, "s1", true, Figure::ApiErrors, 1.0),
        sum(2, "s9", true, Figure::ActiveSeconds, 1800.0),
        sum(3, "s5", true, Figure::ApiErrors, 4.0),
    ];
    let developers = [developer(1, "ana"), developer(2, "li")];
    let report = activity_report(&sums, &developers, &range()).expect("report");
    let (ana, li) = (
        &report.per_developer[0].figures,
        &report.per_developer[1].figures,
    );
    assert_eq!(ana.active_hours, 1.5);
    assert_eq!(ana.api_error_rate_pct, Some(10.0));
    assert_eq!(li.active_hours, 0.5);
    assert_eq!(li.api_error_rate_pct, None);
    assert_eq!(li.edit_acceptance_pct, None);
    // User 3 is not listed: their errors are out of the total.
    assert_eq!(report.total.api_errors, 1);
    assert_eq!(report.total.active_hours, 2.0);
}
