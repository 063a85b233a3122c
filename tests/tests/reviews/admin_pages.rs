//! The admin pages for review sources: repositories and globs, write-only webhook secrets, and
//! unmatched identities, driven through their forms as a browser would.

use crate::support::app::PASSWORD;
use crate::support::{for_each_backend, BrowserSession, TestApp};

async fn page(session: &BrowserSession, app: &TestApp, path: &str) -> String {
    let response = session.client.get(app.url(path)).send().await.expect("GET");
    assert_eq!(response.status().as_u16(), 200, "GET {path}");
    response.text().await.expect("body")
}

#[tokio::test]
async fn admins_add_repositories_set_globs_and_secrets_through_the_pages_and_never_see_a_secret() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        app.add_user("admin@example.com", "admin", &[]).await;
        let session = BrowserSession::sign_in(&app, "admin@example.com", PASSWORD).await;
        let csrf = session.page_token(&app, "/admin/repositories").await;

        let added = session
            .client
            .post(app.url("/admin/repositories"))
            .form(&[
                ("csrf_token", csrf.as_str()),
                ("provider", "github"),
                ("name", "acme/payments"),
                ("critical_paths", "billing/**\nmigrations/**\n"),
            ])
            .send()
            .await
            .expect("POST");
        assert_eq!(added.status().as_u16(), 303, "{}", app.backend);
        let html = page(&session, &app, "/admin/repositories").await;
        assert!(
            html.contains("acme/payments") && html.contains("billing/**"),
            "{html}"
        );

        let refused = session
            .client
            .post(app.url("/admin/repositories"))
            .form(&[
                ("csrf_token", csrf.as_str()),
                ("provider", "github"),
                ("name", "acme/other"),
                ("critical_paths", "src/[a"),
            ])
            .send()
            .await
            .expect("POST");
        assert!(
            refused.text().await.expect("body").contains("src/[a"),
            "the bad glob is named on the page"
        );

        let set = session
            .client
            .post(app.url("/admin/webhooks"))
            .form(&[
                ("csrf_token", csrf.as_str()),
                ("provider", "github"),
                ("scope", "acme/payments"),
                ("secret", "very-secret-value"),
            ])
            .send()
            .await
            .expect("POST");
        assert_eq!(set.status().as_u16(), 303);
        let html = page(&session, &app, "/admin/webhooks").await;
        assert!(
            html.contains("acme/payments") && !html.contains("very-secret-value"),
            "{html}"
        );

        let forged = session
            .client
            .post(app.url("/admin/webhooks"))
            .form(&[
                ("csrf_token", "forged"),
                ("provider", "github"),
                ("scope", ""),
                ("secret", "x"),
            ])
            .send()
            .await
            .expect("POST");
        assert_eq!(forged.status().as_u16(), 403);
        page(&session, &app, "/admin/identities").await;
    })
    .await;
}
