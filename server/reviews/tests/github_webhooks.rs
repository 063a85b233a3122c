//! GitHub example payloads of `@octokit/webhooks-examples`, signed and parsed.

use agentmeter_reviews::*;
use serde_json::{json, Value};

use crate::fixture;

/// `sign("agentmeter-test-secret", <fixtures/github/ping.json>)` of `@octokit/webhooks-methods`
/// 6.0.0, computed once with node 20.
const PING_SIGNATURE: &str =
    "sha256=315910debf97b03dc3c299709541102fddeb0ad2b8f386c8c98f0378007642c3";

fn parse(event: &str, name: &str) -> WebhookEvent {
    parse_github_event(event, &fixture(&format!("github/{name}"))).expect("parses")
}

fn parse_value(event: &str, value: &Value) -> WebhookEvent {
    parse_github_event(event, &serde_json::to_vec(value).expect("serializes")).expect("parses")
}

fn fixture_value(name: &str) -> Value {
    serde_json::from_slice(&fixture(&format!("github/{name}"))).expect("valid JSON")
}

#[test]
fn the_example_ping_signed_by_octokit_verifies_and_a_tampered_one_does_not() {
    let body = fixture("github/ping.json");
    assert_eq!(
        sign_github(b"agentmeter-test-secret", &body),
        PING_SIGNATURE
    );
    assert!(
        verify_github_signature(b"agentmeter-test-secret", &body, Some(PING_SIGNATURE)).is_ok()
    );

    let mut tampered = body.clone();
    tampered.push(b' ');
    let refused =
        verify_github_signature(b"agentmeter-test-secret", &tampered, Some(PING_SIGNATURE));
    assert!(refused.as_ref().is_err_and(ReviewsError::is_unauthorized));
    let missing = verify_github_signature(b"agentmeter-test-secret", &body, None);
    assert!(missing.is_err_and(|e| e.is_unauthorized()));
}

#[test]
fn pings_are_read_with_or_without_a_repository() {
    let WebhookEvent::Ping(ping) = parse("ping", "ping.json") else {
        panic!("not a ping")
    };
    assert_eq!(ping.hook_id, Some(109948940));
    assert_eq!(
        ping.repository.as_deref(),
        Some("github.com/octocoders/hello-world")
    );
    let WebhookEvent::Ping(ping) = parse("ping", "ping.no-repository.json") else {
        panic!("not a ping")
    };
    assert_eq!(ping.repository, None);
}

#[test]
fn an_opened_pull_request_is_read_with_author_branch_and_size() {
    let WebhookEvent::PullRequest(pr) = parse("pull_request", "pull_request.opened.json") else {
        panic!("not a pull request")
    };
    assert_eq!(pr.action, PullRequestAction::Opened);
    assert_eq!(pr.repository, "github.com/codertocat/hello-world");
    assert_eq!(pr.number, 2);
    assert_eq!(
        pr.author.as_ref().map(|a| a.login.as_str()),
        Some("Codertocat")
    );
    assert_eq!(
        (pr.head_branch.as_str(), pr.base_branch.as_str()),
        ("changes", "master")
    );
    assert_eq!(pr.created_at.to_rfc3339(), "2019-05-15T15:20:33+00:00");
    assert_eq!((pr.lines_added, pr.lines_removed), (Some(1), Some(1)));
    assert!(!pr.merged && pr.body_ai_markers.is_empty());
}

#[test]
fn every_stored_pull_request_action_is_read() {
    let cases = [
        (
            "pull_request.opened.null-body.json",
            PullRequestAction::Opened,
        ),
        ("pull_request.closed.json", PullRequestAction::Closed),
        ("pull_request.reopened.json", PullRequestAction::Reopened),
        (
            "pull_request.synchronize.json",
            PullRequestAction::Synchronize,
        ),
        (
            "pull_request.labeled.json",
            PullRequestAction::Other("labeled".into()),
        ),
    ];
    for (name, action) in cases {
        let WebhookEvent::PullRequest(pr) = parse("pull_request", name) else {
            panic!("{name}")
        };
        assert_eq!(pr.action, action, "{name}");
        assert!(!pr.merged, "{name}");
    }
}

