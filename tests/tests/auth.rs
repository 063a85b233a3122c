//! Browser sign-in, CSRF, throttling, sessions and API tokens, on both backends.

use reqwest::StatusCode;

use crate::support::app::PASSWORD;
use crate::support::browser::hidden_field;
use crate::support::serve::start_serve_with;
use crate::support::{for_each_backend, BrowserSession, TestApp};

#[tokio::test]
async fn signing_in_through_the_form_sets_a_safe_session_cookie_that_authenticates() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        app.add_user("ada@example.com", "admin", &[]).await;
        let browser = BrowserSession::new();
        let response = browser
            .submit_login(&app, "Ada@Example.com", PASSWORD)
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let cookie = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("am_session="))
            .expect("session cookie set")
            .to_owned();
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Lax"), "{cookie}");
        assert!(
            !cookie.contains("Secure"),
            "not configured for TLS: {cookie}"
        );
        let me: serde_json::Value = browser
            .client
            .get(app.url("/api/v1/me"))
            .send()
            .await
            .expect("me")
            .json()
            .await
            .expect("json");
        assert_eq!(me["email"], "ada@example.com");
        assert_eq!(me["role"], "admin");
    })
    .await;
}

#[tokio::test]
async fn cookies_are_marked_secure_when_configured_for_tls() {
    let app = TestApp::spawn_with(crate::support::Backend::sqlite(), |s| {
        s.secure_cookies = true
    })
    .await;
    app.add_user("ada@example.com", "admin", &[]).await;
    let response = BrowserSession::new()
        .submit_login(&app, "ada@example.com", PASSWORD)
        .await;
    let secure = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|c| c.starts_with("am_session=") && c.contains("Secure"));
    assert!(secure);
}

