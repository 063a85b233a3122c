//! Plans, adoption, productivity and role scoping of the metrics endpoints (UTC org).

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{event, mills, org, send, upload, Org};
use crate::support::{for_each_backend, TestApp, TestUser};

const OCTOBER: &str = "from=2026-10-01&to=2026-10-31";

pub(super) async fn plan_id(app: &TestApp, user: &TestUser, name: &str) -> i64 {
    let catalog = app.get_json(user, "/api/v1/plans").await;
    catalog
        .as_array()
        .and_then(|c| c.iter().find(|p| p["name"] == name))
        .and_then(|p| p["id"].as_i64())
        .unwrap_or_else(|| panic!("no plan {name}"))
}

async fn assign(app: &TestApp, admin: &TestUser, email: &str, plan: &str) {
    let id = plan_id(app, admin, plan).await;
    let (status, body) = send(
        app,
        admin,
        Method::PUT,
        &format!("/api/v1/users/{email}/plan"),
        &json!({"vendor": "Anthropic", "plan_id": id}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

pub(super) fn line<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["lines"]
        .as_array()
        .and_then(|l| {
            l.iter()
                .find(|l| l["name"] == name && l["month"] == "2026-10")
        })
        .unwrap_or_else(|| panic!("no line {name} in {report}"))
}

/// ada: pay-as-you-go, nine $5 Opus requests on nine October days ($45; windows $5, weeks <= $25).
/// bob: Claude Pro, one $15 window (over Pro's $10). cyd: Claude Max 20x, unused.
pub(super) async fn plans_org(app: &TestApp) -> Org {
    let org = org(app).await;
    let days = ["01", "02", "05", "06", "07", "08", "09", "12", "13"];
    let opus = |day: &&str| {
        event(
            &format!("ada-{day}"),
            &format!("2026-10-{day}T09:00:00Z"),
            "claude-opus-4-8",
            0,
            200_000,
        )
    };
    upload(app, &org.ada, days.iter().map(opus).collect()).await;
    upload(
        app,
        &org.bob,
        vec![event(
            "bob-1",
            "2026-10-14T09:00:00Z",
            "claude-opus-4-8",
            0,
            600_000,
        )],
    )
    .await;
    assign(app, &org.admin, "bob@example.com", "Claude Pro").await;
    assign(
        app,
        &org.admin,
        "cyd@example.com",
        "Claude Max 20x (named \"Ultra\" from ~2026-10)",
    )
    .await;
    org
}

#[tokio::test]
async fn plans_recommend_the_cheapest_covering_plan_and_total_each_team() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let org = plans_org(&app).await;
        let report = app
            .get_json(&org.admin, &format!("/api/v1/metrics/plans?{OCTOBER}"))
            .await;

        let ada = line(&report, "ada");
        assert_eq!(
            (mills(&ada["api_cost_usd"]), ada["current_plan"].as_str()),
            (45_000, Some("pay-as-you-go"))
        );
        assert_eq!(
            (
                ada["recommended_plan"].as_str(),
                mills(&ada["monthly_saving_usd"])
            ),
            (Some("Claude Pro (annual)"), 28_000)
        );
        assert_eq!(
            (ada["payg_would_save"].as_bool(), ada["windows"].as_i64()),
            (Some(true), Some(9))
        );

        let bob = line(&report, "bob");
        assert_eq!(
            bob["current_limit_exceeded"], true,
            "a $15 window exceeds Pro's $10"
        );
        assert_eq!(
            (
                bob["recommended_plan"].as_str(),
                mills(&bob["monthly_saving_usd"])
            ),
            (Some("pay-as-you-go"), 5_000)
        );

        let cyd = line(&report, "cyd");
        assert_eq!(
            (
                cyd["seat_underused"].as_bool(),
                mills(&cyd["monthly_saving_usd"])
            ),
            (Some(true), 200_000)
        );

        let alpha = report["teams"]
            .as_array()
            .and_then(|t| t.iter().find(|t| t["team"] == "Alpha"))
            .expect("Alpha total");
        assert_eq!(
            (
                mills(&alpha["paid_now_usd"]),
                mills(&alpha["recommended_usd"]),
                mills(&alpha["monthly_saving_usd"])
            ),
            (245_000, 17_000, 228_000)
        );
    })
    .await;
}

