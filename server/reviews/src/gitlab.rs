//! GitLab webhook payloads read into [`WebhookEvent`]s: merge request hooks and push hooks.
//!
//! Dispatch is on the body's `object_kind`, so the `X-Gitlab-Event` header is not needed.
//! Merge request actions map as follows: `open` -> opened, `update` -> synchronize when
//! `oldrev` is present (new commits) else edited, `merge` -> closed and merged, `close` ->
//! closed, `reopen` -> reopened; `approved`/`approval` -> an approving review by the acting user,
//! `unapproved`/`unapproval` -> that user's approval withdrawn (a dismissed review).

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::events::*;
use crate::{detect_ai_markers, normalize_remote_url, time, ReviewsError};

/// Reads one GitLab delivery from its raw JSON body.
pub fn parse_gitlab_event(body: &[u8]) -> Result<WebhookEvent, ReviewsError> {
    let kind: Kind = serde_json::from_slice(body)?;
    match kind.object_kind.as_deref() {
        Some("merge_request") => merge_request(serde_json::from_slice(body)?),
        Some("push") => push(serde_json::from_slice(body)?),
        other => Ok(WebhookEvent::Ignored(IgnoredEvent {
            event: other.unwrap_or("unknown").to_string(),
            action: None,
        })),
    }
}

fn merge_request(hook: MergeRequestHook) -> Result<WebhookEvent, ReviewsError> {
    let attrs = &hook.object_attributes;
    let action = attrs.action.as_deref().unwrap_or("");
    let pr_action = match action {
        "open" => PullRequestAction::Opened,
        "update" if attrs.oldrev.as_deref().is_some_and(|r| !r.is_empty()) => {
            PullRequestAction::Synchronize
        }
        "update" => PullRequestAction::Edited,
        "merge" | "close" => PullRequestAction::Closed,
        "reopen" => PullRequestAction::Reopened,
        other => PullRequestAction::Other(other.to_string()),
    };
    let actor = hook.user.as_ref().map(account);
    let author = actor
        .clone()
        .filter(|a| a.id.is_some() && a.id == attrs.author_id);
    let merged = attrs.state.as_deref() == Some("merged") || action == "merge";
    let updated_at = attrs.updated_at;
    let pr = PullRequestEvent {
        forge: Forge::GitLab,
        action: pr_action,
        repository: repository_name(&hook.project)?,
        number: attrs.iid,
        title: attrs.title.clone().unwrap_or_default(),
        body: attrs.description.clone(),
        url: attrs.url.clone(),
        author,
        author_id: attrs.author_id,
        actor: actor.clone(),
        head_branch: attrs.source_branch.clone(),
        head_sha: attrs.last_commit.as_ref().map(|c| c.id.clone()),
        base_branch: attrs.target_branch.clone(),
        created_at: attrs.created_at.or(updated_at).unwrap_or_default(),
        updated_at,
        closed_at: attrs.closed_at.or(if action == "close" || merged {
            updated_at
        } else {
            None
        }),
        merged,
        merged_at: if merged {
            attrs.merged_at.or(updated_at)
        } else {
            None
        },
        merged_by: if action == "merge" {
            actor.as_ref().map(|a| a.login.clone())
        } else {
            None
        },
        draft: attrs.draft.or(attrs.work_in_progress).unwrap_or(false),
        lines_added: None,
        lines_removed: None,
        body_ai_markers: attrs
            .description
            .as_deref()
            .map(detect_ai_markers)
            .unwrap_or_default(),
    };
    let review_action = match action {
        "approved" | "approval" => ReviewAction::Submitted,
        "unapproved" | "unapproval" => ReviewAction::Dismissed,
        _ => return Ok(WebhookEvent::PullRequest(pr)),
    };
    let reviewer =
        actor.ok_or_else(|| ReviewsError::Payload("an approval without a user".into()))?;
    Ok(WebhookEvent::Review(ReviewEvent {
        forge: Forge::GitLab,
        action: review_action,
        repository: pr.repository.clone(),
        number: pr.number,
        review_id: None,
        reviewer,
        state: ReviewState::Approved,
        submitted_at: updated_at,
        commit_id: pr.head_sha.clone(),
        pull_request: pr,
    }))
}

