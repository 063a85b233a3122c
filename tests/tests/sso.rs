//! Single sign-on (issue 16) against a real OpenID provider on a loopback port, driven in headless
//! Chromium: the authorization code flow with PKCE ends on the dashboard with a session; a first
//! sign-in creates the user with the teams and role of their groups; a person outside the allowed
//! domains, an ID token whose signature does not match the provider's keys and a deactivated user
//! are refused with a page that says why; with password login off the form is gone and refused.

mod idp;

use idp::{app_with_provider, sign_in_in_chromium, Account};

use crate::support::{for_each_backend, Backend, TestApp};

const ADA: Account = Account {
    id: "ada",
    email: "ada@example.com",
    groups: &["staff"],
};
const GRACE: Account = Account {
    id: "grace",
    email: "grace@example.com",
    groups: &["eng-payments", "leads", "not-mapped"],
};
const MALLORY: Account = Account {
    id: "mallory",
    email: "mallory@elsewhere.test",
    groups: &["eng-payments"],
};

async fn user_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&app.sql)
        .await
        .expect("count users")
}

#[tokio::test]
async fn signing_in_with_the_identity_provider_lands_on_the_dashboard_with_a_session() {
    let (app, idp) = app_with_provider(Backend::sqlite(), &[ADA], false, |_| {}).await;
    app.add_user(ADA.email, "admin", &[]).await;

    let outcome = sign_in_in_chromium(&app, ADA.id).await;

    assert_eq!(outcome.sso_button.as_deref(), Some("Sign in with Test ID"));
    assert!(outcome.password_form, "password login is on by default");
    assert_eq!(
        (outcome.landed_path.as_str(), outcome.landed_status),
        ("/", Some(200)),
        "{}",
        outcome.landed_text
    );
    assert_eq!(outcome.me["email"], ADA.email);
    assert_eq!(outcome.me["role"], "admin");
    let linked: String =
        sqlx::query_scalar("SELECT issuer FROM oidc_identities WHERE subject = 'ada'")
            .fetch_one(&app.sql)
            .await
            .expect("the subject is linked to the user");
    assert_eq!(linked, idp.issuer);
    let pending: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM oidc_pending_logins")
        .fetch_one(&app.sql)
        .await
        .expect("pending");
    assert_eq!(pending, 0, "a finished sign-in is used up");
}

#[tokio::test]
async fn a_first_sign_in_creates_the_user_with_the_teams_and_role_of_their_groups() {
    for_each_backend(|backend| async move {
        let (app, _idp) = app_with_provider(backend, &[GRACE], false, |s| {
            s.oidc.jit_users = true;
            s.oidc.allowed_email_domains = vec!["example.com".into()];
            for (group, team) in [("eng-payments", "Payments"), ("eng-web", "Web")] {
                s.oidc.group_teams.insert(group.into(), team.into());
            }
            s.oidc.group_roles.insert("leads".into(), "manager".into());
            s.oidc.group_roles.insert("admins".into(), "admin".into());
        })
        .await;
        app.add_team("Web").await;
        let before = user_count(&app).await;

        let outcome = sign_in_in_chromium(&app, GRACE.id).await;

        assert_eq!(outcome.landed_status, Some(200), "{}", outcome.landed_text);
        assert_eq!(user_count(&app).await, before + 1, "{}", app.backend);
        assert_eq!(outcome.me["email"], GRACE.email);
        assert_eq!(outcome.me["role"], "manager", "leads → manager");
        assert_eq!(
            outcome.me["teams"],
            serde_json::json!(["Payments"]),
            "eng-payments → Payments (created), not Web; unmapped groups ignored"
        );
    })
    .await;
}

#[tokio::test]
async fn a_person_outside_the_allowed_domains_is_refused_with_a_page_that_says_why() {
    let (app, _idp) = app_with_provider(Backend::sqlite(), &[MALLORY], false, |s| {
        s.oidc.jit_users = true;
        s.oidc.allowed_email_domains = vec!["example.com".into()];
    })
    .await;
    let before = user_count(&app).await;

    let outcome = sign_in_in_chromium(&app, MALLORY.id).await;

    assert_eq!(outcome.landed_status, Some(403), "{}", outcome.landed_text);
    assert!(
        outcome.landed_text.contains(
            "mallory@elsewhere.test may not sign in here: only addresses at example.com may."
        ),
        "{}",
        outcome.landed_text
    );
    assert!(outcome.me.is_null(), "no session: {}", outcome.me);
    assert_eq!(user_count(&app).await, before, "nobody was created");
}

#[tokio::test]
async fn an_id_token_signed_with_a_key_the_provider_does_not_advertise_is_refused() {
    let (app, _idp) = app_with_provider(Backend::sqlite(), &[ADA], true, |s| {
        s.oidc.jit_users = true;
    })
    .await;
    let before = user_count(&app).await;

    let outcome = sign_in_in_chromium(&app, ADA.id).await;

    assert_eq!(outcome.landed_status, Some(403), "{}", outcome.landed_text);
    assert!(
        outcome
            .landed_text
            .contains("the ID token did not pass validation (Signature verification failed)"),
        "{}",
        outcome.landed_text
    );
    assert!(outcome.me.is_null(), "no session: {}", outcome.me);
    assert_eq!(user_count(&app).await, before, "nobody was created");
}

#[tokio::test]
async fn a_deactivated_user_is_refused_at_single_sign_on() {
    let (app, _idp) = app_with_provider(Backend::sqlite(), &[ADA], false, |_| {}).await;
    app.add_user(ADA.email, "developer", &[]).await;
    let out = app.server_cli(&["user", "deactivate", ADA.email], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let outcome = sign_in_in_chromium(&app, ADA.id).await;

    assert_eq!(outcome.landed_status, Some(403), "{}", outcome.landed_text);
    assert!(
        outcome.landed_text.contains("is deactivated"),
        "{}",
        outcome.landed_text
    );
    assert!(outcome.me.is_null(), "no session: {}", outcome.me);
}

#[tokio::test]
async fn with_password_login_off_the_form_is_gone_and_a_posted_password_is_refused() {
    let (app, _idp) = app_with_provider(Backend::sqlite(), &[ADA], false, |s| {
        s.password_login = false;
    })
    .await;
    app.add_user(ADA.email, "admin", &[]).await;

    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let form = client
        .get(app.url("/login"))
        .send()
        .await
        .expect("login page")
        .text()
        .await
        .expect("body");
    assert!(!form.contains("name=\"password\""), "{form}");
    let posted = client
        .post(app.url("/login"))
        .form(&[
            ("email", ADA.email),
            ("password", crate::support::app::PASSWORD),
            ("csrf_token", "irrelevant"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(posted.status(), 403);
    let body = posted.text().await.expect("body");
    assert!(body.contains("Password sign-in is turned off"), "{body}");

    let outcome = sign_in_in_chromium(&app, ADA.id).await;
    assert!(!outcome.password_form);
    assert_eq!(outcome.landed_status, Some(200), "{}", outcome.landed_text);
    assert_eq!(outcome.me["email"], ADA.email, "single sign-on still works");
}