#[tokio::test]
async fn adoption_counts_seats_active_developers_and_who_has_not_started() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let org = plans_org(&app).await;
        let report = app
            .get_json(&org.admin, &format!("/api/v1/metrics/adoption?{OCTOBER}"))
            .await;
        assert_eq!(
            (report["developers"].as_i64(), report["seats"].as_i64()),
            (Some(3), Some(2))
        );
        let names: Vec<&str> = report["not_started"]
            .as_array()
            .map(|n| n.iter().filter_map(|d| d["name"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(names, ["cyd"]);
        let week_of_5th = report["weeks"]
            .as_array()
            .and_then(|w| w.iter().find(|w| w["week_start"] == "2026-10-05"))
            .expect("week");
        assert_eq!(week_of_5th["active_developers"], 1);
        let ada = report["per_developer"]
            .as_array()
            .and_then(|d| d.iter().find(|d| d["name"] == "ada"))
            .expect("ada");
        assert_eq!(
            (
                ada["active_days"].as_i64(),
                ada["sessions"].as_i64(),
                ada["first_use"].as_str()
            ),
            (Some(9), Some(9), Some("2026-10-01"))
        );
        // Costs 45, 15, 0: the top ceil(0.6) = 1 developer takes 45 / 60.
        assert_eq!(
            report["concentration"]["top20_share_pct"]
                .as_f64()
                .map(|p| (p * 100.0).round()),
            Some(7500.0)
        );
    })
    .await;
}

fn commit(n: u32, email: &str, at: &str) -> Value {
    json!({"repository": "github.com/acme/shop", "sha": format!("{n:040x}"), "author_email": email, "author_name": email,
           "authored_at": at, "committed_at": at, "lines": {"added": 10, "removed": 2, "test_added": 3, "test_removed": 0}})
}

#[tokio::test]
async fn productivity_lift_compares_commit_rates_before_and_after_the_ramp_with_its_interval() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let org = org(&app).await;
        // Both start on Monday 5 Oct at midnight: baseline 21 Sep - 5 Oct, ramp one week, after 12 - 26 Oct.
        for user in [&org.ada, &org.bob] {
            upload(
                &app,
                user,
                vec![event(
                    &format!("{}-f", user.email),
                    "2026-10-05T00:00:00Z",
                    "claude-sonnet-4-5",
                    10,
                    10,
                )],
            )
            .await;
        }
        let mut commits = vec![commit(1, "cyd@example.com", "2026-08-03T10:00:00Z")]; // history starts in August
        let mut n = 100;
        for (email, before, after) in [("ada@example.com", 2, 4), ("bob@example.com", 4, 6)] {
            for i in 0..before + after {
                let day = if i < before { 22 + i % 7 } else { 13 + i % 7 };
                let month = if i < before { "09" } else { "10" };
                commits.push(commit(
                    n,
                    email,
                    &format!("2026-{month}-{day:02}T12:00:00Z"),
                ));
                n += 1;
            }
        }
        let (status, body) = send(
            &app,
            &org.admin,
            Method::POST,
            "/api/v1/ingest/commits",
            &json!({"commits": commits}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");

        let report = app
            .get_json(
                &org.admin,
                "/api/v1/metrics/productivity?to=2026-10-25&baseline_weeks=2&ramp_weeks=1",
            )
            .await;
        assert_eq!(report["developers_included"], 2);
        let lift = &report["commits_per_week"];
        // Rates 1 -> 2 and 2 -> 3 a week: (5 / 3 - 1) * 100; resamples give 100 (ada twice) to 50 (bob twice).
        assert_eq!(
            lift["lift_pct"].as_f64().map(|p| (p * 100.0).round()),
            Some(6667.0)
        );
        assert_eq!(
            (lift["ci_low_pct"].as_f64(), lift["ci_high_pct"].as_f64()),
            (Some(50.0), Some(100.0))
        );
        assert_eq!(
            report["developers_not_started"], 1,
            "cyd never used an assistant"
        );
    })
    .await;
}

