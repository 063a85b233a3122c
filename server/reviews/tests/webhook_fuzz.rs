//! Property tests of the webhook parsers: the example payloads, damaged (cut, flipped, values
//! replaced by huge, negative, wrongly typed or deeply nested ones), are read or refused with an
//! error, never with a panic, and what is read is bounded by the payload.

#[path = "../../../ingest/tests/support/mutation.rs"]
mod mutation;

use std::path::PathBuf;

use agentmeter_reviews::*;
use proptest::prelude::*;

use mutation::{config, damaged_focused, Damaged};

/// The payload fields the parsers read.
const READ_FIELDS: &[&str] = &[
    "action",
    "object_kind",
    "number",
    "iid",
    "pull_request",
    "object_attributes",
    "repository",
    "project",
    "html_url",
    "clone_url",
    "url",
    "web_url",
    "git_http_url",
    "git_ssh_url",
    "pushed_at",
    "created_at",
    "updated_at",
    "closed_at",
    "merged_at",
    "merged",
    "merged_by",
    "draft",
    "work_in_progress",
    "head",
    "base",
    "ref",
    "sha",
    "user",
    "sender",
    "login",
    "username",
    "id",
    "author_id",
    "review",
    "state",
    "submitted_at",
    "commit_id",
    "commits",
    "head_commit",
    "last_commit",
    "timestamp",
    "author",
    "added",
    "modified",
    "removed",
    "message",
    "pusher",
    "name",
    "email",
    "hook_id",
    "zen",
    "title",
    "body",
    "description",
    "additions",
    "deletions",
    "source_branch",
    "target_branch",
    "oldrev",
    "before",
    "after",
    "deleted",
    "forced",
];

/// Every fixture of one forge, with its GitHub event name (the file name up to the first dot).
fn fixtures(forge: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(forge);
    let mut found: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .map(|path| {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let event = name.split('.').next().unwrap_or_default().to_owned();
            let body = std::fs::read(&path).unwrap_or_else(|e| panic!("{e}"));
            (event, body)
        })
        .collect();
    found.sort();
    found
}

/// Text in an event is text of the payload: its length is bounded by the payload's.
fn check_bounded(event: &WebhookEvent, payload: &[u8]) -> Result<(), TestCaseError> {
    let text = serde_json::to_vec(event).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert!(
        text.len() <= 4 * payload.len() + 4096,
        "{} bytes of event from {} bytes of payload",
        text.len(),
        payload.len()
    );
    if let WebhookEvent::Push(push) = event {
        for commit in &push.commits {
            prop_assert!(commit.paths().len() <= payload.len());
        }
    }
    Ok(())
}

fn github_payload() -> impl Strategy<Value = (String, Damaged)> {
    let seeds = fixtures("github");
    let names: Vec<String> = seeds.iter().map(|(event, _)| event.clone()).collect();
    let bodies: Vec<Vec<u8>> = seeds.into_iter().map(|(_, body)| body).collect();
    (
        prop::sample::select(names),
        damaged_focused(bodies, READ_FIELDS, 0..4),
    )
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn damaged_github_payloads_are_read_or_refused_without_panicking(
        (event, body) in github_payload(),
    ) {
        if let Ok(parsed) = parse_github_event(&event, &body) {
            check_bounded(&parsed, &body)?;
        }
    }

    #[test]
    fn damaged_gitlab_payloads_are_read_or_refused_without_panicking(
        body in damaged_focused(
            fixtures("gitlab").into_iter().map(|(_, body)| body).collect(),
            READ_FIELDS,
            0..4,
        ),
    ) {
        if let Ok(parsed) = parse_gitlab_event(&body) {
            check_bounded(&parsed, &body)?;
        }
    }
}

#[test]
fn every_fixture_is_read_as_it_is() {
    for (event, body) in fixtures("github") {
        assert!(parse_github_event(&event, &body).is_ok(), "github {event}");
    }
    for (event, body) in fixtures("gitlab") {
        assert!(parse_gitlab_event(&body).is_ok(), "gitlab {event}");
    }
}
