//! Teams renamed and deleted on their page, the webhook page's payload URL and deliveries, and
//! the audit log's API.

use reqwest::StatusCode;
use serde_json::json;

use super::{audit, last_entry, people, post_form};
use crate::reviews::{fixture, post_github, spawn_with_secrets, GITHUB_SECRET};
use crate::support::{for_each_backend, TestApp};

async fn team_id(app: &TestApp, name: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM teams WHERE name = $1")
        .bind(name)
        .fetch_one(&app.sql)
        .await
        .expect("team");
    id
}

#[tokio::test]
async fn a_team_is_renamed_and_deleted_only_once_nobody_is_in_it() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let org = people(&app).await;
        let alpha = team_id(&app, "Alpha").await;

        let (status, _, body) = post_form(
            &app,
            &org.admin_session,
            "/admin/teams",
            &format!("/admin/teams/{alpha}/rename"),
            &[("name", "Beta")],
        )
        .await;
        assert_eq!(
            status,
            StatusCode::CONFLICT,
            "{}: a taken name: {body}",
            app.backend
        );
        let (status, location, _) = post_form(
            &app,
            &org.admin_session,
            "/admin/teams",
            &format!("/admin/teams/{alpha}/rename"),
            &[("name", "Platform")],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(location.starts_with("/admin/teams?done="), "{location}");
        let entry = last_entry(&app, &org.admin, "team.rename").await;
        assert_eq!(
            (entry["before"].clone(), entry["after"].clone()),
            (json!({"name": "Alpha"}), json!({"name": "Platform"}))
        );

        let (status, _, body) = post_form(
            &app,
            &org.admin_session,
            "/admin/teams",
            &format!("/admin/teams/{alpha}/delete"),
            &[],
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "{}", app.backend);
        assert!(
            body.contains("still has 1 member(s): move them to another team first"),
            "{body}"
        );
        assert_eq!(team_id(&app, "Platform").await, alpha, "nothing deleted");

        let dev_page = "/admin/users/dev%40example.com";
        let fields = [
            ("email", "dev@example.com"),
            ("name", "dev"),
            ("role", "developer"),
            ("teams", "Beta"),
        ];
        let (status, _, _) = post_form(&app, &org.admin_session, dev_page, dev_page, &fields).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, _, _) = post_form(
            &app,
            &org.admin_session,
            "/admin/teams",
            &format!("/admin/teams/{alpha}/delete"),
            &[],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{}", app.backend);
        let teams = app.get_json(&org.admin, "/api/v1/teams").await;
        assert!(!teams.to_string().contains("Platform"), "{teams}");
        let entry = last_entry(&app, &org.admin, "team.delete").await;
        assert_eq!(
            (entry["subject"].as_str(), entry["after"].is_null()),
            (Some("Platform"), true)
        );
    })
    .await;
}

#[tokio::test]
async fn the_audit_log_is_for_admins_newest_first_and_filtered_by_actor() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let org = people(&app).await;
        let output = app.server_cli(&["team", "add", "Gamma"], None);
        assert!(output.status.success());
        let output = app.server_cli(&["user", "set-role", "dev@example.com", "manager"], None);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );

        assert_eq!(
            app.get(&org.dev, "/api/v1/audit").await.status(),
            StatusCode::FORBIDDEN
        );
        let by_cli = audit(&app, &org.admin, "actor=cli").await;
        let actions: Vec<&str> = by_cli.iter().filter_map(|e| e["action"].as_str()).collect();
        assert_eq!(actions, ["user.role", "team.add"], "{}", app.backend);
        assert_eq!(by_cli[0]["before"], json!({"role": "developer"}));

        let page = org
            .admin_session
            .client
            .get(app.url("/admin/audit?actor=cli"))
            .send()
            .await
            .expect("GET");
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.expect("body");
        assert!(
            html.contains("user.role") && html.contains("Gamma"),
            "{html}"
        );
        let table = &html[html.find("<tbody>").expect("a table")..];
        assert!(
            table.find("user.role") < table.find("team.add"),
            "newest first"
        );
    })
    .await;
}

#[tokio::test]
async fn the_webhook_page_shows_the_absolute_payload_url_and_the_last_deliveries() {
    for_each_backend(|backend| async move {
        let app = spawn_with_secrets(backend).await;
        let org = people(&app).await;
        let body = fixture("github", "pull_request.opened.json");
        let signature = agentmeter_reviews::sign_github(GITHUB_SECRET.as_bytes(), &body);
        let (status, reply) =
            post_github(&app, "pull_request", "delivery-1", &body, Some(signature)).await;
        assert_eq!(status, 200, "{reply}");

        let html = org
            .admin_session
            .client
            .get(app.url("/admin/webhooks"))
            .send()
            .await
            .expect("GET")
            .text()
            .await
            .expect("body");
        assert!(
            html.contains(&format!("http://{}/api/v1/webhooks/github", app.addr)),
            "{html}"
        );
        assert!(
            html.contains("data-copy=\"payload-url-github\""),
            "a copy button"
        );
        assert!(
            html.contains(
                "<td>codertocat/hello-world</td><td>GitHub</td><td><code>pull_request</code></td>"
            ),
            "{}: {html}",
            app.backend
        );
    })
    .await;
}
