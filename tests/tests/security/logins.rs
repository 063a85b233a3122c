//! Sign-in under attack: parallel guesses, open redirects, and small API leaks.

use reqwest::StatusCode;

use crate::support::app::PASSWORD;
use crate::support::{BrowserSession, TestApp};

/// Posts the login form with a fresh CSRF pair; returns the status and the Location header.
async fn attempt(app: &TestApp, email: &str, password: &str, next: &str) -> (StatusCode, String) {
    let browser = BrowserSession::new();
    let csrf = browser.login_form_token(app).await;
    let response = browser
        .client
        .post(app.url("/login"))
        .form(&[
            ("email", email),
            ("password", password),
            ("csrf_token", csrf.as_str()),
            ("next", next),
        ])
        .send()
        .await
        .expect("login post");
    let location = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (response.status(), location)
}

#[tokio::test]
async fn parallel_guesses_cannot_outrun_the_login_throttle() {
    let app = TestApp::spawn_with(crate::support::Backend::sqlite(), |s| {
        s.login_max_failures_per_account = 5;
        s.login_max_failures_per_ip = 1000;
    })
    .await;
    app.add_user("ada@example.com", "admin", &[]).await;
    let guesses = (0..60).map(|i| {
        let app = &app;
        async move { attempt(app, "ada@example.com", &format!("wrong guess {i}"), "/").await }
    });
    let answers = futures::future::join_all(guesses).await;
    let refused = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    let checked = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::UNAUTHORIZED)
        .count();
    assert_eq!(
        checked, 5,
        "only the allowed failures reach a password check: {answers:?}"
    );
    assert_eq!(refused, 55, "{answers:?}");
    let (status, _) = attempt(&app, "ada@example.com", PASSWORD, "/").await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "the right password is refused too while the account is throttled"
    );
}

#[tokio::test]
async fn after_sign_in_only_local_paths_are_followed_and_bad_ones_fall_back_to_home() {
    let app = TestApp::spawn(crate::support::Backend::sqlite()).await;
    app.add_user("ada@example.com", "admin", &[]).await;
    for (next, expected) in [
        ("/spend?team=Platform", "/spend?team=Platform"),
        ("/\t/evil.example", "/"),
        ("/\r\nSet-Cookie: a=b", "/"),
        ("//evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
    ] {
        let (status, location) = attempt(&app, "ada@example.com", PASSWORD, next).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "next={next:?}");
        assert_eq!(location, expected, "next={next:?}");
    }
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let app = TestApp::spawn(crate::support::Backend::sqlite()).await;
    let ada = app.add_user("ada@example.com", "developer", &[]).await;
    for scheme in ["Bearer", "bearer", "BEARER"] {
        let response = reqwest::Client::new()
            .get(app.url("/api/v1/me"))
            .header("authorization", format!("{scheme} {}", ada.token))
            .send()
            .await
            .expect("me");
        assert_eq!(response.status(), StatusCode::OK, "{scheme}");
    }
}

#[tokio::test]
async fn only_admins_list_repositories_and_names_with_dot_segments_are_refused() {
    let app = TestApp::spawn(crate::support::Backend::sqlite()).await;
    app.add_team("Platform").await;
    let admin = app.add_user("root@example.com", "admin", &[]).await;
    let manager = app
        .add_user("mia@example.com", "manager", &["Platform"])
        .await;
    assert_eq!(
        app.get(&manager, "/api/v1/repositories").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&admin, "/api/v1/repositories").await.status(),
        StatusCode::OK
    );
    for name in [
        "..%2F..%2Fx%2Fy",
        "github.com%2F..%2Fx",
        "github.com%2Facme%2F..",
    ] {
        let response = reqwest::Client::new()
            .put(app.url(&format!("/api/v1/repositories/{name}/critical-paths")))
            .bearer_auth(&admin.token)
            .json(&serde_json::json!({"globs": ["src/**"]}))
            .send()
            .await
            .expect("put");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{name}");
    }
    let repositories = app.get_json(&admin, "/api/v1/repositories").await;
    assert_eq!(repositories, serde_json::json!([]), "nothing was created");
}
