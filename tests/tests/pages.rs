//! The dashboard pages over HTTP with a signed-in browser session: role rules, CSV export and
//! escaping of user-supplied names.

use reqwest::StatusCode;

use crate::support::app::PASSWORD;
use crate::support::dashboard::{demo_org, TEAM_PAGES};
use crate::support::{Backend, BrowserSession, TestApp};

async fn page(session: &BrowserSession, app: &TestApp, path: &str) -> (StatusCode, String) {
    let response = session.client.get(app.url(path)).send().await.expect("GET");
    let status = response.status();
    (status, response.text().await.expect("body"))
}

#[tokio::test]
async fn a_script_tag_in_a_team_name_renders_as_text() {
    let app = TestApp::spawn(Backend::sqlite()).await;
    app.add_team("<script>alert(1)</script>").await;
    app.add_user("admin@example.com", "admin", &[]).await;
    let session = BrowserSession::sign_in(&app, "admin@example.com", PASSWORD).await;
    for path in ["/spend", "/adoption", "/productivity"] {
        let (status, html) = page(&session, &app, path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {html}");
        assert!(
            html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
            "{path} shows the team name escaped"
        );
        assert!(
            !html.contains("<script>alert(1)"),
            "{path} must not contain the raw script tag"
        );
    }
}

#[tokio::test]
async fn every_table_downloads_as_csv_with_a_file_name() {
    let org = demo_org(Backend::sqlite()).await;
    let app = &org.app;
    let session = BrowserSession::sign_in(app, "admin@demo.test", PASSWORD).await;

    let response = session
        .client
        .get(app.url("/spend?format=csv&table=spend-by-developer"))
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), StatusCode::OK);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        header("content-type").starts_with("text/csv"),
        "content type {}",
        header("content-type")
    );
    assert_eq!(
        header("content-disposition"),
        "attachment; filename=\"agentmeter-spend-by-developer.csv\""
    );
    let csv = response.text().await.expect("body");
    assert!(
        csv.starts_with("name,spend_usd,share_ratio,tokens,requests,change_ratio,change_usd\r\n"),
        "{csv}"
    );
    assert!(csv.contains("Ada Lovelace,"), "{csv}");

    for (path, table) in [
        ("/plans", "plan-catalog"),
        ("/adoption", "not-started"),
        ("/productivity", "lift-by-team"),
        ("/reviews", "critical-unreviewed-merges"),
        ("/", "critical-unreviewed-merges"),
    ] {
        let (status, body) = page(&session, app, &format!("{path}?format=csv&table={table}")).await;
        assert_eq!(status, StatusCode::OK, "{path} {table}: {body}");
        assert!(
            body.lines().count() >= 1 && !body.contains("<html"),
            "{path} {table} is CSV: {body}"
        );
    }
    let (not_started, _) = (
        page(&session, app, "/adoption?format=csv&table=not-started")
            .await
            .1,
        (),
    );
    assert!(
        not_started.contains("Dennis Ritchie"),
        "the developer who never started is listed: {not_started}"
    );
    let (status, _) = page(&session, app, "/spend?format=csv&table=no-such-table").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_manager_sees_only_their_team_and_gets_403_for_another() {
    let org = demo_org(Backend::sqlite()).await;
    let app = &org.app;
    let maria = &org.managers[0];
    let session = BrowserSession::sign_in(app, &maria.email, PASSWORD).await;

    for path in TEAM_PAGES {
        let (status, html) = page(&session, app, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        for other in org.developers.iter().filter(|d| d.team != maria.team) {
            assert!(
                !html.contains(other.name),
                "{path} shows {} of {}",
                other.name,
                other.team
            );
        }
    }
    let (_, spend) = page(&session, app, "/spend").await;
    assert!(
        spend.contains("Ada Lovelace"),
        "her own team's developers are listed"
    );

    let payments = org
        .developers
        .iter()
        .find(|d| d.team == "Payments")
        .expect("a Payments developer");
    for path in [
        "/spend?team=Payments".to_owned(),
        "/reviews?team=Payments".to_owned(),
        format!("/developers/{}", payments.email),
    ] {
        let (status, _) = page(&session, app, &path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    let ada = &org.developers[0];
    let (status, html) = page(&session, app, &format!("/developers/{}", ada.email)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Ada Lovelace") && html.contains("Sessions"));
}

#[tokio::test]
async fn a_developer_is_sent_to_their_own_page_and_kept_out_of_team_pages() {
    let org = demo_org(Backend::sqlite()).await;
    let app = &org.app;
    let ada = &org.developers[0];
    let session = BrowserSession::sign_in(app, &ada.email, PASSWORD).await;

    let response = session
        .client
        .get(app.url("/"))
        .send()
        .await
        .expect("GET /");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok()),
        Some("/me")
    );

    let (status, me) = page(&session, app, "/me").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        me.contains("Ada Lovelace") && !me.contains("Grace Hopper"),
        "only her own data"
    );
    assert!(
        me.contains(">My usage<") && !me.contains("href=\"/spend\""),
        "the navigation has only her page"
    );

    let grace = &org.developers[1];
    for path in [
        "/spend".to_owned(),
        "/plans".into(),
        "/adoption".into(),
        "/productivity".into(),
        "/reviews".into(),
        format!("/developers/{}", grace.email),
    ] {
        let (status, _) = page(&session, app, &path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    let (status, own) = page(&session, app, &format!("/developers/{}", ada.email)).await;
    assert_eq!(
        (status, own.contains("Ada Lovelace")),
        (StatusCode::OK, true)
    );
}
