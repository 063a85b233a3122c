//! GitLab merge request and push hooks written after GitLab's documented format.

use agentmeter_reviews::*;

use crate::fixture;

fn parse(name: &str) -> WebhookEvent {
    parse_gitlab_event(&fixture(&format!("gitlab/{name}"))).expect("parses")
}

fn pull_request(name: &str) -> PullRequestEvent {
    match parse(name) {
        WebhookEvent::PullRequest(pr) => pr,
        other => panic!("{name}: {other:?}"),
    }
}

#[test]
fn gitlab_tokens_are_compared_exactly() {
    assert!(verify_gitlab_token("hook-token", Some("hook-token")).is_ok());
    assert!(
        verify_gitlab_token("hook-token", Some("hook-tokeN")).is_err_and(|e| e.is_unauthorized())
    );
    assert!(verify_gitlab_token("hook-token", None).is_err_and(|e| e.is_unauthorized()));
}

#[test]
fn an_opened_merge_request_names_its_author_repository_and_body_markers() {
    let pr = pull_request("merge_request.open.json");
    assert_eq!(pr.forge, Forge::GitLab);
    assert_eq!(pr.action, PullRequestAction::Opened);
    assert_eq!(pr.repository, "gitlab.example.com/gitlab-org/gitlab-test");
    assert_eq!(pr.number, 1);
    assert_eq!(pr.author.as_ref().map(|a| a.login.as_str()), Some("root"));
    assert_eq!(pr.author_id, Some(1));
    assert_eq!(
        (pr.head_branch.as_str(), pr.base_branch.as_str()),
        ("ms-viewport", "master")
    );
    assert_eq!(pr.created_at.to_rfc3339(), "2013-12-03T17:23:34+00:00");
    assert_eq!(pr.body_ai_markers, vec![AiAssistant::ClaudeCode]);
}

#[test]
fn an_update_with_oldrev_is_a_push_and_one_without_is_an_edit() {
    let pushed = pull_request("merge_request.update.push.json");
    assert_eq!(pushed.action, PullRequestAction::Synchronize);
    assert_eq!(
        pushed.head_sha.as_deref(),
        Some("b2a5d6c7ae73b92ebc1f1c9ee35a8ad0a5e4e4e7")
    );
    assert_eq!(
        pushed.updated_at.map(|t| t.to_rfc3339()).as_deref(),
        Some("2013-12-03T18:00:00+00:00")
    );
    assert_eq!(
        pull_request("merge_request.update.edit.json").action,
        PullRequestAction::Edited
    );
}

#[test]
fn approvals_and_their_withdrawal_become_reviews_by_the_acting_user() {
    let WebhookEvent::Review(approved) = parse("merge_request.approved.json") else {
        panic!("not a review")
    };
    assert_eq!(
        (approved.action, approved.state),
        (ReviewAction::Submitted, ReviewState::Approved)
    );
    assert_eq!(
        (approved.reviewer.login.as_str(), approved.reviewer.id),
        ("reviewer1", Some(6))
    );
    assert_eq!(
        approved.submitted_at.map(|t| t.to_rfc3339()).as_deref(),
        Some("2013-12-03T18:30:00+00:00")
    );
    assert_eq!(
        approved.pull_request.author, None,
        "the acting user is not the author"
    );
    assert_eq!(approved.pull_request.author_id, Some(1));

    let WebhookEvent::Review(withdrawn) = parse("merge_request.unapproved.json") else {
        panic!("not a review")
    };
    assert_eq!(withdrawn.action, ReviewAction::Dismissed);
    assert_eq!(withdrawn.reviewer.login, "reviewer1");
}

#[test]
fn merge_and_close_are_closed_pull_requests_merged_or_not() {
    let merged = pull_request("merge_request.merge.json");
    assert_eq!(merged.action, PullRequestAction::Closed);
    assert!(merged.merged);
    assert_eq!(
        merged.merged_at.map(|t| t.to_rfc3339()).as_deref(),
        Some("2013-12-03T19:00:00+00:00")
    );
    assert_eq!(merged.merged_by.as_deref(), Some("root"));

    let closed = pull_request("merge_request.close.json");
    assert_eq!(closed.action, PullRequestAction::Closed);
    assert!(!closed.merged && closed.merged_at.is_none());
    assert!(closed.closed_at.is_some());
}

#[test]
fn a_gitlab_push_carries_paths_and_ai_markers_of_its_commits() {
    let WebhookEvent::Push(push) = parse("push.json") else {
        panic!("not a push")
    };
    assert_eq!(push.forge, Forge::GitLab);
    assert_eq!(push.branch.as_deref(), Some("ms-viewport"));
    assert_eq!(
        push.pusher.as_ref().map(|p| p.login.as_str()),
        Some("jsmith")
    );
    assert_eq!(push.commits.len(), 2);
    assert_eq!(
        push.commits[1].paths(),
        vec![
            "app/auth/session.rb",
            "db/migrate/001_users.rb",
            "old/file.txt"
        ]
    );
    assert_eq!(push.commits[1].ai_markers, vec![AiAssistant::Codex]);
    assert!(push.commits[0].ai_markers.is_empty());
    assert_eq!(
        push.pushed_at.map(|t| t.to_rfc3339()).as_deref(),
        Some("2012-01-03T21:36:29+00:00")
    );
}

#[test]
fn other_gitlab_hooks_are_ignored() {
    let event =
        parse_gitlab_event(br#"{"object_kind":"note","event_type":"note"}"#).expect("parses");
    assert!(
        matches!(event, WebhookEvent::Ignored(IgnoredEvent { ref event, .. }) if event == "note")
    );
}