#[test]
fn a_closed_and_merged_pull_request_carries_its_merge_and_body_markers() {
    let mut value = fixture_value("pull_request.closed.json");
    value["pull_request"]["merged"] = json!(true);
    value["pull_request"]["merged_at"] = json!("2019-05-15T15:21:18Z");
    value["pull_request"]["merged_by"] = value["sender"].clone();
    value["pull_request"]["body"] =
        json!("Refactor.\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)");

    let WebhookEvent::PullRequest(pr) = parse_value("pull_request", &value) else {
        panic!("not a PR")
    };

    assert_eq!(pr.action, PullRequestAction::Closed);
    assert!(pr.merged);
    assert_eq!(
        pr.merged_at.map(|t| t.to_rfc3339()).as_deref(),
        Some("2019-05-15T15:21:18+00:00")
    );
    assert_eq!(pr.merged_by.as_deref(), Some("Codertocat"));
    assert_eq!(pr.body_ai_markers, vec![AiAssistant::ClaudeCode]);
}

#[test]
fn submitted_and_dismissed_reviews_are_read_with_state_and_reviewer() {
    let WebhookEvent::Review(review) =
        parse("pull_request_review", "pull_request_review.submitted.json")
    else {
        panic!("not a review")
    };
    assert_eq!(
        (review.action, review.state),
        (ReviewAction::Submitted, ReviewState::Commented)
    );
    assert_eq!(review.reviewer.login, "Codertocat");
    assert_eq!(review.review_id, Some(237895671));
    assert_eq!(review.number, 2);
    assert_eq!(
        review.submitted_at.map(|t| t.to_rfc3339()).as_deref(),
        Some("2019-05-15T15:20:38+00:00")
    );

    let WebhookEvent::Review(review) =
        parse("pull_request_review", "pull_request_review.dismissed.json")
    else {
        panic!("not a review")
    };
    assert_eq!(
        (review.action, review.state),
        (ReviewAction::Dismissed, ReviewState::Dismissed)
    );

    let mut value = fixture_value("pull_request_review.submitted.json");
    value["review"]["state"] = json!("APPROVED");
    let WebhookEvent::Review(review) = parse_value("pull_request_review", &value) else {
        panic!("not a review")
    };
    assert_eq!(review.state, ReviewState::Approved);
}

#[test]
fn a_push_is_read_with_its_branch_time_and_paths() {
    let WebhookEvent::Push(push) = parse("push", "push.json") else {
        panic!("not a push")
    };
    assert_eq!(push.branch.as_deref(), Some("master"));
    assert_eq!(push.repository, "github.com/codertocat/hello-world");
    assert_eq!(push.pushed_at.map(|t| t.timestamp()), Some(1557933657));
    assert_eq!(push.commits.len(), 1);
    assert_eq!(
        push.commits[0].sha,
        "6113728f27ae82c7b1a177c8d03f9e96e0adf246"
    );
    assert_eq!(push.commits[0].paths(), vec!["README.md"]);
    assert_eq!(
        push.commits[0].author_username.as_deref(),
        Some("Codertocat")
    );

    let WebhookEvent::Push(tag) = parse("push", "push.tag.json") else {
        panic!("not a push")
    };
    assert_eq!((tag.branch, tag.commits.len()), (None, 0));
}

#[test]
fn other_events_are_ignored_and_broken_json_is_an_error() {
    let event = parse("issues", "issues.edited.json");
    assert_eq!(
        event,
        WebhookEvent::Ignored(IgnoredEvent {
            event: "issues".into(),
            action: Some("edited".into())
        })
    );
    assert!(matches!(
        parse_github_event("push", b"{not json"),
        Err(ReviewsError::Payload(_))
    ));
    assert!(matches!(
        parse_github_event("pull_request", b"{}"),
        Err(ReviewsError::Payload(_))
    ));
}
