//! The demo organisation, loaded through the real ingest paths (uploaded logs, commit batches,
//! signed webhooks), the metrics engine recovering its planted truths through the HTTP API (for
//! explicit ranges on both backends, and in the default views of a demo loaded on different
//! days), every dashboard page showing it in Chromium, and `serve --demo` answering only once
//! the demo is whole.

mod pages;

use std::collections::BTreeSet;

use agentmeter_seeds::github::pull_request_deliveries;
use agentmeter_seeds::org::{Developer, DEVELOPERS};
use agentmeter_seeds::truths::PlantedTruths;
use agentmeter_seeds::DemoOrg;
use chrono::NaiveDate;
use serde_json::Value;

use crate::support::app::TestUser;
use crate::support::app::PASSWORD;
use crate::support::chromium::{visit_in_chromium, Visit};
use crate::support::dashboard::{ADMIN_PAGES, TEAM_PAGES};
use crate::support::serve::start_serve;
use crate::support::{for_each_backend, Backend, TestApp};

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

fn day(text: &str) -> NaiveDate {
    text.parse().expect("a date")
}

/// The queries of the five reports the planted truths show in.
struct Queries {
    spend: String,
    plans: String,
    adoption: String,
    productivity: String,
    reviews: String,
}

impl Queries {
    /// The default views: no dates at all (the window must end at the last day with data).
    fn defaults(truths: &PlantedTruths) -> Queries {
        Queries {
            spend: format!(
                "/api/v1/metrics/spend?group_by=month&team={}",
                truths.spend_team
            ),
            plans: "/api/v1/metrics/plans".into(),
            adoption: "/api/v1/metrics/adoption".into(),
            productivity: "/api/v1/metrics/productivity".into(),
            reviews: "/api/v1/reviews/summary".into(),
        }
    }

    /// Explicit ranges over the demo's calendar: the spend months, the last full month for
    /// plans, the adoption period, and the whole history for reviews.
    fn explicit(org: &DemoOrg) -> Queries {
        let cal = &org.calendar;
        let [first_spend, last_spend] = cal.spend_months();
        let month_end = agentmeter_seeds::timeline::last_of_month;
        Queries {
            spend: format!(
                "/api/v1/metrics/spend?from={first_spend}&to={}&group_by=month&team={}",
                month_end(last_spend),
                org.truths.spend_team
            ),
            plans: format!(
                "/api/v1/metrics/plans?from={last_spend}&to={}",
                month_end(last_spend)
            ),
            adoption: format!(
                "/api/v1/metrics/adoption?from={}&to={}",
                cal.adoption_start, cal.end
            ),
            productivity: format!("/api/v1/metrics/productivity?to={}", cal.end),
            reviews: format!(
                "/api/v1/reviews/summary?from={}&to={}",
                cal.baseline_start, cal.end
            ),
        }
    }
}