#[tokio::test]
async fn a_developer_asking_for_another_team_is_refused_on_every_metrics_endpoint() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let org = plans_org(&app).await;
        for endpoint in ["spend", "plans", "adoption", "productivity"] {
            let refused = app
                .get(&org.ada, &format!("/api/v1/metrics/{endpoint}?team=Beta"))
                .await;
            assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{endpoint}");
            let other = app
                .get(
                    &org.manager,
                    &format!("/api/v1/metrics/{endpoint}?user=bob@example.com"),
                )
                .await;
            assert_eq!(
                other.status(),
                StatusCode::FORBIDDEN,
                "manager of Alpha asking for bob on {endpoint}"
            );
        }
        let own = app
            .get_json(
                &org.ada,
                &format!("/api/v1/metrics/spend?{OCTOBER}&group_by=developer"),
            )
            .await;
        let keys: Vec<&str> = own["groups"]
            .as_array()
            .map(|g| g.iter().filter_map(|g| g["key"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(keys, ["ada"]);
        let team = app
            .get_json(&org.manager, &format!("/api/v1/metrics/plans?{OCTOBER}"))
            .await;
        let mut names: Vec<&str> = team["lines"]
            .as_array()
            .map(|l| l.iter().filter_map(|l| l["name"].as_str()).collect())
            .unwrap_or_default();
        names.dedup();
        assert_eq!(names, ["ada", "cyd"], "the manager sees Alpha only");
    })
    .await;
}

#[tokio::test]
async fn only_admins_edit_the_plan_catalog_and_seats() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let org = org(&app).await;
        let id = plan_id(&app, &org.admin, "Claude Pro").await;
        let mut pro = app.get_json(&org.admin, "/api/v1/plans").await.as_array().and_then(|c| c.iter().find(|p| p["id"] == id).cloned()).expect("pro");
        pro.as_object_mut().map(|p| p.remove("id"));
        pro["limit_5h_usd"] = json!(12.5);
        let (status, _) = send(&app, &org.ada, Method::PUT, &format!("/api/v1/plans/{id}"), &pro).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, updated) = send(&app, &org.admin, Method::PUT, &format!("/api/v1/plans/{id}"), &pro).await;
        assert_eq!((status, updated["limit_5h_usd"].as_f64()), (StatusCode::OK, Some(12.5)));
        let (status, _) = send(&app, &org.ada, Method::PUT, "/api/v1/users/ada@example.com/plan", &json!({"vendor": "Anthropic", "plan_id": id})).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, body) = send(&app, &org.admin, Method::PUT, "/api/v1/users/ada@example.com/plan", &json!({"vendor": "OpenAI", "plan_id": id})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "a Claude plan is not an OpenAI seat: {body}");
        let new_plan = json!({"vendor": "Anthropic", "name": "Claude Max 5x", "kind": "flat", "usd_per_seat_month": 90.0,
                              "limit_5h_usd": 50.0, "limit_week_usd": 210.0, "valid_from": "2027-01-01", "valid_to": null});
        let (status, created) = send(&app, &org.admin, Method::POST, "/api/v1/plans", &new_plan).await;
        assert_eq!((status, created["valid_from"].as_str()), (StatusCode::CREATED, Some("2027-01-01")));
    })
    .await;
}

#[tokio::test]
async fn an_admin_adds_a_dated_price_on_the_plan_catalog_page_keeping_the_plans_limits() {
    use crate::support::app::PASSWORD;
    use crate::support::BrowserSession;
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let org = org(&app).await;
        let browser = BrowserSession::sign_in(&app, &org.admin.email, PASSWORD).await;
        let csrf = browser.page_token(&app, "/admin/plans").await;
        let form = [
            ("tool", "claude-code"),
            ("name", "Claude Pro"),
            ("monthly_price_usd", "22"),
            ("included", "price rise"),
            ("valid_from", "2027-01-01"),
            ("valid_to", ""),
            ("source_url", "https://claude.com/pricing"),
            ("csrf_token", csrf.as_str()),
        ];
        let response = browser
            .client
            .post(app.url("/admin/plans"))
            .form(&form)
            .send()
            .await
            .expect("POST");
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let catalog = app.get_json(&org.admin, "/api/v1/plans").await;
        let added = catalog
            .as_array()
            .and_then(|c| c.iter().find(|p| p["valid_from"] == "2027-01-01"))
            .expect("new price");
        assert_eq!(
            (
                added["usd_per_seat_month"].as_f64(),
                added["limit_5h_usd"].as_f64()
            ),
            (Some(22.0), Some(10.0))
        );
        let html = browser
            .client
            .get(app.url("/admin/plans"))
            .send()
            .await
            .expect("GET")
            .text()
            .await
            .expect("body");
        assert!(html.contains("$22.00"), "the page lists the new price");

        let developer = BrowserSession::sign_in(&app, &org.ada.email, PASSWORD).await;
        let refused = developer
            .client
            .get(app.url("/admin/plans"))
            .send()
            .await
            .expect("GET");
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    })
    .await;
}
