//! GitHub webhook deliveries for the demo's pull requests, in the shape GitHub sends them (and
//! the reviews crate parses): for each PR a `push` of its commits to the head branch, a
//! `pull_request` `opened`, its `pull_request_review` `submitted` events and a `pull_request`
//! `closed` with `merged: true`. Signed with [`agentmeter_reviews::sign_github`].

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

use crate::model::{PullRequest, Review};
use crate::org::{github_id, repository_url, DEVELOPERS, GITHUB_ORG};

/// One webhook delivery: the `X-GitHub-Event` header and the raw body.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// When GitHub would have sent it (a pull request's deliveries are replayed in this order).
    pub at: DateTime<Utc>,
    pub event: &'static str,
    /// A stable `X-GitHub-Delivery` id.
    pub id: String,
    pub body: Vec<u8>,
}

impl Delivery {
    /// The `X-Hub-Signature-256` header for this body under `secret`.
    pub fn signature(&self, secret: &[u8]) -> String {
        agentmeter_reviews::sign_github(secret, &self.body)
    }
}

fn user(login: &str) -> Value {
    json!({"login": login, "id": github_id(login), "type": "User", "site_admin": false, "html_url": format!("https://github.com/{login}")})
}

fn repository(name: &str) -> Value {
    let url = repository_url(name);
    json!({
        "id": github_id(name), "name": name, "full_name": format!("{GITHUB_ORG}/{name}"), "private": true,
        "owner": {"login": GITHUB_ORG, "type": "Organization"}, "html_url": url, "clone_url": format!("{url}.git"),
        "url": format!("https://api.github.com/repos/{GITHUB_ORG}/{name}"), "default_branch": "main",
    })
}

fn pull_request(pr: &PullRequest, merged: bool) -> Value {
    let author = DEVELOPERS[pr.author].login;
    let time = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let head_sha = pr.commits.last().map(|c| c.sha.clone());
    json!({
        "url": format!("https://api.github.com/repos/{GITHUB_ORG}/{}/pulls/{}", pr.repository, pr.number),
        "id": 1_900_000_000u64 + github_id(&pr.head_branch), "html_url": pr.url(), "number": pr.number,
        "state": if merged { "closed" } else { "open" }, "locked": false, "title": pr.title, "user": user(author), "body": pr.body,
        "created_at": time(pr.created_at), "updated_at": time(if merged { pr.merged_at } else { pr.created_at }),
        "closed_at": merged.then(|| time(pr.merged_at)), "merged_at": merged.then(|| time(pr.merged_at)),
        "merged": merged, "merged_by": merged.then(|| user(author)), "draft": false,
        "head": {"label": format!("{GITHUB_ORG}:{}", pr.head_branch), "ref": pr.head_branch, "sha": head_sha, "repo": repository(pr.repository)},
        "base": {"label": format!("{GITHUB_ORG}:main"), "ref": "main", "sha": pr.commits.first().and_then(|c| c.parents.first().cloned()), "repo": repository(pr.repository)},
        "additions": pr.lines_added(), "deletions": pr.lines_removed(), "changed_files": pr.commits.iter().flat_map(|c| &c.paths).count(),
        "commits": pr.commits.len(),
    })
}

fn push(pr: &PullRequest, at: DateTime<Utc>) -> Value {
    let author = &DEVELOPERS[pr.author];
    let commits: Vec<Value> = pr
        .commits
        .iter()
        .map(|c| json!({
            "id": c.sha, "tree_id": c.sha.chars().rev().collect::<String>(), "distinct": true, "message": c.message,
            "timestamp": c.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "url": format!("{}/commit/{}", repository_url(pr.repository), c.sha),
            "author": {"name": author.name, "email": author.email(), "username": author.login},
            "committer": {"name": author.name, "email": author.email(), "username": author.login},
            "added": [], "modified": c.paths, "removed": [],
        }))
        .collect();
    let mut repo = repository(pr.repository);
    repo["pushed_at"] = json!(at.timestamp());
    json!({
        "ref": format!("refs/heads/{}", pr.head_branch), "before": "0000000000000000000000000000000000000000",
        "after": pr.commits.last().map(|c| c.sha.clone()), "repository": repo,
        "pusher": {"name": author.login, "email": author.email()}, "sender": user(author.login),
        "created": true, "deleted": false, "forced": false, "base_ref": null,
        "head_commit": commits.last().cloned(), "commits": commits,
    })
}

fn review(pr: &PullRequest, r: &Review) -> Value {
    json!({
        "action": "submitted",
        "review": {
            "id": r.id, "user": user(r.reviewer), "body": null, "commit_id": pr.commits.last().map(|c| c.sha.clone()),
            "submitted_at": r.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true), "state": r.state.as_str(),
            "html_url": format!("{}#pullrequestreview-{}", pr.url(), r.id), "author_association": "MEMBER",
        },
        "pull_request": pull_request(pr, false), "repository": repository(pr.repository), "sender": user(r.reviewer),
    })
}

/// Every delivery of every PR, in the order GitHub would send them.
pub fn deliveries(prs: &[PullRequest]) -> Vec<Delivery> {
    let mut out: Vec<Delivery> = prs.iter().flat_map(pull_request_deliveries).collect();
    out.sort_by_key(|d| d.at);
    out
}

/// The deliveries of one PR, in the order GitHub would send them: a push of its commits, its
/// opening, its reviews and its merge. Different PRs' deliveries concern different rows (each PR
/// has a head branch of its own), so only each PR's own order matters.
pub fn pull_request_deliveries(pr: &PullRequest) -> Vec<Delivery> {
    let mut out = Vec::new();
    {
        let mut add = |at: DateTime<Utc>, event: &'static str, body: Value| {
            let id = format!(
                "{:08x}-demo-{}-{}-{}",
                github_id(pr.repository),
                pr.number,
                event,
                out.len()
            );
            out.push(Delivery {
                at,
                event,
                id,
                body: body.to_string().into_bytes(),
            });
        };
        let pushed = pr.commits.last().map_or(pr.created_at, |c| c.at) + Duration::minutes(2);
        add(pushed, "push", push(pr, pushed));
        let sender = user(DEVELOPERS[pr.author].login);
        add(
            pr.created_at,
            "pull_request",
            json!({"action": "opened", "number": pr.number, "pull_request": pull_request(pr, false), "repository": repository(pr.repository), "sender": sender}),
        );
        for r in &pr.reviews {
            add(r.at, "pull_request_review", review(pr, r));
        }
        add(
            pr.merged_at,
            "pull_request",
            json!({"action": "closed", "number": pr.number, "pull_request": pull_request(pr, true), "repository": repository(pr.repository), "sender": sender}),
        );
    }
    out.sort_by_key(|d| d.at);
    out
}
