//! One-time password-reset links: from the admin page and from the server CLI; each works once
//! and not after it expires.

use reqwest::StatusCode;

use super::{last_entry, people, post_form};
use crate::support::app::{run, server_binary, PASSWORD};
use crate::support::{for_each_backend, BrowserSession, TestApp};

pub(super) const NEW_PASSWORD: &str = "a brand new passphrase";

/// The path of the link on the admin page (`…/reset-password/TOKEN`).
pub(super) fn link_path(html: &str) -> String {
    let start = html
        .find("/reset-password/")
        .unwrap_or_else(|| panic!("no link in {html}"));
    let end = html[start..].find('<').expect("link ends") + start;
    html[start..end].to_owned()
}

pub(super) async fn set_password(
    app: &TestApp,
    path: &str,
    password: &str,
    confirm: &str,
) -> (StatusCode, String) {
    let response = BrowserSession::new()
        .client
        .post(app.url(path))
        .form(&[("password", password), ("confirm", confirm)])
        .send()
        .await
        .expect("POST");
    let status = response.status();
    (status, response.text().await.expect("body"))
}

#[tokio::test]
async fn a_reset_link_from_the_admin_page_sets_a_password_once() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let org = people(&app).await;
        let page = "/admin/users/dev%40example.com";
        let (status, _, html) = post_form(
            &app,
            &org.admin_session,
            page,
            &format!("{page}/reset-password"),
            &[],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{}: {html}", app.backend);
        assert!(
            html.contains(&format!("http://{}/reset-password/", app.addr)),
            "absolute link: {html}"
        );
        let path = link_path(&html);

        let form = reqwest::get(app.url(&path)).await.expect("GET");
        assert_eq!(form.status(), StatusCode::OK);
        assert!(form.text().await.expect("body").contains("dev@example.com"));
        let (status, body) = set_password(&app, &path, NEW_PASSWORD, "something else").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let (status, body) = set_password(&app, &path, "short", "short").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "too short: {body}");

        let (status, _) = set_password(&app, &path, NEW_PASSWORD, NEW_PASSWORD).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{}", app.backend);
        BrowserSession::sign_in(&app, "dev@example.com", NEW_PASSWORD).await;
        let old = BrowserSession::new()
            .submit_login(&app, "dev@example.com", PASSWORD)
            .await;
        assert_ne!(
            old.status(),
            StatusCode::SEE_OTHER,
            "the old password no longer works"
        );

        let (status, _) = set_password(
            &app,
            &path,
            "yet another passphrase",
            "yet another passphrase",
        )
        .await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "{}: a used link",
            app.backend
        );
        assert_eq!(
            reqwest::get(app.url(&path)).await.expect("GET").status(),
            StatusCode::NOT_FOUND
        );
        BrowserSession::sign_in(&app, "dev@example.com", NEW_PASSWORD).await;

        let entry = last_entry(&app, &org.admin, "user.password_reset").await;
        assert_eq!(
            (entry["actor"].as_str(), entry["subject"].as_str()),
            (Some("root@example.com"), Some("dev@example.com"))
        );
    })
    .await;
}

#[tokio::test]
async fn the_cli_prints_a_working_link_that_stops_working_when_it_expires() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let org = people(&app).await;
        let base = app.url("");
        let env = [
            ("AGENTMETER_DATABASE_URL", app.database_url.as_str()),
            ("AGENTMETER_PUBLIC_URL", base.as_str()),
        ];
        let output = run(
            server_binary(),
            &["user", "reset-password", "dev@example.com"],
            None,
            &env,
        );
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let link = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        assert!(
            link.starts_with(&format!("{base}/reset-password/")),
            "{link}"
        );
        assert_eq!(
            reqwest::get(&link).await.expect("GET").status(),
            StatusCode::OK,
            "{}",
            app.backend
        );
        let entry = last_entry(&app, &org.admin, "user.password_reset").await;
        assert_eq!(entry["actor"], "cli");

        // A second link replaces the first; once expired it is refused.
        let output = run(
            server_binary(),
            &["user", "reset-password", "dev@example.com"],
            None,
            &env,
        );
        let second = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        assert_eq!(
            reqwest::get(&link).await.expect("GET").status(),
            StatusCode::NOT_FOUND,
            "the first link is replaced"
        );
        sqlx::query("UPDATE password_resets SET expires_at = 0")
            .execute(&app.sql)
            .await
            .expect("expire");
        assert_eq!(
            reqwest::get(&second).await.expect("GET").status(),
            StatusCode::NOT_FOUND,
            "{}: expired",
            app.backend
        );
        let path = second.trim_start_matches(&base).to_owned();
        let (status, _) = set_password(&app, &path, NEW_PASSWORD, NEW_PASSWORD).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        BrowserSession::sign_in(&app, "dev@example.com", PASSWORD).await;

        let unknown = run(
            server_binary(),
            &["user", "reset-password", "nobody@example.com"],
            None,
            &env,
        );
        assert!(!unknown.status.success());
        assert!(String::from_utf8_lossy(&unknown.stderr).contains("nobody@example.com"));
    })
    .await;
}
