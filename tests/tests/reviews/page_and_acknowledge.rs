//! The Reviews page against the API on the hand-built history (skip counts per developer and
//! repository, the review-off share of edits), and acknowledging an alert: who may, what is
//! recorded and where it shows (alerts API, page, CSV export, audit log), and what is refused.

use serde_json::{json, Value};

use super::skip_history::{build_history, developer, upload_usage};
use super::{count, spawn_with_secrets};
use crate::support::app::PASSWORD;
use crate::support::{for_each_backend, BrowserSession, TestApp, TestUser};

const RANGE: &str = "from=2026-03-01&to=2026-03-31";
const REPOSITORY: &str = "github.com/codertocat/hello-world";
/// The alert of the history: PR 1, Alice's, critical and AI-assisted, merged unreviewed.
pub(super) const ALERT: &str =
    "/api/v1/reviews/alerts/github.com%2Fcodertocat%2Fhello-world/1/acknowledge";

pub(super) struct Org {
    pub app: TestApp,
    pub admin: TestUser,
    core_manager: TestUser,
    web_manager: TestUser,
    alice: TestUser,
}

/// Alice in core, Bob in web, Carol and Dave reviewers, a manager of each team, the history of
/// `skip_history` with Alice's edits (3 of 4 with review off) and the critical paths set.
pub(super) async fn org(backend: crate::support::Backend) -> Org {
    let app = spawn_with_secrets(backend).await;
    app.add_team("core").await;
    app.add_team("web").await;
    let admin = app.add_user("admin@example.com", "admin", &[]).await;
    let core_manager = app
        .add_user("core-lead@example.com", "manager", &["core"])
        .await;
    let web_manager = app
        .add_user("web-lead@example.com", "manager", &["web"])
        .await;
    let alice = developer(&app, "alice", &["core"]).await;
    let bob = developer(&app, "bob", &["web"]).await;
    developer(&app, "carol", &[]).await;
    developer(&app, "dave", &[]).await;
    build_history(&app, &bob).await;
    let edits = json!({"events": [
        {"tool": "claude-code", "dedupe_key": "a1", "session_id": "s-a", "timestamp": "2026-03-10T09:00:00Z", "model": "claude-sonnet-4-5",
         "input_tokens": 1, "output_tokens": 1, "tool_calls": {"Edit": 3}, "permission_mode": "acceptEdits"},
        {"tool": "claude-code", "dedupe_key": "a2", "session_id": "s-a", "timestamp": "2026-03-10T09:05:00Z", "model": "claude-sonnet-4-5",
         "input_tokens": 1, "output_tokens": 1, "tool_calls": {"Write": 1}, "permission_mode": "default"}]});
    upload_usage(&app, &alice, &edits).await;
    let put = reqwest::Client::new()
        .put(app.url("/api/v1/repositories/github.com%2Fcodertocat%2Fhello-world/critical-paths"))
        .bearer_auth(&admin.token)
        .json(&json!({"globs": ["migrations/**", "**/auth/**", "billing/**"]}))
        .send()
        .await
        .expect("put");
    assert_eq!(put.status().as_u16(), 200);
    Org {
        app,
        admin,
        core_manager,
        web_manager,
        alice,
    }
}

pub(super) async fn acknowledge(app: &TestApp, user: &TestUser, path: &str, body: Value) -> u16 {
    reqwest::Client::new()
        .post(app.url(path))
        .bearer_auth(&user.token)
        .json(&body)
        .send()
        .await
        .expect("POST")
        .status()
        .as_u16()
}

async fn html(session: &BrowserSession, app: &TestApp, path: &str) -> String {
    let response = session.client.get(app.url(path)).send().await.expect("GET");
    assert_eq!(response.status().as_u16(), 200, "GET {path}");
    response.text().await.expect("body")
}

/// The table row of `name` in the section after `heading`.
fn row<'a>(page: &'a str, heading: &str, name: &str) -> &'a str {
    let section = page
        .split(heading)
        .nth(1)
        .unwrap_or_else(|| panic!("no {heading}"));
    let section = section.split("</table>").next().unwrap_or_default();
    section
        .split("<tr>")
        .find(|r| r.contains(&format!(">{name}</td>")))
        .unwrap_or_else(|| panic!("no row {name} under {heading}: {section}"))
}

fn percent(pct: f64) -> String {
    format!("{pct:.1}%")
}

