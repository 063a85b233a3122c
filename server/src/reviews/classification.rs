//! Reclassifies a stored pull request: gathers its reviews, pushes, commits (push events and
//! collected commits on its head branch) and the assistant sessions on that branch, runs
//! `agentmeter_reviews::classify` and caches the result on the row so reads stay cheap.

use std::collections::{BTreeMap, HashMap};

use agentmeter_reviews::{
    classify, AiReason, CommitFact, CriticalPaths, PullRequestFacts, PullRequestHistory,
    ReviewFact, ReviewPolicy, ReviewState, SessionFact,
};

use super::load::utc;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::store::branch_sessions::{self, BranchSession};
use crate::store::pull_requests::{self, Classification, PullRequestRecord};
use crate::store::{commits, reviews, webhooks};

/// The key under which classification compares people: the user when mapped, else the forge
/// account id, else the login.
pub fn person_key(user_id: Option<i64>, forge_id: Option<i64>, login: Option<&str>) -> String {
    match (user_id, forge_id, login) {
        (Some(id), _, _) => format!("user:{id}"),
        (None, Some(id), _) => format!("forge:{id}"),
        (None, None, Some(login)) => format!("login:{}", login.to_lowercase()),
        (None, None, None) => "unknown".to_owned(),
    }
}

/// Whether a collector's branch name (`feature`, `origin/feature`) names `branch`.
fn names_branch(listed: &str, branch: &str) -> bool {
    listed == branch
        || listed
            .split_once('/')
            .is_some_and(|(_, rest)| rest == branch)
}

/// Every assistant session on a branch, read at once for a batch of pull requests to
/// reclassify (`webhooks::reclassify_batch`); valid while no usage is uploaded meanwhile.
#[derive(Debug, Default)]
pub struct KnownSessions {
    /// By repository as the database lower-cases it, and branch; each by session id.
    by_branch: HashMap<(String, String), Vec<BranchSession>>,
}

impl KnownSessions {
    pub async fn load(db: &Db) -> Result<KnownSessions> {
        let mut by_branch: HashMap<(String, String), Vec<BranchSession>> = HashMap::new();
        for s in branch_sessions::on_every_branch(db).await? {
            by_branch
                .entry((s.repository, s.git_branch))
                .or_default()
                .push(BranchSession {
                    session_id: s.session_id,
                    started: s.started,
                    ended: s.ended,
                });
        }
        for sessions in by_branch.values_mut() {
            sessions.sort_by(|a, b| a.session_id.cmp(&b.session_id));
        }
        Ok(KnownSessions { by_branch })
    }

    /// What `branch_sessions::on_branch` would answer; None for a repository name that is not
    /// ASCII, whose lower-case spelling only the database can tell (SQLite folds ASCII only).
    fn on_branch(&self, repository: &str, branch: &str) -> Option<Vec<BranchSession>> {
        if !repository.is_ascii() {
            return None;
        }
        let key = (repository.to_ascii_lowercase(), branch.to_owned());
        Some(self.by_branch.get(&key).cloned().unwrap_or_default())
    }
}

/// Recomputes and stores the classification of pull request `pr_id`, the sessions on its head
/// branch taken from `known` when given.
async fn reclassify_with(
    db: &Db,
    pr_id: i64,
    policy: &ReviewPolicy,
    known: Option<&KnownSessions>,
) -> Result<()> {
    let pr = pull_requests::record(db, pr_id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("pull request {pr_id}")))?;
    let head = pr.head_branch.as_str();
    let author = person_key(
        pr.author_user_id,
        pr.author_forge_id,
        pr.author_login.as_deref(),
    );
    let reviews = reviews::of_pull_request(db, pr_id)
        .await?
        .into_iter()
        .map(|r| ReviewFact {
            reviewer: person_key(
                r.reviewer_user_id,
                r.reviewer_forge_id,
                Some(&r.reviewer_login),
            ),
            state: ReviewState::parse(&r.state).unwrap_or(ReviewState::Commented),
            submitted_at: utc(r.submitted_at),
            dismissed: r.dismissed,
        })
        .collect();
    let pushes = webhooks::pushes_to(db, pr.repository_id, head)
        .await?
        .into_iter()
        .map(utc)
        .collect();
    let commits = commit_facts(db, &pr).await?;
    let sessions = match known.and_then(|k| k.on_branch(&pr.repository, head)) {
        Some(sessions) => sessions,
        None => branch_sessions::on_branch(db, &pr.repository, head).await?,
    };
    let sessions = sessions
        .into_iter()
        .map(|s| SessionFact {
            session_id: s.session_id,
            repository: pr.repository.clone(),
            git_branch: head.to_owned(),
            started_at: utc(s.started),
            ended_at: utc(s.ended),
        })
        .collect();
    let history = PullRequestHistory {
        pull_request: PullRequestFacts {
            repository: pr.repository.clone(),
            author,
            head_branch: head.to_owned(),
            body: None,
            created_at: utc(pr.created_at),
            merged_at: pr.merged_at.map(utc),
            closed_at: pr.closed_at.map(utc),
            lines_added: pr.lines_added.and_then(|v| u64::try_from(v).ok()),
            lines_removed: pr.lines_removed.and_then(|v| u64::try_from(v).ok()),
        },
        reviews,
        pushes,
        commits,
        sessions,
    };
    let critical =
        CriticalPaths::parse(&pr.critical_globs).unwrap_or_else(|_| CriticalPaths::new(Vec::new()));
    let mut result = classify(&history, &critical, policy);
    // The body is not stored, only its markers: add that reason here, after the commit reasons.
    let body_markers = pr.body_ai_markers;
    if !body_markers.is_empty() {
        let at = result
            .ai_reasons
            .iter()
            .take_while(|r| matches!(r, AiReason::CommitMarker { .. }))
            .count();
        result.ai_reasons.insert(
            at,
            AiReason::BodyMarker {
                assistants: body_markers,
            },
        );
        result.ai_assisted = true;
    }
    let classification = Classification {
        ai_assisted: result.ai_assisted,
        ai_reasons: &result.ai_reasons,
        critical: result.critical,
        critical_paths: &result.critical_paths,
        outcome: result.outcome.map(|o| o.as_str()),
        change_size: i64::try_from(result.change_size).unwrap_or(i64::MAX),
        first_review_at: result
            .time_to_first_review_seconds
            .map(|s| pr.created_at + s * 1000),
    };
    pull_requests::set_classification(db, pr_id, &classification).await
}

