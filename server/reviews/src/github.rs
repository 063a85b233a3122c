//! GitHub webhook payloads (`X-GitHub-Event`) read into [`WebhookEvent`]s.
//!
//! Only the fields review outcomes need are read; unknown fields are ignored, and events other
//! than `ping`, `pull_request`, `pull_request_review` and `push` are not parsed at all.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use crate::events::*;
use crate::{detect_ai_markers, normalize_remote_url, time, ReviewsError};

/// Reads one GitHub delivery: `event` is the `X-GitHub-Event` header, `body` the raw JSON.
pub fn parse_github_event(event: &str, body: &[u8]) -> Result<WebhookEvent, ReviewsError> {
    match event {
        "ping" => {
            let p: PingPayload = serde_json::from_slice(body)?;
            let repository = p.repository.as_ref().map(repository_name).transpose()?;
            Ok(WebhookEvent::Ping(PingEvent {
                hook_id: p.hook_id,
                zen: p.zen,
                repository,
            }))
        }
        "pull_request" => {
            let p: PullRequestPayload = serde_json::from_slice(body)?;
            let action = match p.action.as_str() {
                "opened" => PullRequestAction::Opened,
                "edited" => PullRequestAction::Edited,
                "synchronize" => PullRequestAction::Synchronize,
                "closed" => PullRequestAction::Closed,
                "reopened" => PullRequestAction::Reopened,
                other => PullRequestAction::Other(other.to_string()),
            };
            let pr = pull_request(action, &p.pull_request, &p.repository, p.sender.as_ref())?;
            Ok(WebhookEvent::PullRequest(pr))
        }
        "pull_request_review" => {
            let p: ReviewPayload = serde_json::from_slice(body)?;
            let action = match p.action.as_str() {
                "submitted" => ReviewAction::Submitted,
                "dismissed" => ReviewAction::Dismissed,
                "edited" => ReviewAction::Edited,
                other => return Ok(ignored(event, Some(other))),
            };
            let state = ReviewState::parse(&p.review.state).ok_or_else(|| {
                ReviewsError::Payload(format!("unknown review state `{}`", p.review.state))
            })?;
            let pr = pull_request(
                PullRequestAction::Other("review".into()),
                &p.pull_request,
                &p.repository,
                None,
            )?;
            Ok(WebhookEvent::Review(ReviewEvent {
                forge: Forge::GitHub,
                action,
                repository: pr.repository.clone(),
                number: pr.number,
                review_id: Some(p.review.id),
                reviewer: p.review.user.as_ref().map_or_else(ghost, account),
                state,
                submitted_at: p.review.submitted_at,
                commit_id: p.review.commit_id,
                pull_request: pr,
            }))
        }
        "push" => push(serde_json::from_slice(body)?).map(WebhookEvent::Push),
        other => {
            let action = serde_json::from_slice::<ActionOnly>(body)
                .ok()
                .and_then(|a| a.action);
            Ok(ignored(other, action.as_deref()))
        }
    }
}

fn ignored(event: &str, action: Option<&str>) -> WebhookEvent {
    WebhookEvent::Ignored(IgnoredEvent {
        event: event.to_string(),
        action: action.map(str::to_string),
    })
}

fn pull_request(
    action: PullRequestAction,
    pr: &PullRequest,
    repo: &Repository,
    sender: Option<&User>,
) -> Result<PullRequestEvent, ReviewsError> {
    let body_ai_markers = pr
        .body
        .as_deref()
        .map(detect_ai_markers)
        .unwrap_or_default();
    Ok(PullRequestEvent {
        forge: Forge::GitHub,
        action,
        repository: repository_name(repo)?,
        number: pr.number,
        title: pr.title.clone().unwrap_or_default(),
        body: pr.body.clone(),
        url: pr.html_url.clone(),
        author: pr.user.as_ref().map(account),
        author_id: pr.user.as_ref().and_then(|u| u.id),
        actor: sender.map(account),
        head_branch: pr.head.git_ref.clone(),
        head_sha: pr.head.sha.clone(),
        base_branch: pr.base.git_ref.clone(),
        created_at: pr.created_at,
        updated_at: pr.updated_at,
        closed_at: pr.closed_at,
        merged: pr.merged.unwrap_or(pr.merged_at.is_some()),
        merged_at: pr.merged_at,
        merged_by: pr.merged_by.as_ref().map(|u| u.login.clone()),
        draft: pr.draft.unwrap_or(false),
        lines_added: pr.additions,
        lines_removed: pr.deletions,
        body_ai_markers,
    })
}

