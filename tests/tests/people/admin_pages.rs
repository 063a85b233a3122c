//! A user's admin page: edits, deactivation and reactivation, seats, each in the audit log.

use reqwest::StatusCode;
use serde_json::json;

use super::{audit, last_entry, people, post_form};
use crate::support::app::PASSWORD;
use crate::support::{for_each_backend, BrowserSession, TestApp};

const DEV_PAGE: &str = "/admin/users/dev%40example.com";

#[tokio::test]
async fn an_admin_edits_name_email_role_and_teams_and_each_change_is_audited() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let org = people(&app).await;
        let (status, location, body) = post_form(
            &app,
            &org.admin_session,
            DEV_PAGE,
            DEV_PAGE,
            &[
                ("email", "dev.two@example.com"),
                ("name", "Dev Two"),
                ("role", "manager"),
                ("teams", "Alpha, Beta"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{}: {body}", app.backend);
        assert_eq!(location, "/admin/users/dev.two%40example.com?done=Saved");

        let me = app.get_json(&org.dev, "/api/v1/me").await;
        assert_eq!(
            me,
            json!({"email": "dev.two@example.com", "name": "Dev Two", "role": "manager", "teams": ["Alpha", "Beta"]}),
            "{}",
            app.backend
        );
        let edit = last_entry(&app, &org.admin, "user.edit").await;
        assert_eq!(edit["actor"], "root@example.com");
        assert_eq!(edit["subject"], "dev.two@example.com");
        assert_eq!(edit["before"], json!({"email": "dev@example.com", "name": "dev"}));
        assert_eq!(edit["after"], json!({"email": "dev.two@example.com", "name": "Dev Two"}));
        let role = last_entry(&app, &org.admin, "user.role").await;
        assert_eq!((role["before"].clone(), role["after"].clone()), (json!({"role": "developer"}), json!({"role": "manager"})));
        let teams = last_entry(&app, &org.admin, "user.teams").await;
        assert_eq!(teams["before"], json!({"teams": ["Alpha"]}));
        assert_eq!(teams["after"], json!({"teams": ["Alpha", "Beta"]}));

        // A manager with no team is refused on the page, and nothing changes.
        let page = "/admin/users/dev.two%40example.com";
        let (status, _, body) = post_form(
            &app,
            &org.admin_session,
            page,
            page,
            &[("email", "dev.two@example.com"), ("name", "Dev Two"), ("role", "manager"), ("teams", "")],
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{}", app.backend);
        assert!(body.contains("a manager needs at least one team"), "{body}");
        assert_eq!(audit(&app, &org.admin, "action=user.teams").await.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_deactivated_user_is_locked_out_labelled_and_audited_until_reactivated() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let org = people(&app).await;
        let dev_session = BrowserSession::sign_in(&app, "dev@example.com", PASSWORD).await;

        let action = format!("{DEV_PAGE}/deactivate");
        let (status, location, _) =
            post_form(&app, &org.admin_session, DEV_PAGE, &action, &[]).await;
        assert_eq!(
            (status, location.as_str()),
            (
                StatusCode::SEE_OTHER,
                "/admin/users/dev%40example.com?done=Deactivated"
            )
        );

        assert_eq!(
            app.get(&org.dev, "/api/v1/me").await.status(),
            StatusCode::UNAUTHORIZED,
            "{}: token",
            app.backend
        );
        let me = dev_session
            .client
            .get(app.url("/api/v1/me"))
            .send()
            .await
            .expect("GET");
        assert_eq!(
            me.status(),
            StatusCode::UNAUTHORIZED,
            "{}: session",
            app.backend
        );
        let login = BrowserSession::new()
            .submit_login(&app, "dev@example.com", PASSWORD)
            .await;
        assert_ne!(
            login.status(),
            StatusCode::SEE_OTHER,
            "{}: password login",
            app.backend
        );
        let page = org
            .admin_session
            .client
            .get(app.url(DEV_PAGE))
            .send()
            .await
            .expect("GET")
            .text()
            .await
            .expect("body");
        assert!(
            page.contains("Deactivated") && page.contains("/reactivate\""),
            "{page}"
        );

        let entry = last_entry(&app, &org.admin, "user.deactivate").await;
        assert_eq!(entry["actor"], "root@example.com");
        assert_eq!(
            (
                entry["before"]["active"].clone(),
                entry["after"]["active"].clone()
            ),
            (json!(true), json!(false))
        );

        let action = format!("{DEV_PAGE}/reactivate");
        let (status, _, _) = post_form(&app, &org.admin_session, DEV_PAGE, &action, &[]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(
            app.get(&org.dev, "/api/v1/me").await.status(),
            StatusCode::OK,
            "{}: token again",
            app.backend
        );
        let entry = last_entry(&app, &org.admin, "user.reactivate").await;
        assert_eq!(entry["after"]["active"], json!(true));
    })
    .await;
}

#[tokio::test]
async fn a_seat_assigned_on_the_user_page_is_the_apis_seat_and_is_audited() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let org = people(&app).await;
        let plans = app.get_json(&org.admin, "/api/v1/plans").await;
        let plan = plans
            .as_array()
            .and_then(|p| p.iter().find(|p| p["vendor"] == "Anthropic"))
            .unwrap_or_else(|| panic!("an Anthropic plan in the shipped catalog: {plans}"));
        let plan_id = plan["id"].as_i64().expect("id").to_string();
        let plan_name = plan["name"].as_str().expect("name");

        let action = format!("{DEV_PAGE}/seat");
        let (status, _, body) = post_form(
            &app,
            &org.admin_session,
            DEV_PAGE,
            &action,
            &[("vendor", "Anthropic"), ("plan_id", &plan_id)],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{}: {body}", app.backend);
        let page = org
            .admin_session
            .client
            .get(app.url(DEV_PAGE))
            .send()
            .await
            .expect("GET")
            .text()
            .await
            .expect("body");
        assert!(
            page.contains(&format!("<td>Anthropic</td><td>{plan_name}</td>")),
            "{page}"
        );
        let entry = last_entry(&app, &org.admin, "seat.assign").await;
        assert_eq!(entry["subject"], "dev@example.com");
        assert_eq!(entry["before"]["plan"], "pay-as-you-go");
        assert_eq!(entry["after"]["plan"], plan_name);
    })
    .await;
}

#[tokio::test]
async fn the_users_list_searches_names_and_emails_and_pages_on_the_server() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let org = people(&app).await;
        // 55 "Tester NN" at example.org, beside root, dev (and their teams) at example.com.
        for n in 1..=55 {
            agentmeter_server::admin::add_user(
                &app.db,
                agentmeter_server::admin::AddUser {
                    email: format!("t{n:02}@example.org"),
                    name: format!("Tester {n:02}"),
                    role: "developer".into(),
                    ..agentmeter_server::admin::AddUser::default()
                },
            )
            .await
            .expect("user");
        }
        let get = |path: &'static str| {
            let session = &org.admin_session;
            let app = &app;
            async move {
                let response = session.client.get(app.url(path)).send().await.expect("GET");
                assert_eq!(response.status(), StatusCode::OK, "{path}");
                response.text().await.expect("body").replace("&#38;", "&")
            }
        };

        let first = get("/admin/users?q=EXAMPLE.ORG").await;
        assert!(first.contains("Showing 1–50 of 55"), "{}", app.backend);
        assert!(first.contains("t01@example.org") && !first.contains("t51@example.org"));
        assert!(
            !first.contains(">root@example.com</td>"),
            "the search leaves out other e-mails"
        );
        assert!(
            first.contains("href=\"/admin/users?q=EXAMPLE.ORG&page=2\""),
            "{first}"
        );
        let second = get("/admin/users?q=EXAMPLE.ORG&page=2").await;
        assert!(second.contains("Showing 51–55 of 55"));
        assert!(second.contains("t55@example.org") && !second.contains("t01@example.org"));
        assert!(
            second.contains("href=\"/admin/users?q=EXAMPLE.ORG\""),
            "back to page 1"
        );

        let by_name = get("/admin/users?q=tester%2007").await;
        assert!(by_name.contains("Showing 1–1 of 1") && by_name.contains("t07@example.org"));
        let none = get("/admin/users?q=nobody").await;
        assert!(none.contains("No user matches this search."));
        let bad = org
            .admin_session
            .client
            .get(app.url("/admin/users?page=0"))
            .send()
            .await
            .expect("GET");
        assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    })
    .await;
}