#[tokio::test]
async fn a_login_post_without_the_form_token_is_rejected() {
    let app = TestApp::spawn(crate::support::Backend::sqlite()).await;
    app.add_user("ada@example.com", "admin", &[]).await;
    let browser = BrowserSession::new();
    let _ = browser.login_form_token(&app).await;
    let forged = browser
        .client
        .post(app.url("/login"))
        .form(&[
            ("email", "ada@example.com"),
            ("password", PASSWORD),
            ("csrf_token", "forged"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let no_cookie = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let response = no_cookie
        .post(app.url("/login"))
        .form(&[
            ("email", "ada@example.com"),
            ("password", PASSWORD),
            ("csrf_token", ""),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn signed_in_forms_without_their_csrf_token_are_rejected_and_logout_ends_the_session() {
    let app = TestApp::spawn(crate::support::Backend::sqlite()).await;
    app.add_user("ada@example.com", "admin", &[]).await;
    let browser = BrowserSession::sign_in(&app, "ada@example.com", PASSWORD).await;
    let forged = browser
        .client
        .post(app.url("/admin/teams"))
        .form(&[("name", "Red"), ("csrf_token", "nope")])
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let api_write_without_header = browser
        .client
        .post(app.url("/api/v1/ingest/usage"))
        .body("{\"events\":[]}")
        .send()
        .await
        .expect("post");
    assert_eq!(api_write_without_header.status(), StatusCode::FORBIDDEN);

    let token = browser.page_token(&app, "/admin/teams").await;
    let created = browser
        .client
        .post(app.url("/admin/teams"))
        .form(&[("name", "Red"), ("csrf_token", token.as_str())])
        .send()
        .await
        .expect("post");
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let out = browser
        .client
        .post(app.url("/logout"))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .expect("logout");
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let me = browser
        .client
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .expect("me");
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn repeated_wrong_passwords_are_throttled_with_retry_after() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        app.add_user("ada@example.com", "admin", &[]).await;
        let browser = BrowserSession::new();
        let mut statuses = Vec::new();
        for _ in 0..10 {
            let response = browser
                .submit_login(&app, "ada@example.com", "wrong password!")
                .await;
            if response.status() == StatusCode::TOO_MANY_REQUESTS {
                let retry: u64 = response.headers()["retry-after"]
                    .to_str()
                    .expect("ascii")
                    .parse()
                    .expect("seconds");
                assert!(retry >= 1);
            }
            statuses.push(response.status());
        }
        assert_eq!(statuses[0], StatusCode::UNAUTHORIZED);
        assert_eq!(statuses[9], StatusCode::TOO_MANY_REQUESTS, "{statuses:?}");
        // Even the right password is refused while the account is throttled.
        let right = browser
            .submit_login(&app, "ada@example.com", PASSWORD)
            .await;
        assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS);
    })
    .await;
}

#[tokio::test]
async fn an_unknown_email_and_a_wrong_password_get_the_same_answer_after_the_same_work() {
    let app = TestApp::spawn(crate::support::Backend::sqlite()).await;
    app.add_user("ada@example.com", "admin", &[]).await;
    // The real binary on the same database, logging each password check it runs.
    let log = [(
        "AGENTMETER_LOG",
        "warn,agentmeter_server::auth::password=debug",
    )];
    let server = start_serve_with(&app.database_url, false, &log);
    let browser = BrowserSession::new();
    let submit = |email: &'static str| {
        let (client, url) = (browser.client.clone(), server.url("/login"));
        async move {
            let form = client.get(&url).send().await.expect("GET /login");
            let html = form.text().await.expect("body");
            let csrf = hidden_field(&html, "csrf_token").expect("csrf_token");
            let fields = [
                ("email", email),
                ("password", "whatever password"),
                ("csrf_token", csrf.as_str()),
            ];
            let answer = client.post(&url).form(&fields).send().await.expect("POST");
            (answer.status(), answer.text().await.expect("body"))
        }
    };

    let unknown = submit("nobody@example.com").await;
    let checks_after_unknown = server.log_lines_once_there_are("password check", 1);
    let wrong = submit("ada@example.com").await;
    let checks_after_wrong = server.log_lines_once_there_are("password check", 2);

    assert_eq!(
        checks_after_unknown, 1,
        "an unknown email still runs one password verification"
    );
    assert_eq!(
        checks_after_wrong, 2,
        "a wrong password runs one password verification"
    );
    assert_eq!(unknown.0, wrong.0);
    assert!(
        unknown.1.contains("Invalid email or password.")
            && wrong.1.contains("Invalid email or password.")
    );
}

#[tokio::test]
async fn a_revoked_token_no_longer_authenticates() {
    for_each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let ada = app.add_user("ada@example.com", "developer", &[]).await;
        assert_eq!(app.get(&ada, "/api/v1/me").await.status(), StatusCode::OK);
        let listing = app.server_cli(&["token", "list"], None);
        let stdout = String::from_utf8_lossy(&listing.stdout);
        let id = stdout
            .lines()
            .next()
            .and_then(|l| l.split('\t').next())
            .expect("a token id")
            .to_owned();
        let revoked = app.server_cli(&["token", "revoke", &id], None);
        assert!(
            revoked.status.success(),
            "{}",
            String::from_utf8_lossy(&revoked.stderr)
        );
        assert_eq!(
            app.get(&ada, "/api/v1/me").await.status(),
            StatusCode::UNAUTHORIZED
        );
    })
    .await;
}

#[tokio::test]
async fn unauthenticated_requests_get_401_on_the_api_and_the_login_page_in_a_browser() {
    let app = TestApp::spawn(crate::support::Backend::sqlite()).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let api = client.get(app.url("/api/v1/me")).send().await.expect("get");
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
    let bad_token = client
        .get(app.url("/api/v1/me"))
        .bearer_auth("amt_not-a-token")
        .send()
        .await
        .expect("get");
    assert_eq!(bad_token.status(), StatusCode::UNAUTHORIZED);
    let page = client
        .get(app.url("/admin/users?x=1"))
        .send()
        .await
        .expect("get");
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        page.headers()["location"],
        "/login?next=/admin/users%3Fx%3D1"
    );
}
