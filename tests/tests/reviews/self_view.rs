//! A developer's own review section on their page (`/me`): their skip rate and review-off share of
//! AI edits beside their team's medians (withheld under three developers, nobody else's figure
//! shown), and their merged pull requests flagged critical or unreviewed.

use agentmeter_server::admin::{self, AddUser};
use secrecy::SecretString;
use serde_json::json;

use super::skip_history::{build_history, upload_usage};
use super::spawn_with_secrets;
use crate::support::app::PASSWORD;
use crate::support::{for_each_backend, BrowserSession, TestApp, TestUser};

/// A developer of team core with a GitHub login, a password and an API token.
async fn developer(app: &TestApp, login: &str) -> TestUser {
    let email = format!("{login}@example.com");
    let request = AddUser {
        email: email.clone(),
        name: login.into(),
        role: "developer".into(),
        teams: vec!["core".into()],
        github: Some(login.into()),
        password: Some(SecretString::from(PASSWORD.to_owned())),
        ..AddUser::default()
    };
    admin::add_user(&app.db, request).await.expect("user");
    TestUser {
        token: admin::create_token(&app.db, &email, Some("test"))
            .await
            .expect("token"),
        email,
    }
}

/// `edits` Edit calls, `off` of them with review off.
async fn edits(app: &TestApp, user: &TestUser, key: &str, edits: u32, off: u32) {
    let event = |k: String, calls: u32, mode: &str| {
        json!({"tool": "claude-code", "dedupe_key": k, "session_id": key, "timestamp": "2026-03-12T09:00:00Z",
               "model": "claude-sonnet-4-5", "input_tokens": 1, "output_tokens": 1,
               "tool_calls": {"Edit": calls}, "permission_mode": mode})
    };
    let mut events = vec![event(format!("{key}-off"), off, "acceptEdits")];
    if edits > off {
        events.push(event(format!("{key}-on"), edits - off, "default"));
    }
    upload_usage(app, user, &json!({ "events": events })).await;
}

#[tokio::test]
async fn a_developer_sees_their_review_figures_beside_the_team_median_and_their_flagged_prs() {
    for_each_backend(|backend| async move {
        let app = spawn_with_secrets(backend).await;
        app.add_team("core").await;
        let admin = app.add_user("admin@example.com", "admin", &[]).await;
        let alice = developer(&app, "alice").await;
        let bob = developer(&app, "bob").await;
        let erin = developer(&app, "erin").await;
        let frank = developer(&app, "frank").await;
        build_history(&app, &bob).await; // Bob: 2 of 2 edits with review off.
        edits(&app, &alice, "a", 4, 3).await;
        edits(&app, &erin, "e", 4, 4).await;
        edits(&app, &frank, "f", 4, 2).await;
        let put =
            reqwest::Client::new()
                .put(app.url(
                    "/api/v1/repositories/github.com%2Fcodertocat%2Fhello-world/critical-paths",
                ))
                .bearer_auth(&admin.token)
                .json(&json!({"globs": ["migrations/**", "**/auth/**", "billing/**"]}))
                .send()
                .await
                .expect("put");
        assert_eq!(put.status().as_u16(), 200);

        let session = BrowserSession::sign_in(&app, "alice@example.com", PASSWORD).await;
        let page = session
            .client
            .get(app.url("/me?from=2026-03-01&to=2026-03-31"))
            .send()
            .await
            .expect("GET /me");
        assert_eq!(page.status().as_u16(), 200);
        let html = page.text().await.expect("body");
        let section = html
            .split("id=\"your-reviews\"")
            .nth(1)
            .and_then(|s| s.split("</section>").next())
            .unwrap_or_else(|| panic!("no review section, {}: {html}", app.backend));
        let row = |figure: &str| {
            section
                .split("<tr>")
                .find(|r| r.contains(figure))
                .unwrap_or_else(|| panic!("no {figure} row: {section}"))
        };
        // Alice's PRs 1, 2, 5: 1 and 2 unreviewed, 2 of 3 classified. Only Alice and Bob have a
        // skip rate: the team median is withheld.
        let skip = row("Review-skip rate");
        assert!(
            skip.contains(">66.7%</td>") && skip.contains(">—</td>"),
            "{skip}"
        );
        assert!(skip.contains("withheld"), "{skip}");
        // Shares 75 (Alice), 100 (Bob), 100 (Erin), 50 (Frank): the median is 87.5.
        let off = row("review off");
        assert!(
            off.contains(">75.0%</td>") && off.contains(">87.5%</td>"),
            "{off}"
        );
        assert!(off.contains("median of 4 developers"), "{off}");
        for other in ["bob", "erin", "frank", "100.0%", "50.0%"] {
            assert!(
                !section.contains(other),
                "nobody else's figure: {other} in {section}"
            );
        }
        // Flagged: 1 (critical, unreviewed), 2 (unreviewed: approved after the merge), 5 (critical).
        let flagged = section
            .split("flagged critical or unreviewed")
            .nth(1)
            .expect("the list");
        for (number, why) in [
            (1, "Critical path · unreviewed"),
            (2, "unreviewed"),
            (5, "Critical path"),
        ] {
            let row = flagged
                .split("<tr>")
                .find(|r| r.contains(&format!(">#{number} ")))
                .unwrap_or_else(|| panic!("no #{number}: {flagged}"));
            assert!(row.contains(&format!("<td>{why}</td>")), "#{number}: {row}");
        }
        assert_eq!(
            flagged.matches("<tr>").count(),
            4,
            "a header and three rows: {flagged}"
        );
    })
    .await;
}
