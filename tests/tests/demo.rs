//! The demo organisation, loaded through the real ingest paths (uploaded logs, commit batches,
//! signed webhooks), the metrics engine recovering its planted truths through the HTTP API, and
//! every dashboard page showing it in Chromium.

use std::collections::BTreeSet;

use agentmeter_seeds::org::{Developer, DEVELOPERS};
use agentmeter_seeds::DemoOrg;
use serde_json::Value;

use crate::support::app::PASSWORD;
use crate::support::chromium::{visit_in_chromium, Visit};
use crate::support::dashboard::{ADMIN_PAGES, TEAM_PAGES};
use crate::support::{Backend, TestApp};

fn f64_at(value: &Value, pointer: &str) -> f64 {
    value
        .pointer(pointer)
        .and_then(Value::as_f64)
        .unwrap_or_else(|| panic!("no number at {pointer} in {value}"))
}

fn cents(usd: f64) -> i64 {
    (usd * 100.0).round() as i64
}

fn names(emails: &[String]) -> BTreeSet<String> {
    emails
        .iter()
        .map(|e| {
            DEVELOPERS
                .iter()
                .find(|d| &d.email() == e)
                .map_or_else(|| e.clone(), |d| d.name.to_string())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_organisation_loads_through_the_ingest_paths_and_the_engine_recovers_its_planted_truths(
) {
    // Arrange
    let truths = DemoOrg::generate().truths;
    let (app, admin) = TestApp::spawn_demo(Backend::sqlite()).await;

    // Act
    let spend = app
        .get_json(
            &admin,
            &format!(
                "/api/v1/metrics/spend?from=2026-08-01&to=2026-09-30&group_by=month&team={}",
                truths.spend_team
            ),
        )
        .await;
    let plans = app
        .get_json(
            &admin,
            "/api/v1/metrics/plans?from=2026-09-01&to=2026-09-30",
        )
        .await;
    let adoption = app
        .get_json(
            &admin,
            "/api/v1/metrics/adoption?from=2026-07-01&to=2026-09-30",
        )
        .await;
    let productivity = app
        .get_json(&admin, "/api/v1/metrics/productivity?to=2026-09-30")
        .await;
    let reviews = app
        .get_json(
            &admin,
            "/api/v1/reviews/summary?from=2026-04-01&to=2026-09-30",
        )
        .await;

    // Assert: the Payments team's spend, to the cent, month over month.
    let months = spend["months"]
        .as_array()
        .unwrap_or_else(|| panic!("months in {spend}"));
    let got: Vec<(String, i64)> = months
        .iter()
        .map(|m| {
            (
                m["month"].as_str().unwrap_or("").to_owned(),
                cents(f64_at(m, "/cost_usd")),
            )
        })
        .collect();
    let want: Vec<(String, i64)> = truths
        .spend_months
        .iter()
        .map(|(m, usd)| (m.clone(), cents(*usd)))
        .collect();
    assert_eq!(got, want, "Payments spend by month");

    // The pay-as-you-go developers a flat plan would save money for, exactly.
    let lines = plans["lines"]
        .as_array()
        .unwrap_or_else(|| panic!("lines in {plans}"));
    let flagged: BTreeSet<String> = lines
        .iter()
        .filter(|l| l["payg_would_save"] == Value::Bool(true))
        .map(|l| l["name"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(flagged, names(&truths.payg_would_save));

    // Usage is concentrated in a motivated minority; exactly those who never started are listed.
    assert!(
        f64_at(&adoption, "/concentration/top20_share_pct") > 60.0,
        "top 20 % share: {}",
        adoption["concentration"]
    );
    let not_started: BTreeSet<String> = adoption["not_started"]
        .as_array()
        .unwrap_or_else(|| panic!("not_started in {adoption}"))
        .iter()
        .map(|d| d["name"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(not_started, names(&truths.not_started));

    // Team throughput: merged PRs per developer-week up about 35 %, with its interval.
    let lift = f64_at(&productivity, "/merged_prs_per_week/lift_pct");
    assert!(
        (lift - truths.throughput_lift_pct).abs() <= 5.0,
        "lift {lift}, planted {}",
        truths.throughput_lift_pct
    );
    assert!(f64_at(&productivity, "/merged_prs_per_week/ci_low_pct") < lift);

    // Exactly the planted critical AI-assisted PRs merged without review, newest first.
    let alerts: Vec<(String, u64)> = reviews["alerts"]
        .as_array()
        .unwrap_or_else(|| panic!("alerts in {reviews}"))
        .iter()
        .map(|a| {
            (
                a["repository"].as_str().unwrap_or("").to_owned(),
                a["number"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let planted: Vec<(String, u64)> = truths
        .critical_unreviewed_ai_prs
        .iter()
        .map(|p| (p.repository.clone(), p.number))
        .collect();
    assert_eq!(alerts, planted);

    // The dashboard shows the demo whole: every page in Chromium, as an admin and as the
    // Platform manager, who sees no other team's people.
    let platform = |d: &&Developer| d.team == "Platform";
    let (ours, theirs): (Vec<&Developer>, Vec<&Developer>) = DEVELOPERS.iter().partition(platform);
    let and_developer = |pages: &[&str], developer: &Developer| -> Vec<String> {
        pages
            .iter()
            .map(|p| p.to_string())
            .chain([format!("/developers/{}", developer.email())])
            .collect()
    };
    let admin_visit = Visit {
        role: "admin",
        email: app
            .add_user("browser-admin@demo.test", "admin", &[])
            .await
            .email,
        password: PASSWORD.into(),
        landing: "/",
        pages: and_developer(&[&TEAM_PAGES[..], &ADMIN_PAGES[..]].concat(), theirs[0]),
        forbidden_text: vec![],
        forbidden_pages: vec![],
    };
    let manager_visit = Visit {
        role: "manager",
        email: app
            .add_user("browser-manager@demo.test", "manager", &["Platform"])
            .await
            .email,
        password: PASSWORD.into(),
        landing: "/",
        pages: and_developer(&TEAM_PAGES, ours[0]),
        forbidden_text: theirs.iter().map(|d| d.name.to_owned()).collect(),
        forbidden_pages: vec![
            format!("/spend?team={}", theirs[0].team),
            format!("/developers/{}", theirs[0].email()),
        ],
    };
    visit_in_chromium(&app, "demo", &[admin_visit, manager_visit]).await;
}
