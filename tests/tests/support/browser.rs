//! A cookie-keeping HTTP client that signs in through the login form, as a browser would.

use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};

use super::TestApp;

pub struct BrowserSession {
    pub client: Client,
}

impl BrowserSession {
    pub fn new() -> BrowserSession {
        let client = Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .expect("client");
        BrowserSession { client }
    }

    /// Loads the login form and returns its CSRF token.
    pub async fn login_form_token(&self, app: &TestApp) -> String {
        let html = self
            .client
            .get(app.url("/login"))
            .send()
            .await
            .expect("GET /login")
            .text()
            .await
            .expect("body");
        hidden_field(&html, "csrf_token").expect("login form has a csrf_token field")
    }

    /// Posts the login form with a fresh form token.
    pub async fn submit_login(&self, app: &TestApp, email: &str, password: &str) -> Response {
        let csrf = self.login_form_token(app).await;
        self.client
            .post(app.url("/login"))
            .form(&[
                ("email", email),
                ("password", password),
                ("csrf_token", csrf.as_str()),
            ])
            .send()
            .await
            .expect("POST /login")
    }

    /// Signs in, asserting the redirect that marks success.
    pub async fn sign_in(app: &TestApp, email: &str, password: &str) -> BrowserSession {
        let session = BrowserSession::new();
        let response = session.submit_login(app, email, password).await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "login as {email} should redirect"
        );
        session
    }

    /// The CSRF token forms on `path` carry for this session.
    pub async fn page_token(&self, app: &TestApp, path: &str) -> String {
        let html = self
            .client
            .get(app.url(path))
            .send()
            .await
            .expect("GET")
            .text()
            .await
            .expect("body");
        hidden_field(&html, "csrf_token")
            .unwrap_or_else(|| panic!("{path} has no csrf_token field"))
    }
}

/// The value of the first hidden input named `name`.
pub fn hidden_field(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(
        html[start..end]
            .replace("&#34;", "\"")
            .replace("&amp;", "&"),
    )
}