/// Asks the five reports and checks every planted truth in their answers.
async fn assert_planted_truths(app: &TestApp, admin: &TestUser, org: &DemoOrg, q: &Queries) {
    let truths = &org.truths;
    let when = format!("demo of {}", org.calendar.today);
    let spend = app.get_json(admin, &q.spend).await;
    let plans = app.get_json(admin, &q.plans).await;
    let adoption = app.get_json(admin, &q.adoption).await;
    let productivity = app.get_json(admin, &q.productivity).await;
    let reviews = app.get_json(admin, &q.reviews).await;

    // The Payments team's spend, to the cent, month over month (the report may also show
    // today's month, which has only begun).
    let spend_months: Vec<&String> = truths.spend_months.iter().map(|(m, _)| m).collect();
    let got: Vec<(String, i64)> = spend["months"]
        .as_array()
        .unwrap_or_else(|| panic!("{when}: months in {spend}"))
        .iter()
        .map(|m| {
            (
                m["month"].as_str().unwrap_or("").to_owned(),
                cents(f64_at(m, "/cost_usd")),
            )
        })
        .filter(|(m, _)| spend_months.contains(&m))
        .collect();
    let want: Vec<(String, i64)> = truths
        .spend_months
        .iter()
        .map(|(m, usd)| (m.clone(), cents(*usd)))
        .collect();
    assert_eq!(got, want, "{when}: Payments spend by month");

    // The pay-as-you-go developers a flat plan would save money for in the last full month.
    let flagged: BTreeSet<String> = plans["lines"]
        .as_array()
        .unwrap_or_else(|| panic!("{when}: lines in {plans}"))
        .iter()
        .filter(|l| l["month"] == truths.plans_month.as_str())
        .filter(|l| l["payg_would_save"] == Value::Bool(true))
        .map(|l| l["name"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(flagged, names(&truths.payg_would_save), "{when}");

    // Usage is concentrated in a motivated minority; exactly those who never started are listed.
    assert!(
        f64_at(&adoption, "/concentration/top20_share_pct") > 60.0,
        "{when}: top 20 % share: {}",
        adoption["concentration"]
    );
    let not_started: BTreeSet<String> = adoption["not_started"]
        .as_array()
        .unwrap_or_else(|| panic!("{when}: not_started in {adoption}"))
        .iter()
        .map(|d| d["name"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(not_started, names(&truths.not_started), "{when}");

    // Team throughput: merged PRs per developer-week up about 35 %, with its interval.
    let lift = f64_at(&productivity, "/merged_prs_per_week/lift_pct");
    assert!(
        (lift - truths.throughput_lift_pct).abs() <= 5.0,
        "{when}: lift {lift}, planted {}",
        truths.throughput_lift_pct
    );
    assert!(f64_at(&productivity, "/merged_prs_per_week/ci_low_pct") < lift);

    // Exactly the planted critical AI-assisted PRs merged without review, newest first.
    let alerts: Vec<(String, u64)> = reviews["alerts"]
        .as_array()
        .unwrap_or_else(|| panic!("{when}: alerts in {reviews}"))
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
    assert_eq!(alerts, planted, "{when}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_organisation_loads_through_the_ingest_paths_and_the_engine_recovers_its_planted_truths(
) {
    // Arrange
    let org = DemoOrg::generate_on(day("2026-10-01"));
    let (app, admin) = TestApp::spawn_demo(Backend::sqlite(), org.calendar.today).await;

    // Act and assert: the planted truths, over the demo's own months.
    assert_eq!(
        org.truths.spend_months[1].0, "2026-09",
        "loaded on 2026-10-01, the demo's last full month is September"
    );
    assert_planted_truths(&app, &admin, &org, &Queries::explicit(&org)).await;

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
    // Library item pages too: the most used (its weekly chart beside the key numbers) and one
    // awaiting review (its version's diff).
    let items = app.get_json(&admin, "/api/v1/library/items").await;
    let items = items.as_array().expect("library items");
    let most_used = items
        .iter()
        .max_by_key(|i| i["usage"]["uses"].as_i64())
        .expect("a library item in the demo");
    let pending = items
        .iter()
        .find(|i| i["pending_versions"].as_i64() > Some(0))
        .expect("a library item awaiting review in the demo");
    let item_pages = [most_used, pending].map(|i| format!("/library/{}", i["id"]));
    let admin_visit = Visit {
        role: "admin",
        email: app
            .add_user("browser-admin@demo.test", "admin", &[])
            .await
            .email,
        password: PASSWORD.into(),
        landing: "/",
        pages: and_developer(&[&TEAM_PAGES[..], &ADMIN_PAGES[..]].concat(), theirs[0])
            .into_iter()
            .chain(item_pages)
            .chain(["/library".to_owned()])
            .collect(),
        forbidden_text: vec![],
        forbidden_pages: vec![],
        ..Visit::default()
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
        ..Visit::default()
    };
    visit_in_chromium(&app, "demo", &[admin_visit, manager_visit]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loaded_on_any_day_the_demo_shows_its_planted_truths_in_the_default_views_up_to_yesterday()
{
    // The API's answers and the pages, neither given any date.
    // On the first of a month (today's month has no data yet) and in the middle of one.
    for today in [day("2026-10-01"), day("2026-11-18")] {
        // Arrange
        let org = DemoOrg::generate_on(today);
        let (app, admin) = TestApp::spawn_demo(Backend::sqlite(), today).await;

        // Act and assert
        assert_planted_truths(&app, &admin, &org, &Queries::defaults(&org.truths)).await;
        pages::assert_pages_show_planted_truths(&app, &admin, &org).await;
        let spend = app.get_json(&admin, "/api/v1/metrics/spend").await;
        assert_eq!(
            spend["data_as_of"].as_str(),
            Some(org.calendar.end.to_string().as_str()),
            "demo of {today}: the default window ends yesterday, and says so"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_either_backend_the_demo_shows_its_planted_truths() {
    for_each_backend(|backend| async move {
        // Arrange
        let today = day("2026-10-01");
        let org = DemoOrg::generate_on(today);

        // Act
        let (app, admin) = TestApp::spawn_demo(backend, today).await;

        // Assert
        assert_planted_truths(&app, &admin, &org, &Queries::explicit(&org)).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_demo_announces_and_answers_on_its_address_only_once_the_demo_is_whole() {
    // Arrange
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite:{}", dir.path().join("agentmeter.db").display());

    // Act: returns as soon as the server announces its address.
    let server = start_serve(&url, true);

    // Assert: by then today's demo is all stored, its last stage (the library) included, and
    // every pull request classified.
    let org = DemoOrg::generate_on(chrono::Utc::now().date_naive());
    let deliveries: usize = org
        .pull_requests
        .iter()
        .map(|pr| pull_request_deliveries(pr).len())
        .sum();
    sqlx::any::install_default_drivers();
    let sql = sqlx::AnyPool::connect(&url).await.expect("the database");
    let count = |query: &'static str| {
        let sql = sql.clone();
        async move {
            sqlx::query_scalar::<_, i64>(query)
                .fetch_one(&sql)
                .await
                .expect(query)
        }
    };
    assert_eq!(
        count("SELECT COUNT(*) FROM webhook_deliveries").await,
        deliveries as i64
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM pull_requests WHERE outcome IS NOT NULL").await,
        org.pull_requests.len() as i64,
        "every merged pull request classified"
    );
    assert!(count("SELECT COUNT(*) FROM library_installs").await > 0);
    let ready = reqwest::get(server.url("/readyz")).await.expect("readyz");
    assert!(ready.status().is_success());
}
