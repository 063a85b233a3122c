//! Stores what one webhook event says — a pull request's state, a review, a push — and names
//! the pull requests it affects, for the caller to reclassify: at once for a delivery, once at
//! the end for a batch of them (`super::webhooks`). Every write is an upsert, so applying an
//! event twice changes nothing.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use agentmeter_reviews::{
    Forge, PullRequestAction, PullRequestEvent, PushEvent, ReviewAction, ReviewEvent,
};

use super::classification::{person_key, pull_requests_of};
use super::identities::{self, Seen};
use crate::db::{now_ms, Db};
use crate::error::Result;
use crate::store::pull_requests::{self, PullRequestUpsert};
use crate::store::repositories;
use crate::store::reviews::{self, ReviewUpsert};
use crate::store::webhooks::{self, PushedCommit};

fn provider(forge: Forge) -> &'static str {
    match forge {
        Forge::GitHub => "github",
        Forge::GitLab => "gitlab",
    }
}

fn ms(t: Option<DateTime<Utc>>) -> Option<i64> {
    t.map(|t| t.timestamp_millis())
}

fn forge_id(id: Option<u64>) -> Option<i64> {
    id.and_then(|i| i64::try_from(i).ok())
}

/// What events applied one after the other have already looked up: the repositories they name
/// (made known once) and the people matched to users. A delivery names its repository two or
/// three times, a batch of deliveries the same few repositories and people thousands of times.
/// Keep one only while no one edits users or identities: for a delivery or a batch.
#[derive(Debug, Default)]
pub struct Known {
    repositories: HashMap<(String, &'static str), i64>,
    /// By provider, login and email; only those matched (an unmatched one is counted each time).
    users: HashMap<(&'static str, String, String), i64>,
}

impl Known {
    /// The id of repository `name`, made known (`repositories::ensure`) the first time.
    pub async fn repository(&mut self, db: &Db, name: &str, provider: &'static str) -> Result<i64> {
        let key = (name.to_owned(), provider);
        if let Some(id) = self.repositories.get(&key) {
            return Ok(*id);
        }
        let id = repositories::ensure(db, name, provider).await?;
        self.repositories.insert(key, id);
        Ok(id)
    }

    /// [`identities::resolve`], asked once per person matched.
    async fn user(
        &mut self,
        db: &Db,
        provider: &'static str,
        login: Option<&str>,
        email: Option<&str>,
    ) -> Result<Option<i64>> {
        let key = (
            provider,
            login.unwrap_or_default().to_owned(),
            email.unwrap_or_default().to_owned(),
        );
        if let Some(id) = self.users.get(&key) {
            return Ok(Some(*id));
        }
        let seen = Seen {
            provider,
            login,
            email,
        };
        let found = identities::resolve(db, seen).await?;
        if let Some(id) = found {
            self.users.insert(key, id);
        }
        Ok(found)
    }
}

/// Upserts the pull request a delivery describes; returns its id.
async fn upsert_pull_request(db: &Db, known: &mut Known, pr: &PullRequestEvent) -> Result<i64> {
    let provider = provider(pr.forge);
    let repository_id = known.repository(db, &pr.repository, provider).await?;
    let author = pr.author.as_ref();
    let author_user_id = match author {
        Some(a) => {
            known
                .user(db, provider, Some(&a.login), a.email.as_deref())
                .await?
        }
        None => None,
    };
    let state = if pr.merged || pr.merged_at.is_some() {
        "merged"
    } else if pr.closed_at.is_some() || pr.action == PullRequestAction::Closed {
        "closed"
    } else {
        "open"
    };
    let number = i64::try_from(pr.number).unwrap_or(i64::MAX);
    let url = pr
        .url
        .clone()
        .unwrap_or_else(|| format!("https://{}/pull/{}", pr.repository, pr.number));
    let lines = |n: Option<u64>| n.and_then(|v| i64::try_from(v).ok());
    let upsert = PullRequestUpsert {
        repository_id,
        number,
        url: &url,
        title: &pr.title,
        author_login: author.map(|a| a.login.as_str()),
        author_forge_id: forge_id(pr.author_id.or(author.and_then(|a| a.id))),
        author_email: author.and_then(|a| a.email.as_deref()),
        author_user_id,
        head_branch: &pr.head_branch,
        base_branch: &pr.base_branch,
        body_ai_markers: &pr.body_ai_markers,
        state,
        created_at: pr.created_at.timestamp_millis(),
        merged_at: ms(pr.merged_at),
        closed_at: ms(pr.closed_at),
        lines_added: lines(pr.lines_added),
        lines_removed: lines(pr.lines_removed),
    };
    pull_requests::upsert(db, &upsert).await
}

/// A pull request event: stores it (a `synchronize` also counts as a push); returns the pull
/// request to reclassify.
pub async fn pull_request(db: &Db, known: &mut Known, pr: &PullRequestEvent) -> Result<Vec<i64>> {
    let id = upsert_pull_request(db, known, pr).await?;
    if pr.action == PullRequestAction::Synchronize {
        let repository_id = known
            .repository(db, &pr.repository, provider(pr.forge))
            .await?;
        let at = ms(pr.updated_at).unwrap_or_else(now_ms);
        webhooks::record_push(
            db,
            repository_id,
            &pr.head_branch,
            pr.head_sha.as_deref().unwrap_or(""),
            at,
        )
        .await?;
    }
    Ok(vec![id])
}

/// A review submitted, edited or dismissed (GitLab: an approval given or withdrawn); returns the
/// pull request to reclassify.
pub async fn review(db: &Db, known: &mut Known, event: &ReviewEvent) -> Result<Vec<i64>> {
    let pr_id = upsert_pull_request(db, known, &event.pull_request).await?;
    let provider = provider(event.forge);
    let reviewer = &event.reviewer;
    let user_id = known
        .user(
            db,
            provider,
            Some(&reviewer.login),
            reviewer.email.as_deref(),
        )
        .await?;
    let forge_reviewer_id = forge_id(reviewer.id);
    let submitted_at = ms(event.submitted_at).unwrap_or_else(now_ms);
    let state = serde_json::to_value(event.state)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    match (event.action, event.review_id) {
        (ReviewAction::Dismissed, None) => {
            reviews::dismiss_approvals(db, pr_id, &reviewer.login, forge_reviewer_id).await?;
        }
        (action, review_id) => {
            let key = match review_id {
                Some(id) => format!("review:{id}"),
                None => format!(
                    "approval:{}:{submitted_at}",
                    person_key(None, forge_reviewer_id, Some(&reviewer.login))
                ),
            };
            let review = ReviewUpsert {
                pull_request_id: pr_id,
                review_key: &key,
                reviewer_login: &reviewer.login,
                reviewer_forge_id: forge_reviewer_id,
                reviewer_user_id: user_id,
                state: &state,
                submitted_at,
                dismissed: action == ReviewAction::Dismissed,
            };
            reviews::upsert(db, &review).await?;
        }
    }
    Ok(vec![pr_id])
}

/// A push: its time and its commits' paths; returns the pull requests whose head is that branch,
/// to reclassify.
pub async fn push(db: &Db, known: &mut Known, event: &PushEvent) -> Result<Vec<i64>> {
    let provider = provider(event.forge);
    let repository_id = known.repository(db, &event.repository, provider).await?;
    let Some(branch) = event.branch.as_deref().filter(|_| !event.deleted) else {
        return Ok(Vec::new());
    };
    let pushed_at = ms(event.pushed_at)
        .or_else(|| event.commits.iter().filter_map(|c| ms(c.timestamp)).max())
        .unwrap_or_else(now_ms);
    webhooks::record_push(
        db,
        repository_id,
        branch,
        event.after.as_deref().unwrap_or(""),
        pushed_at,
    )
    .await?;
    let mut pushed = Vec::with_capacity(event.commits.len());
    for commit in &event.commits {
        let (login, email) = (
            commit.author_username.as_deref(),
            commit.author_email.as_deref(),
        );
        known.user(db, provider, login, email).await?;
        pushed.push(PushedCommit {
            sha: commit.sha.clone(),
            committed_at: ms(commit.timestamp).unwrap_or(pushed_at),
            author_email: commit.author_email.clone(),
            author_login: commit.author_username.clone(),
            paths: commit.paths(),
            ai_markers: commit.ai_markers.clone(),
        });
    }
    webhooks::record_pushed_commits(db, repository_id, branch, &pushed).await?;
    pull_requests_of(db, repository_id, Some(branch)).await
}