fn push(p: PushPayload) -> Result<PushEvent, ReviewsError> {
    let commits: Vec<PushedCommit> = p.commits.into_iter().map(pushed_commit).collect();
    let pushed_at = p
        .repository
        .pushed_at
        .as_ref()
        .and_then(time::from_value)
        .or_else(|| p.head_commit.as_ref().and_then(|c| c.timestamp));
    Ok(PushEvent {
        forge: Forge::GitHub,
        repository: repository_name(&p.repository)?,
        branch: p.git_ref.strip_prefix("refs/heads/").map(str::to_string),
        git_ref: p.git_ref,
        before: p.before,
        after: p.after,
        pushed_at,
        pusher: p.pusher.map(|u| Account {
            login: u.name,
            id: None,
            name: None,
            email: u.email,
        }),
        deleted: p.deleted,
        forced: p.forced,
        commits,
    })
}

fn pushed_commit(c: Commit) -> PushedCommit {
    PushedCommit {
        ai_markers: detect_ai_markers(&c.message),
        sha: c.id,
        message: c.message,
        timestamp: c.timestamp,
        author_name: c.author.as_ref().and_then(|a| a.name.clone()),
        author_email: c.author.as_ref().and_then(|a| a.email.clone()),
        author_username: c.author.as_ref().and_then(|a| a.username.clone()),
        added: c.added,
        modified: c.modified,
        removed: c.removed,
    }
}

fn repository_name(repo: &Repository) -> Result<String, ReviewsError> {
    [&repo.html_url, &repo.clone_url, &repo.url]
        .into_iter()
        .flatten()
        .find_map(|u| normalize_remote_url(u))
        .ok_or_else(|| ReviewsError::Payload("the repository has no usable URL".into()))
}

fn account(u: &User) -> Account {
    Account {
        login: u.login.clone(),
        id: u.id,
        name: u.name.clone(),
        email: u.email.clone(),
    }
}

/// GitHub's stand-in for a deleted account.
fn ghost() -> Account {
    Account {
        login: "ghost".into(),
        id: None,
        name: None,
        email: None,
    }
}

#[derive(Deserialize)]
struct ActionOnly {
    action: Option<String>,
}

#[derive(Deserialize)]
struct PingPayload {
    zen: Option<String>,
    hook_id: Option<u64>,
    repository: Option<Repository>,
}

#[derive(Deserialize)]
struct Repository {
    html_url: Option<String>,
    clone_url: Option<String>,
    url: Option<String>,
    pushed_at: Option<Value>,
}

#[derive(Deserialize)]
struct User {
    login: String,
    id: Option<u64>,
    name: Option<String>,
    email: Option<String>,
}

#[derive(Deserialize)]
struct PullRequestPayload {
    action: String,
    pull_request: PullRequest,
    repository: Repository,
    sender: Option<User>,
}

#[derive(Deserialize)]
struct PullRequest {
    number: u64,
    html_url: Option<String>,
    title: Option<String>,
    body: Option<String>,
    user: Option<User>,
    created_at: DateTime<Utc>,
    updated_at: Option<DateTime<Utc>>,
    closed_at: Option<DateTime<Utc>>,
    merged_at: Option<DateTime<Utc>>,
    merged: Option<bool>,
    merged_by: Option<User>,
    draft: Option<bool>,
    head: GitRef,
    base: GitRef,
    additions: Option<u64>,
    deletions: Option<u64>,
}

#[derive(Deserialize)]
struct GitRef {
    #[serde(rename = "ref")]
    git_ref: String,
    sha: Option<String>,
}

#[derive(Deserialize)]
struct ReviewPayload {
    action: String,
    review: Review,
    pull_request: PullRequest,
    repository: Repository,
}

#[derive(Deserialize)]
struct Review {
    id: u64,
    user: Option<User>,
    state: String,
    submitted_at: Option<DateTime<Utc>>,
    commit_id: Option<String>,
}

#[derive(Deserialize)]
struct PushPayload {
    #[serde(rename = "ref")]
    git_ref: String,
    before: Option<String>,
    after: Option<String>,
    repository: Repository,
    pusher: Option<Pusher>,
    #[serde(default)]
    deleted: bool,
    #[serde(default)]
    forced: bool,
    #[serde(default)]
    commits: Vec<Commit>,
    head_commit: Option<Commit>,
}

#[derive(Deserialize)]
struct Pusher {
    name: String,
    email: Option<String>,
}

#[derive(Deserialize)]
struct Commit {
    id: String,
    #[serde(default)]
    message: String,
    #[serde(default, deserialize_with = "time::lenient")]
    timestamp: Option<DateTime<Utc>>,
    author: Option<CommitPerson>,
    #[serde(default)]
    added: Vec<String>,
    #[serde(default)]
    modified: Vec<String>,
    #[serde(default)]
    removed: Vec<String>,
}

#[derive(Deserialize)]
struct CommitPerson {
    name: Option<String>,
    email: Option<String>,
    username: Option<String>,
}
