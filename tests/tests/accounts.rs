//! Accounts and scope: who sees what, on both backends.

use reqwest::StatusCode;

use crate::support::{for_each_backend, TestApp, TestUser};

/// Data endpoints checked by the role matrix; each takes `team` and `user` filters.
pub const DATA_ENDPOINTS: [&str; 7] = [
    "/api/v1/metrics/spend",
    "/api/v1/metrics/plans",
    "/api/v1/metrics/adoption",
    "/api/v1/metrics/productivity",
    "/api/v1/reviews/summary",
    "/api/v1/reviews/alerts",
    "/api/v1/reviews/pull-requests",
];

struct Org {
    admin: TestUser,
    manager_a: TestUser,
    dev_a: TestUser,
    dev_b: TestUser,
}

async fn org(app: &TestApp) -> Org {
    app.add_team("Alpha").await;
    app.add_team("Beta").await;
    Org {
        admin: app.add_user("admin@example.com", "admin", &[]).await,
        manager_a: app
            .add_user("manager.a@example.com", "manager", &["Alpha"])
            .await,
        dev_a: app
            .add_user("dev.a@example.com", "developer", &["Alpha"])
            .await,
        dev_b: app
            .add_user("dev.b@example.com", "developer", &["Beta"])
            .await,
    }
}

#[tokio::test]
async fn me_describes_the_caller_with_their_teams() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let org = org(&app).await;
        let me = app.get_json(&org.manager_a, "/api/v1/me").await;
        assert_eq!(me, serde_json::json!({"email": "manager.a@example.com", "name": "manager.a", "role": "manager", "teams": ["Alpha"]}));
    })
    .await;
}

#[tokio::test]
async fn each_role_sees_exactly_its_scope_on_every_data_endpoint() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let org = org(&app).await;
        // (caller, query, expected status)
        let cases: Vec<(&TestUser, &str, StatusCode)> = vec![
            (&org.admin, "team=Alpha", StatusCode::OK),
            (&org.admin, "team=Beta", StatusCode::OK),
            (&org.admin, "user=dev.b@example.com", StatusCode::OK),
            (&org.admin, "team=Nope", StatusCode::NOT_FOUND),
            (&org.manager_a, "team=Alpha", StatusCode::OK),
            (&org.manager_a, "user=dev.a@example.com", StatusCode::OK),
            (&org.manager_a, "team=Beta", StatusCode::FORBIDDEN),
            (
                &org.manager_a,
                "user=dev.b@example.com",
                StatusCode::FORBIDDEN,
            ),
            (&org.manager_a, "team=Nope", StatusCode::FORBIDDEN),
            (&org.dev_a, "", StatusCode::OK),
            (&org.dev_a, "user=dev.a@example.com", StatusCode::OK),
            (&org.dev_a, "team=Alpha", StatusCode::FORBIDDEN),
            (&org.dev_a, "team=Beta", StatusCode::FORBIDDEN),
            (&org.dev_a, "user=dev.b@example.com", StatusCode::FORBIDDEN),
            (
                &org.dev_b,
                "user=manager.a@example.com",
                StatusCode::FORBIDDEN,
            ),
        ];
        for endpoint in DATA_ENDPOINTS {
            for (caller, query, expected) in &cases {
                let path = format!("{endpoint}?{query}");
                let status = app.get(caller, &path).await.status();
                assert_eq!(
                    status, *expected,
                    "{} GET {path} on {}",
                    caller.email, app.backend
                );
            }
        }
    })
    .await;
}

#[tokio::test]
async fn admin_pages_are_for_admins_only() {
    let app = TestApp::spawn(crate::support::Backend::sqlite()).await;
    let org = org(&app).await;
    for path in ["/admin/users", "/admin/teams", "/admin/tokens"] {
        assert_eq!(
            app.get(&org.admin, path).await.status(),
            StatusCode::OK,
            "{path}"
        );
        assert_eq!(
            app.get(&org.manager_a, path).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
        assert_eq!(
            app.get(&org.dev_a, path).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_user_with_an_unknown_team_is_not_stored_at_all() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        app.add_team("Alpha").await;
        let out = app.server_cli(
            &[
                "user",
                "add",
                "--email",
                "eve@example.com",
                "--name",
                "Eve",
                "--role",
                "developer",
                "--team",
                "Alpha",
                "--team",
                "Ghost",
            ],
            None,
        );
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("Ghost"));
        let again = app.server_cli(
            &[
                "user",
                "add",
                "--email",
                "eve@example.com",
                "--name",
                "Eve",
                "--role",
                "developer",
                "--team",
                "Alpha",
            ],
            None,
        );
        assert!(
            again.status.success(),
            "the failed attempt left nothing behind: {}",
            String::from_utf8_lossy(&again.stderr)
        );
        let duplicate = app.server_cli(
            &[
                "user",
                "add",
                "--email",
                "EVE@example.com",
                "--name",
                "Eve",
                "--role",
                "developer",
            ],
            None,
        );
        assert!(!duplicate.status.success());
        assert!(String::from_utf8_lossy(&duplicate.stderr).contains("already exists"));
    })
    .await;
}