#[tokio::test]
async fn the_reviews_page_shows_the_skip_and_review_off_figures_of_the_api() {
    for_each_backend(|backend| async move {
        let Org { app, admin, .. } = org(backend).await;
        let api = app
            .get_json(&admin, &format!("/api/v1/reviews/summary?{RANGE}"))
            .await;
        let session = BrowserSession::sign_in(&app, "admin@example.com", PASSWORD).await;
        let page = html(&session, &app, &format!("/reviews?{RANGE}")).await;

        // Hand-computed: Alice 3 of 4 edits with review off, Bob 2 of 2: 5 of 6.
        let share = api["edits_overall"]["unreviewed_share_pct"]
            .as_f64()
            .expect("share");
        assert!(
            (share - 500.0 / 6.0).abs() < 1e-9,
            "{}: {share}",
            app.backend
        );
        let marker = "data-metric=\"reviews.edits_overall.unreviewed_share_pct\">";
        let shown = page.split(marker).nth(1).and_then(|s| s.split('<').next());
        assert_eq!(shown, Some(percent(share).as_str()), "{}", app.backend);
        for (list, heading) in [
            ("by_developer", "Skip rates by developer"),
            ("by_repository", "Skip rates by repository"),
        ] {
            for group in api[list].as_array().expect(list) {
                let name = group["key"].as_str().expect("key");
                let cells = row(&page, heading, name);
                let all = &group["all"];
                for field in ["merged", "classified", "unreviewed", "rubber_stamped"] {
                    let n = all[field].as_i64().expect(field);
                    assert!(
                        cells.contains(&format!(">{n}</td>")),
                        "{name} {field} {n}: {cells}"
                    );
                }
                if let Some(rate) = all["skip_rate_pct"].as_f64() {
                    assert!(
                        cells.contains(&format!(">{}</td>", percent(rate))),
                        "{name} rate: {cells}"
                    );
                }
            }
        }
        // Bob: PRs 3, 4, 6, 7; 3 unreviewed (dismissed review), 4 rubber-stamped: 2 of 4.
        assert!(row(&page, "Skip rates by developer", "bob").contains(">50.0%</td>"));
        assert!(row(&page, "AI edits made with review off", "alice").contains(">75.0%</td>"));
        assert!(
            page.contains("Skip rate per week") && page.contains("Target 10.0%"),
            "the weekly chart and its target line"
        );
        // The list filtered to Bob's unreviewed merges: PR 3 only.
        let list = html(
            &session,
            &app,
            &format!("/reviews?{RANGE}&pr_author=bob&pr_outcome=unreviewed"),
        )
        .await;
        let list = list
            .split("id=\"merged-pull-requests\"")
            .nth(1)
            .expect("the list");
        assert!(
            list.contains("#3 Change 3")
                && !list.contains("#4 Change 4")
                && !list.contains("#1 Change 1"),
            "{list}"
        );
        assert!(list.contains("1 pull requests"), "{list}");
        let csv = html(
            &session,
            &app,
            &format!("/reviews?{RANGE}&format=csv&table=merged-pull-requests"),
        )
        .await;
        assert_eq!(
            csv.lines().count(),
            1 + 7,
            "a header and the 7 merged pull requests: {csv}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_manager_of_the_authors_team_acknowledges_an_alert_and_it_shows_everywhere() {
    for_each_backend(|backend| async move {
        let Org {
            app,
            admin,
            core_manager,
            ..
        } = org(backend).await;
        let status = acknowledge(
            &app,
            &core_manager,
            ALERT,
            json!({"reviewer": "carol@example.com", "note": "Check the ledger migration"}),
        )
        .await;
        assert_eq!(status, 200, "{}", app.backend);

        let alerts = app
            .get_json(&admin, &format!("/api/v1/reviews/alerts?{RANGE}"))
            .await;
        let ack = &alerts[0]["acknowledgement"];
        assert_eq!(alerts[0]["number"], 1);
        assert_eq!(
            (&ack["acknowledged_by"], &ack["reviewer"], &ack["note"]),
            (
                &json!("core-lead@example.com"),
                &json!("carol@example.com"),
                &json!("Check the ledger migration")
            ),
            "{alerts}"
        );
        let audit = app.get_json(&admin, "/api/v1/audit").await;
        let entry = audit["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .find(|e| e["action"] == "review_alert.acknowledge")
            .expect("an audit entry");
        assert_eq!(
            (&entry["actor"], &entry["subject"]),
            (
                &json!("core-lead@example.com"),
                &json!(format!("{REPOSITORY}#1"))
            )
        );
        assert_eq!(entry["after"]["reviewer"], "carol@example.com");

        // Through the page's form, the manager reassigns the review to Dave.
        let session = BrowserSession::sign_in(&app, "core-lead@example.com", PASSWORD).await;
        let page = html(&session, &app, &format!("/reviews?{RANGE}")).await;
        assert!(
            page.contains("Acknowledged")
                && page.contains("carol@example.com")
                && page.contains("Reassign"),
            "{page}"
        );
        let csrf = session.page_token(&app, &format!("/reviews?{RANGE}")).await;
        let posted = session
            .client
            .post(app.url("/reviews/alerts/acknowledge"))
            .form(&[
                ("csrf_token", csrf.as_str()),
                ("repository", REPOSITORY),
                ("number", "1"),
                ("reviewer", "dave@example.com"),
                ("note", ""),
                // Every filter of the page comes back; anything else is dropped.
                (
                    "back",
                    &format!("{RANGE}&tool=codex&q=Change&pr_author=bob&pr_page=2&next=//evil"),
                ),
            ])
            .send()
            .await
            .expect("POST");
        assert_eq!(posted.status().as_u16(), 303);
        let location = posted.headers()["location"]
            .to_str()
            .expect("location")
            .to_owned();
        assert_eq!(
            location,
            format!("/reviews?{RANGE}&tool=codex&q=Change&pr_author=bob&pr_page=2#critical-unreviewed-merges")
        );
        // The Overview's alert row shows the acknowledgement and the post-merge reviewer.
        let overview = html(&session, &app, &format!("/?{RANGE}")).await;
        let alerts = overview
            .split("data-csv-name=\"critical-unreviewed-merges\"")
            .nth(1)
            .expect("the alert table");
        let row = alerts.split("</tr>").find(|r| r.contains("#1 ")).expect("PR 1's row");
        assert!(
            row.contains("Acknowledged") && row.contains("by core-lead") && row.contains("dave"),
            "{row}"
        );
        let csv = html(
            &session,
            &app,
            &format!("/reviews?{RANGE}&format=csv&table=critical-unreviewed-merges"),
        )
        .await;
        let header = csv.lines().next().unwrap_or_default();
        assert!(
            header.ends_with("acknowledged_by,acknowledged_at,post_merge_reviewer,note"),
            "{header}"
        );
        assert!(
            csv.lines()
                .nth(1)
                .is_some_and(|l| l.contains("dave@example.com")),
            "{csv}"
        );
        assert_eq!(count(&app, "review_acknowledgements").await, 1);
    })
    .await;
}

#[tokio::test]
async fn only_managers_of_the_authors_team_and_admins_may_acknowledge_and_bad_input_changes_nothing(
) {
    for_each_backend(|backend| async move {
        let Org {
            app,
            admin,
            web_manager,
            alice,
            ..
        } = org(backend).await;
        let carol = json!({"reviewer": "carol@example.com"});
        assert_eq!(
            acknowledge(&app, &alice, ALERT, carol.clone()).await,
            403,
            "a developer, {}",
            app.backend
        );
        assert_eq!(
            acknowledge(&app, &web_manager, ALERT, carol.clone()).await,
            403,
            "another team's manager"
        );
        let refused = [
            (ALERT, json!({"reviewer": "nobody@example.com"}), 422),
            (ALERT, json!({"reviewer": "alice@example.com"}), 422),
            (
                ALERT,
                json!({"reviewer": "carol@example.com", "note": "x".repeat(2001)}),
                422,
            ),
            (ALERT, json!({"note": "no reviewer"}), 422),
            (
                "/api/v1/reviews/alerts/github.com%2Fcodertocat%2Fhello-world/2/acknowledge",
                carol.clone(),
                409,
            ),
            (
                "/api/v1/reviews/alerts/github.com%2Fcodertocat%2Fhello-world/99/acknowledge",
                carol.clone(),
                404,
            ),
            (
                "/api/v1/reviews/alerts/github.com%2Fcodertocat%2Fhello-world/x/acknowledge",
                carol.clone(),
                400,
            ),
        ];
        for (path, body, expected) in refused {
            assert_eq!(
                acknowledge(&app, &admin, path, body.clone()).await,
                expected,
                "{path} {body}"
            );
        }
        assert_eq!(
            count(&app, "review_acknowledgements").await,
            0,
            "nothing stored"
        );
        let alerts = app
            .get_json(&admin, &format!("/api/v1/reviews/alerts?{RANGE}"))
            .await;
        assert_eq!(alerts[0]["acknowledgement"], Value::Null);
        assert_eq!(
            acknowledge(&app, &admin, ALERT, carol).await,
            200,
            "an admin may"
        );
    })
    .await;
}
