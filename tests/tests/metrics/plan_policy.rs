//! The admin's plan policy end to end: stored through the API, audited, and followed by the
//! recommendations of the very next report (plans_org's October, UTC org).
//!
//! The policy allows Anthropic only "Claude Team Standard seat (2026 pricing)" ($25 a seat,
//! limits 1.25 Pro units: $12.50 per 5 hours, $75 per week), no pay-as-you-go:
//! - ada (pay-as-you-go, $45; windows $5, weeks <= $25): the seat covers her, $25, saving $20.
//! - bob (Claude Pro $20, one $15 window): the seat does not cover a $15 window and nothing
//!   else is allowed, so he keeps Claude Pro, saving $0.
//! - cyd (Claude Max 20x $200, no usage): the seat covers him, $25, saving $175.
//!
//! So two developers would hold the seat: a minimum of 2 keeps it; a minimum of 3 takes it out,
//! and ada and cyd keep what they have (saving $0).

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::plans::{line, plan_id, plans_org};
use super::{mills, send};
use crate::support::app::PASSWORD;
use crate::support::{for_each_backend, BrowserSession, TestApp, TestUser};

const TEAM_SEAT: &str = "Claude Team Standard seat (2026 pricing)";
const OCTOBER: &str = "from=2026-10-01&to=2026-10-31";

fn company_plan_only(min_seats: u32) -> Value {
    json!({"vendors": [{"vendor": "Anthropic", "allow_pay_as_you_go": false,
                        "plans": [{"name": TEAM_SEAT, "min_seats": min_seats}]}]})
}

async fn put_policy(app: &TestApp, user: &TestUser, policy: &Value) -> (StatusCode, Value) {
    send(app, user, Method::PUT, "/api/v1/plans/policy", policy).await
}

/// (recommended plan, saving in mills) of a developer's October line.
fn advice(report: &Value, name: &str) -> (String, i64) {
    let l = line(report, name);
    (
        l["recommended_plan"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        mills(&l["monthly_saving_usd"]),
    )
}

#[tokio::test]
async fn a_company_plan_only_policy_changes_the_recommendations_and_its_seat_minimum_counts_the_organisation(
) {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let org = plans_org(&app).await;
        let plans = format!("/api/v1/metrics/plans?{OCTOBER}");
        let before = app.get_json(&org.admin, &plans).await;
        assert_eq!(
            advice(&before, "ada"),
            ("Claude Pro (annual)".into(), 28_000)
        );

        let (status, stored) = put_policy(&app, &org.admin, &company_plan_only(2)).await;
        assert_eq!(status, StatusCode::OK, "{stored}");
        assert_eq!(stored, company_plan_only(2));
        assert_eq!(app.get_json(&org.ada, "/api/v1/plans/policy").await, stored);

        let report = app.get_json(&org.admin, &plans).await;
        assert_eq!(advice(&report, "ada"), (TEAM_SEAT.into(), 20_000));
        assert_eq!(advice(&report, "bob"), ("Claude Pro".into(), 0));
        assert_eq!(advice(&report, "cyd"), (TEAM_SEAT.into(), 175_000));
        let october = report["months"]
            .as_array()
            .and_then(|m| m.iter().find(|m| m["month"] == "2026-10"))
            .expect("October in the history");
        assert_eq!(
            (
                mills(&october["paid_now_usd"]),
                mills(&october["recommended_usd"]),
                october["plan_changes"].as_i64()
            ),
            (265_000, 70_000, Some(2)),
            "paid $45 + $20 + $200; recommended $25 + $20 + $25"
        );

        // ada's own report holds only her line, yet cyd still counts towards the minimum.
        let own = app.get_json(&org.ada, &plans).await;
        assert_eq!(advice(&own, "ada"), (TEAM_SEAT.into(), 20_000));
        assert_eq!(own["lines"].as_array().map(Vec::len), Some(1));

        let (status, _) = put_policy(&app, &org.admin, &company_plan_only(3)).await;
        assert_eq!(status, StatusCode::OK);
        let report = app.get_json(&org.admin, &plans).await;
        assert_eq!(advice(&report, "ada"), ("pay-as-you-go".into(), 0));
        assert_eq!(advice(&report, "bob"), ("Claude Pro".into(), 0));
        assert_eq!(
            advice(&report, "cyd"),
            ("Claude Max 20x (named \"Ultra\" from ~2026-10)".into(), 0)
        );

        let audit = app
            .get_json(&org.admin, "/api/v1/audit?action=plan_policy.set")
            .await;
        let entries = audit["entries"].as_array().cloned().unwrap_or_default();
        assert_eq!(entries.len(), 2, "{audit}");
        assert_eq!(
            (&entries[0]["before"], &entries[0]["after"]),
            (&company_plan_only(2), &company_plan_only(3))
        );
    })
    .await;
}