fn push(hook: PushHook) -> Result<WebhookEvent, ReviewsError> {
    let commits: Vec<PushedCommit> = hook
        .commits
        .into_iter()
        .map(|c| PushedCommit {
            ai_markers: detect_ai_markers(&c.message),
            sha: c.id,
            message: c.message,
            timestamp: c.timestamp,
            author_name: c.author.as_ref().and_then(|a| a.name.clone()),
            author_email: c.author.as_ref().and_then(|a| a.email.clone()),
            author_username: None,
            added: c.added,
            modified: c.modified,
            removed: c.removed,
        })
        .collect();
    let deleted = hook
        .after
        .as_deref()
        .is_some_and(|a| a.bytes().all(|b| b == b'0'));
    Ok(WebhookEvent::Push(PushEvent {
        forge: Forge::GitLab,
        repository: repository_name(&hook.project)?,
        branch: hook.git_ref.strip_prefix("refs/heads/").map(str::to_string),
        git_ref: hook.git_ref,
        before: hook.before,
        after: hook.after,
        pushed_at: commits.iter().filter_map(|c| c.timestamp).max(),
        pusher: hook.user_username.map(|login| Account {
            login,
            id: hook.user_id,
            name: hook.user_name,
            email: hook.user_email,
        }),
        deleted,
        forced: false,
        commits,
    }))
}

fn repository_name(project: &Project) -> Result<String, ReviewsError> {
    [
        &project.web_url,
        &project.git_http_url,
        &project.git_ssh_url,
    ]
    .into_iter()
    .flatten()
    .find_map(|u| normalize_remote_url(u))
    .ok_or_else(|| ReviewsError::Payload("the project has no usable URL".into()))
}

fn account(u: &User) -> Account {
    Account {
        login: u.username.clone(),
        id: u.id,
        name: u.name.clone(),
        email: u.email.clone(),
    }
}

#[derive(Deserialize)]
struct Kind {
    object_kind: Option<String>,
}

#[derive(Deserialize)]
struct Project {
    web_url: Option<String>,
    git_http_url: Option<String>,
    git_ssh_url: Option<String>,
}

#[derive(Deserialize)]
struct User {
    id: Option<u64>,
    username: String,
    name: Option<String>,
    email: Option<String>,
}

#[derive(Deserialize)]
struct MergeRequestHook {
    user: Option<User>,
    project: Project,
    object_attributes: MergeRequestAttributes,
}

#[derive(Deserialize)]
struct MergeRequestAttributes {
    iid: u64,
    title: Option<String>,
    description: Option<String>,
    url: Option<String>,
    source_branch: String,
    target_branch: String,
    author_id: Option<u64>,
    state: Option<String>,
    action: Option<String>,
    oldrev: Option<String>,
    draft: Option<bool>,
    work_in_progress: Option<bool>,
    last_commit: Option<LastCommit>,
    #[serde(default, deserialize_with = "time::lenient")]
    created_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "time::lenient")]
    updated_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "time::lenient")]
    merged_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "time::lenient")]
    closed_at: Option<DateTime<Utc>>,
}

#[derive(Deserialize)]
struct LastCommit {
    id: String,
}

#[derive(Deserialize)]
struct PushHook {
    #[serde(rename = "ref")]
    git_ref: String,
    before: Option<String>,
    after: Option<String>,
    user_id: Option<u64>,
    user_name: Option<String>,
    user_username: Option<String>,
    user_email: Option<String>,
    project: Project,
    #[serde(default)]
    commits: Vec<PushCommit>,
}

#[derive(Deserialize)]
struct PushCommit {
    id: String,
    #[serde(default)]
    message: String,
    #[serde(default, deserialize_with = "time::lenient")]
    timestamp: Option<DateTime<Utc>>,
    author: Option<PushAuthor>,
    #[serde(default)]
    added: Vec<String>,
    #[serde(default)]
    modified: Vec<String>,
    #[serde(default)]
    removed: Vec<String>,
}

#[derive(Deserialize)]
struct PushAuthor {
    name: Option<String>,
    email: Option<String>,
}
