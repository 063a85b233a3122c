//! Webhook authentication and idempotency, on the published example payloads.

use agentmeter_reviews::sign_github;

use super::{
    count, fixture, post_github, post_gitlab, spawn_with_secrets, GITHUB_SECRET, GITLAB_TOKEN,
};
use crate::support::for_each_backend;

const GITHUB_FIXTURES: [(&str, &str); 12] = [
    ("ping", "ping.json"),
    ("ping", "ping.no-repository.json"),
    ("pull_request", "pull_request.opened.json"),
    ("pull_request", "pull_request.opened.null-body.json"),
    ("pull_request", "pull_request.synchronize.json"),
    ("pull_request", "pull_request.labeled.json"),
    ("pull_request", "pull_request.closed.json"),
    ("pull_request", "pull_request.reopened.json"),
    ("pull_request_review", "pull_request_review.submitted.json"),
    ("pull_request_review", "pull_request_review.dismissed.json"),
    ("push", "push.json"),
    ("push", "push.tag.json"),
];

#[tokio::test]
async fn every_signed_github_example_payload_is_accepted_and_stored() {
    for_each_backend(|backend| async move {
        let app = spawn_with_secrets(backend).await;
        for (i, (event, file)) in GITHUB_FIXTURES.iter().enumerate() {
            let body = fixture("github", file);
            let signature = sign_github(GITHUB_SECRET.as_bytes(), &body);
            let (status, reply) = post_github(&app, event, &format!("delivery-{i}"), &body, Some(signature)).await;
            assert_eq!(status, 200, "{} {file}: {reply}", app.backend);
            assert_ne!(reply["status"], "duplicate", "{file}");
        }
        let body = fixture("github", "issues.edited.json");
        let signature = sign_github(GITHUB_SECRET.as_bytes(), &body);
        let (status, reply) = post_github(&app, "issues", "delivery-issues", &body, Some(signature)).await;
        assert_eq!((status, reply["status"].as_str()), (202, Some("ignored")), "{}", app.backend);

        assert!(count(&app, "pull_requests").await >= 1, "{}", app.backend);
        let review: (String, i64) = sqlx::query_as("SELECT state, CAST(CASE WHEN dismissed THEN 1 ELSE 0 END AS BIGINT) FROM reviews").fetch_one(&app.sql).await.expect("one review");
        assert_eq!(review, ("commented".to_owned(), 1), "{}: the submitted review, later dismissed", app.backend);
        assert_eq!(count(&app, "pushed_commits").await, 1, "{}", app.backend);
        assert_eq!(count(&app, "webhook_deliveries").await, 13, "{}", app.backend);
        let named: (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM pull_requests p JOIN repositories r ON r.id = p.repository_id WHERE r.name = 'github.com/codertocat/hello-world'",
        )
        .fetch_one(&app.sql)
        .await
        .expect("count");
        assert_eq!(named.0, count(&app, "pull_requests").await, "every PR under the normalized repository name");
    })
    .await;
}

#[tokio::test]
async fn missing_malformed_or_wrong_signatures_get_401_and_store_nothing() {
    for_each_backend(|backend| async move {
        let app = spawn_with_secrets(backend).await;
        let body = fixture("github", "pull_request.opened.json");
        let wrong = sign_github(b"not the secret", &body);
        let tampered = sign_github(GITHUB_SECRET.as_bytes(), b"{}");
        for signature in [
            None,
            Some("sha256=zz".to_owned()),
            Some(wrong),
            Some(tampered),
        ] {
            let (status, _) =
                post_github(&app, "pull_request", "d-1", &body, signature.clone()).await;
            assert_eq!(status, 401, "{} {signature:?}", app.backend);
        }
        assert_eq!(count(&app, "pull_requests").await, 0);
        assert_eq!(count(&app, "webhook_deliveries").await, 0);
    })
    .await;
}

