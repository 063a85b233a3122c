//! People and teams through the admin pages, the API and the server CLI (issue 16): edits,
//! deactivation, password-reset links, team rename and delete, seats, webhook deliveries, and
//! the audit log that records each of them.

mod admin_pages;
mod password_reset;
mod reset_mail;
mod teams_and_sources;

use reqwest::StatusCode;
use serde_json::Value;

use crate::support::app::PASSWORD;
use crate::support::{BrowserSession, TestApp, TestUser};

/// An organisation of two teams, an admin (signed in to the pages) and a developer in Alpha.
pub struct People {
    pub admin: TestUser,
    pub admin_session: BrowserSession,
    pub dev: TestUser,
}

pub async fn people(app: &TestApp) -> People {
    app.add_team("Alpha").await;
    app.add_team("Beta").await;
    let admin = app.add_user("root@example.com", "admin", &[]).await;
    let dev = app
        .add_user("dev@example.com", "developer", &["Alpha"])
        .await;
    let admin_session = BrowserSession::sign_in(app, &admin.email, PASSWORD).await;
    People {
        admin,
        admin_session,
        dev,
    }
}

/// Posts an admin form from `page` (whose CSRF token it carries) to `action`.
pub async fn post_form(
    app: &TestApp,
    session: &BrowserSession,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let csrf = session.page_token(app, page).await;
    let mut form: Vec<(&str, &str)> = fields.to_vec();
    form.push(("csrf_token", &csrf));
    let response = session
        .client
        .post(app.url(action))
        .form(&form)
        .send()
        .await
        .expect("POST");
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (status, location, response.text().await.expect("body"))
}

/// The audit log's entries through the API, newest first, filtered by `query`.
pub async fn audit(app: &TestApp, admin: &TestUser, query: &str) -> Vec<Value> {
    let page = app.get_json(admin, &format!("/api/v1/audit?{query}")).await;
    page["entries"].as_array().cloned().unwrap_or_default()
}

/// The newest entry of `action`.
pub async fn last_entry(app: &TestApp, admin: &TestUser, action: &str) -> Value {
    audit(app, admin, &format!("action={action}"))
        .await
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no {action} entry on {}", app.backend))
}