#[tokio::test]
async fn only_an_admin_sets_the_plan_policy_and_a_bad_one_is_a_422_that_changes_nothing() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let org = super::org(&app).await;
        assert_eq!(
            app.get_json(&org.manager, "/api/v1/plans/policy").await,
            json!({"vendors": []})
        );
        let (status, _) = put_policy(&app, &org.manager, &company_plan_only(2)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = put_policy(&app, &org.ada, &company_plan_only(2)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = put_policy(&app, &org.admin, &company_plan_only(2)).await;
        assert_eq!(status, StatusCode::OK);

        for bad in [
            json!({"vendors": [{"vendor": "Acme", "allow_pay_as_you_go": true, "plans": []}]}),
            json!({"vendors": [{"vendor": "Anthropic", "allow_pay_as_you_go": true,
                                "plans": [{"name": "Claude Galaxy", "min_seats": 1}]}]}),
            company_plan_only(0),
        ] {
            let (status, body) = put_policy(&app, &org.admin, &bad).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
            assert!(
                body["error"]
                    .as_str()
                    .is_some_and(|e| e.contains("not saved")),
                "the one error body: {body}"
            );
            assert_eq!(
                app.get_json(&org.admin, "/api/v1/plans/policy").await,
                company_plan_only(2),
                "the stored policy is unchanged"
            );
        }
    })
    .await;
}

async fn post_form(
    browser: &BrowserSession,
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
) -> StatusCode {
    let csrf = browser.page_token(app, "/admin/plans").await;
    let mut fields = form.to_vec();
    fields.push(("csrf_token", csrf.as_str()));
    browser
        .client
        .post(app.url(path))
        .form(&fields)
        .send()
        .await
        .expect("POST")
        .status()
}

async fn page(browser: &BrowserSession, app: &TestApp, path: &str) -> (StatusCode, String) {
    let response = browser.client.get(app.url(path)).send().await.expect("GET");
    let status = response.status();
    (status, response.text().await.expect("body"))
}

#[tokio::test]
async fn the_admin_page_sets_the_policy_and_the_limits_and_the_plans_page_shows_the_month_picked() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let org = plans_org(&app).await;
        let admin = BrowserSession::sign_in(&app, &org.admin.email, PASSWORD).await;
        let policy = [
            ("vendor_0", "Anthropic"),
            ("restrict_0", "on"),
            ("plan_0_0", "Claude Pro"),
            ("plan_0_1", TEAM_SEAT),
            ("allow_0_1", "on"),
            ("seats_0_1", "2"),
            ("vendor_1", "OpenAI"),
            ("payg_1", "on"),
        ];
        let status = post_form(&admin, &app, "/admin/plans/policy", &policy).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(
            app.get_json(&org.admin, "/api/v1/plans/policy").await,
            company_plan_only(2),
            "OpenAI was not restricted, so it is not in the policy"
        );

        // A $15 window now fits the company seat: bob takes it too (it costs $5 more than Pro).
        let seat = plan_id(&app, &org.admin, TEAM_SEAT).await;
        let limits = [("limit_5h_usd", "15"), ("limit_week_usd", "75")];
        let status = post_form(
            &admin,
            &app,
            &format!("/admin/plans/{seat}/limits"),
            &limits,
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let report = app
            .get_json(&org.admin, &format!("/api/v1/metrics/plans?{OCTOBER}"))
            .await;
        assert_eq!(advice(&report, "bob"), (TEAM_SEAT.into(), 0));
        let bad = [("limit_5h_usd", "lots"), ("limit_week_usd", "75")];
        let status = post_form(&admin, &app, &format!("/admin/plans/{seat}/limits"), &bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (_, html) = page(&admin, &app, "/admin/plans").await;
        assert!(
            html.contains("Plan policy") && html.contains("value=\"15\""),
            "{html}"
        );

        let (status, html) = page(&admin, &app, &format!("/plans?{OCTOBER}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("Recommendations for October 2026"),
            "the last full month"
        );
        assert!(html.contains("at least 2 seats"), "the policy in effect");
        let (status, html) = page(&admin, &app, &format!("/plans?{OCTOBER}&month=2026-09")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Recommendations for September 2026"));
        assert!(
            html.contains("month=2026-10\">October 2026</a>"),
            "the history links to October"
        );
        let (status, _) = page(&admin, &app, "/plans?month=October").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    })
    .await;
}