/// The commits of a pull request: those push events carried to its head branch, and collected
/// commits on that branch, by sha (a commit both name keeps the paths and markers of both).
async fn commit_facts(db: &Db, pr: &PullRequestRecord) -> Result<Vec<CommitFact>> {
    let (head, base) = (pr.head_branch.as_str(), pr.base_branch.as_str());
    let mut commits: BTreeMap<String, CommitFact> = BTreeMap::new();
    for c in webhooks::pushed_commits_on(db, pr.repository_id, head).await? {
        let fact = CommitFact {
            sha: c.sha.clone(),
            at: utc(c.committed_at),
            paths: c.paths,
            lines_added: 0,
            lines_removed: 0,
            ai_markers: c.ai_markers,
        };
        commits.insert(c.sha, fact);
    }
    // Collected commits list every branch containing them, ancestors included: keep those on the
    // head branch that are not on the base branch, or that were made once the PR was open.
    for c in commits::mentioning_branch(db, &pr.repository, head).await? {
        let on_head = c.branches.iter().any(|b| names_branch(b, head));
        let on_base = c.branches.iter().any(|b| names_branch(b, base));
        if !on_head || (on_base && c.committed_at < pr.created_at) {
            continue;
        }
        let (mut paths, mut ai_markers) = (c.paths, c.ai_markers);
        if let Some(known) = commits.remove(&c.sha) {
            paths.extend(known.paths);
            ai_markers.extend(known.ai_markers);
            paths.sort();
            paths.dedup();
            ai_markers.sort();
            ai_markers.dedup();
        }
        commits.insert(
            c.sha.clone(),
            CommitFact {
                sha: c.sha,
                at: utc(c.committed_at),
                paths,
                lines_added: u64::try_from(c.lines_added).unwrap_or(0),
                lines_removed: u64::try_from(c.lines_removed).unwrap_or(0),
                ai_markers,
            },
        );
    }
    Ok(commits.into_values().collect())
}

/// Reclassifies pull requests by id, e.g. after their repository's globs changed.
pub async fn reclassify_all(db: &Db, ids: &[i64], policy: &ReviewPolicy) -> Result<usize> {
    reclassify_all_with(db, ids, policy, None).await
}

/// [`reclassify_all`], the sessions on branches taken from `known` when given.
pub async fn reclassify_all_with(
    db: &Db,
    ids: &[i64],
    policy: &ReviewPolicy,
    known: Option<&KnownSessions>,
) -> Result<usize> {
    for id in ids {
        reclassify_with(db, *id, policy, known).await?;
    }
    Ok(ids.len())
}

/// Ids of a repository's pull requests, optionally only those on one head branch.
pub async fn pull_requests_of(
    db: &Db,
    repository_id: i64,
    head_branch: Option<&str>,
) -> Result<Vec<i64>> {
    pull_requests::ids_of_repository(db, repository_id, head_branch).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_are_keyed_by_user_then_forge_id_then_login() {
        assert_eq!(person_key(Some(3), Some(9), Some("Bob")), "user:3");
        assert_eq!(person_key(None, Some(9), Some("Bob")), "forge:9");
        assert_eq!(person_key(None, None, Some("Bob")), "login:bob");
    }

    #[test]
    fn a_branch_matches_locally_or_under_a_remote() {
        assert!(names_branch("feature/x", "feature/x"));
        assert!(names_branch("origin/feature/x", "feature/x"));
        assert!(!names_branch("origin/feature/xy", "feature/x"));
        assert!(!names_branch("main", "feature/x"));
    }
}