#[tokio::test]
async fn a_replayed_github_delivery_adds_nothing_and_says_duplicate() {
    for_each_backend(|backend| async move {
        let app = spawn_with_secrets(backend).await;
        let body = fixture("github", "pull_request_review.submitted.json");
        let signature = sign_github(GITHUB_SECRET.as_bytes(), &body);
        let (first, reply) = post_github(
            &app,
            "pull_request_review",
            "same-id",
            &body,
            Some(signature.clone()),
        )
        .await;
        assert_eq!((first, reply["status"].as_str()), (200, Some("processed")));
        let before = (
            count(&app, "pull_requests").await,
            count(&app, "reviews").await,
            count(&app, "identities").await,
        );
        let (again, reply) = post_github(
            &app,
            "pull_request_review",
            "same-id",
            &body,
            Some(signature),
        )
        .await;
        assert_eq!(
            (again, reply["status"].as_str()),
            (200, Some("duplicate")),
            "{}",
            app.backend
        );
        let after = (
            count(&app, "pull_requests").await,
            count(&app, "reviews").await,
            count(&app, "identities").await,
        );
        assert_eq!(before, after);
        assert_eq!(count(&app, "webhook_deliveries").await, 1);
        let events: (i64,) = sqlx::query_as("SELECT CAST(SUM(events) AS BIGINT) FROM identities")
            .fetch_one(&app.sql)
            .await
            .expect("sum");
        assert_eq!(
            events.0, 2,
            "the PR author and the reviewer, counted once each"
        );
    })
    .await;
}

#[tokio::test]
async fn a_repository_secret_replaces_the_global_one_for_that_repository() {
    for_each_backend(|backend| async move {
        let app = spawn_with_secrets(backend).await;
        let admin = app.add_user("admin@example.com", "admin", &[]).await;
        let response =
            reqwest::Client::new()
                .put(app.url(
                    "/api/v1/repositories/github.com%2Fcodertocat%2Fhello-world/webhook-secret",
                ))
                .bearer_auth(&admin.token)
                .json(&serde_json::json!({"secret": "per-repo"}))
                .send()
                .await
                .expect("request");
        assert_eq!(response.status().as_u16(), 200);
        assert!(
            !response.text().await.expect("body").contains("per-repo"),
            "the secret is never returned"
        );
        let listed = app.get_json(&admin, "/api/v1/repositories").await;
        assert!(!listed.to_string().contains("per-repo"));
        assert_eq!(listed[0]["webhook_secret_set"], true);
        let set_at = listed[0]["webhook_secret_set_at"]
            .as_str()
            .unwrap_or_default();
        assert!(
            chrono::DateTime::parse_from_rfc3339(set_at).is_ok(),
            "RFC 3339 time: {listed}"
        );

        let body = fixture("github", "push.json");
        let global = sign_github(GITHUB_SECRET.as_bytes(), &body);
        assert_eq!(
            post_github(&app, "push", "p-1", &body, Some(global))
                .await
                .0,
            401
        );
        let own = sign_github(b"per-repo", &body);
        assert_eq!(
            post_github(&app, "push", "p-2", &body, Some(own)).await.0,
            200
        );
    })
    .await;
}

#[tokio::test]
async fn gitlab_hooks_need_the_right_token_and_replays_add_nothing() {
    for_each_backend(|backend| async move {
        let app = spawn_with_secrets(backend).await;
        let body = fixture("gitlab", "merge_request.open.json");
        assert_eq!(post_gitlab(&app, &body, None, "u-1").await.0, 401);
        assert_eq!(post_gitlab(&app, &body, Some("wrong"), "u-1").await.0, 401);
        assert_eq!(count(&app, "pull_requests").await, 0);

        let files = [
            "merge_request.open.json",
            "merge_request.update.push.json",
            "merge_request.approved.json",
            "merge_request.unapproved.json",
            "merge_request.merge.json",
            "push.json",
        ];
        for (i, file) in files.iter().enumerate() {
            let (status, reply) = post_gitlab(
                &app,
                &fixture("gitlab", file),
                Some(GITLAB_TOKEN),
                &format!("uuid-{i}"),
            )
            .await;
            assert_eq!(status, 200, "{} {file}: {reply}", app.backend);
        }
        let prs = count(&app, "pull_requests").await;
        let reviews = count(&app, "reviews").await;
        assert!(prs >= 1 && reviews >= 1, "{prs} PRs, {reviews} reviews");
        let (status, reply) = post_gitlab(
            &app,
            &fixture("gitlab", "merge_request.approved.json"),
            Some(GITLAB_TOKEN),
            "uuid-2",
        )
        .await;
        assert_eq!((status, reply["status"].as_str()), (200, Some("duplicate")));
        assert_eq!(
            (
                count(&app, "pull_requests").await,
                count(&app, "reviews").await
            ),
            (prs, reviews)
        );
    })
    .await;
}
