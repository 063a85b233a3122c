//! Stores what one webhook event says — a pull request's state, a review, a push — and
//! reclassifies the pull requests it affects. Every write is an upsert, so applying an event
//! twice changes nothing.

use chrono::{DateTime, Utc};
use sqlx::Row;

use agentmeter_reviews::{
    Forge, PullRequestAction, PullRequestEvent, PushEvent, ReviewAction, ReviewEvent, ReviewPolicy,
};

use super::classification::{json, person_key, pull_requests_of, reclassify, reclassify_all};
use super::identities::{self, Seen};
use super::repositories;
use crate::db::{now_ms, Db};
use crate::error::Result;

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

/// Upserts the pull request a delivery describes; returns its id.
pub async fn upsert_pull_request(db: &Db, pr: &PullRequestEvent) -> Result<i64> {
    let provider = provider(pr.forge);
    let repository_id = repositories::ensure(db, &pr.repository, provider).await?;
    let author = pr.author.as_ref();
    let author_user_id = match author {
        Some(a) => {
            identities::resolve(
                db,
                Seen {
                    provider,
                    login: Some(&a.login),
                    email: a.email.as_deref(),
                },
            )
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
    let row = sqlx::query(
        "INSERT INTO pull_requests (repository_id, number, url, title, author_login, author_forge_id, author_email, \
            author_user_id, head_branch, base_branch, body_ai_markers, state, created_at, merged_at, closed_at, \
            lines_added, lines_removed, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) \
         ON CONFLICT (repository_id, number) DO UPDATE SET \
            url = excluded.url, title = excluded.title, \
            author_login = COALESCE(excluded.author_login, pull_requests.author_login), \
            author_forge_id = COALESCE(excluded.author_forge_id, pull_requests.author_forge_id), \
            author_email = COALESCE(excluded.author_email, pull_requests.author_email), \
            author_user_id = COALESCE(excluded.author_user_id, pull_requests.author_user_id), \
            head_branch = excluded.head_branch, base_branch = excluded.base_branch, \
            body_ai_markers = excluded.body_ai_markers, \
            state = CASE WHEN pull_requests.state = 'merged' THEN 'merged' ELSE excluded.state END, \
            merged_at = COALESCE(pull_requests.merged_at, excluded.merged_at), \
            closed_at = CASE WHEN excluded.state = 'open' AND pull_requests.state <> 'merged' THEN NULL \
                             ELSE COALESCE(excluded.closed_at, pull_requests.closed_at) END, \
            lines_added = COALESCE(excluded.lines_added, pull_requests.lines_added), \
            lines_removed = COALESCE(excluded.lines_removed, pull_requests.lines_removed), \
            updated_at = excluded.updated_at \
         RETURNING id",
    )
    .bind(repository_id)
    .bind(number)
    .bind(url)
    .bind(&pr.title)
    .bind(author.map(|a| a.login.clone()))
    .bind(forge_id(pr.author_id.or(author.and_then(|a| a.id))))
    .bind(author.and_then(|a| a.email.clone()))
    .bind(author_user_id)
    .bind(&pr.head_branch)
    .bind(&pr.base_branch)
    .bind(json(&pr.body_ai_markers))
    .bind(state)
    .bind(pr.created_at.timestamp_millis())
    .bind(ms(pr.merged_at))
    .bind(ms(pr.closed_at))
    .bind(lines(pr.lines_added))
    .bind(lines(pr.lines_removed))
    .bind(now_ms())
    .fetch_one(&db.pool)
    .await?;
    Ok(row.try_get("id")?)
}

async fn record_push(
    db: &Db,
    repository_id: i64,
    branch: &str,
    head_sha: &str,
    at: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO pushes (repository_id, branch, head_sha, pushed_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (repository_id, branch, head_sha, pushed_at) DO NOTHING",
    )
    .bind(repository_id)
    .bind(branch)
    .bind(head_sha)
    .bind(at)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// A pull request event: stores it (a `synchronize` also counts as a push) and reclassifies it.
pub async fn pull_request(db: &Db, pr: &PullRequestEvent, policy: &ReviewPolicy) -> Result<i64> {
    let id = upsert_pull_request(db, pr).await?;
    if pr.action == PullRequestAction::Synchronize {
        let repository_id = repositories::ensure(db, &pr.repository, provider(pr.forge)).await?;
        let at = ms(pr.updated_at).unwrap_or_else(now_ms);
        record_push(
            db,
            repository_id,
            &pr.head_branch,
            pr.head_sha.as_deref().unwrap_or(""),
            at,
        )
        .await?;
    }
    reclassify(db, id, policy).await?;
    Ok(id)
}

/// A review submitted, edited or dismissed (GitLab: an approval given or withdrawn).
pub async fn review(db: &Db, event: &ReviewEvent, policy: &ReviewPolicy) -> Result<i64> {
    let pr_id = upsert_pull_request(db, &event.pull_request).await?;
    let provider = provider(event.forge);
    let reviewer = &event.reviewer;
    let user_id = identities::resolve(
        db,
        Seen {
            provider,
            login: Some(&reviewer.login),
            email: reviewer.email.as_deref(),
        },
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
            sqlx::query(
                "UPDATE reviews SET dismissed = 1 WHERE pull_request_id = $1 AND state = 'approved' \
                 AND (LOWER(reviewer_login) = LOWER($2) OR reviewer_forge_id = $3)",
            )
            .bind(pr_id)
            .bind(&reviewer.login)
            .bind(forge_reviewer_id)
            .execute(&db.pool)
            .await?;
        }
        (action, review_id) => {
            let key = match review_id {
                Some(id) => format!("review:{id}"),
                None => format!(
                    "approval:{}:{submitted_at}",
                    person_key(None, forge_reviewer_id, Some(&reviewer.login))
                ),
            };
            let dismissed = i64::from(action == ReviewAction::Dismissed);
            // A dismissal keeps the verdict the review had and marks it dismissed.
            sqlx::query(
                "INSERT INTO reviews (pull_request_id, review_key, reviewer_login, reviewer_forge_id, reviewer_user_id, \
                    state, submitted_at, dismissed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (pull_request_id, review_key) DO UPDATE SET \
                    state = CASE WHEN excluded.dismissed = 1 THEN reviews.state ELSE excluded.state END, \
                    submitted_at = CASE WHEN excluded.dismissed = 1 THEN reviews.submitted_at ELSE excluded.submitted_at END, \
                    dismissed = CASE WHEN excluded.dismissed = 1 THEN 1 ELSE reviews.dismissed END",
            )
            .bind(pr_id)
            .bind(key)
            .bind(&reviewer.login)
            .bind(forge_reviewer_id)
            .bind(user_id)
            .bind(state)
            .bind(submitted_at)
            .bind(dismissed)
            .execute(&db.pool)
            .await?;
        }
    }
    reclassify(db, pr_id, policy).await?;
    Ok(pr_id)
}

/// A push: its time and its commits' paths, then the PRs whose head is that branch.
pub async fn push(db: &Db, event: &PushEvent, policy: &ReviewPolicy) -> Result<usize> {
    let provider = provider(event.forge);
    let repository_id = repositories::ensure(db, &event.repository, provider).await?;
    let Some(branch) = event.branch.as_deref().filter(|_| !event.deleted) else {
        return Ok(0);
    };
    let pushed_at = ms(event.pushed_at)
        .or_else(|| event.commits.iter().filter_map(|c| ms(c.timestamp)).max())
        .unwrap_or_else(now_ms);
    record_push(
        db,
        repository_id,
        branch,
        event.after.as_deref().unwrap_or(""),
        pushed_at,
    )
    .await?;
    for commit in &event.commits {
        let seen = Seen {
            provider,
            login: commit.author_username.as_deref(),
            email: commit.author_email.as_deref(),
        };
        identities::resolve(db, seen).await?;
        sqlx::query(
            "INSERT INTO pushed_commits (repository_id, branch, sha, committed_at, author_email, author_login, paths, ai_markers) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (repository_id, branch, sha) DO NOTHING",
        )
        .bind(repository_id)
        .bind(branch)
        .bind(&commit.sha)
        .bind(ms(commit.timestamp).unwrap_or(pushed_at))
        .bind(commit.author_email.clone())
        .bind(commit.author_username.clone())
        .bind(json(&commit.paths()))
        .bind(json(&commit.ai_markers))
        .execute(&db.pool)
        .await?;
    }
    let affected = pull_requests_of(db, repository_id, Some(branch)).await?;
    reclassify_all(db, &affected, policy).await
}
