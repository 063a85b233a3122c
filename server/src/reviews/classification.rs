//! Reclassifies a stored pull request: gathers its reviews, pushes, commits (push events and
//! collected commits on its head branch) and the assistant sessions on that branch, runs
//! `agentmeter_reviews::classify` and caches the result on the row so reads stay cheap.

use std::collections::BTreeMap;

use sqlx::Row;

use agentmeter_reviews::{
    classify, AiAssistant, AiReason, CommitFact, CriticalPaths, PullRequestFacts,
    PullRequestHistory, ReviewFact, ReviewPolicy, ReviewState, SessionFact,
};

use super::load::utc;
use crate::db::{flag, now_ms, Backend, Db};
use crate::error::{Error, Result};

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

fn markers(json: &str) -> Vec<AiAssistant> {
    serde_json::from_str(json).unwrap_or_default()
}

fn strings(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

/// Whether a collector's branch name (`feature`, `origin/feature`) names `branch`.
fn names_branch(listed: &str, branch: &str) -> bool {
    listed == branch
        || listed
            .split_once('/')
            .is_some_and(|(_, rest)| rest == branch)
}

/// Recomputes and stores the classification of pull request `pr_id`.
pub async fn reclassify(db: &Db, pr_id: i64, policy: &ReviewPolicy) -> Result<()> {
    let pr = sqlx::query(
        "SELECT p.*, r.name AS repository, r.critical_globs FROM pull_requests p \
         JOIN repositories r ON r.id = p.repository_id WHERE p.id = $1",
    )
    .bind(pr_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or_else(|| Error::NotFound(format!("pull request {pr_id}")))?;
    let repository: String = pr.try_get("repository")?;
    let repository_id: i64 = pr.try_get("repository_id")?;
    let head: String = pr.try_get("head_branch")?;
    let base: String = pr.try_get("base_branch")?;
    let created_at: i64 = pr.try_get("created_at")?;
    let author = person_key(
        pr.try_get("author_user_id")?,
        pr.try_get("author_forge_id")?,
        pr.try_get::<Option<String>, _>("author_login")?.as_deref(),
    );

    let reviews = sqlx::query("SELECT * FROM reviews WHERE pull_request_id = $1")
        .bind(pr_id)
        .fetch_all(&db.pool)
        .await?;
    let reviews = reviews
        .iter()
        .map(|r| {
            let state: String = r.try_get("state")?;
            let login: String = r.try_get("reviewer_login")?;
            Ok(ReviewFact {
                reviewer: person_key(
                    r.try_get("reviewer_user_id")?,
                    r.try_get("reviewer_forge_id")?,
                    Some(&login),
                ),
                state: ReviewState::parse(&state).unwrap_or(ReviewState::Commented),
                submitted_at: utc(r.try_get("submitted_at")?),
                dismissed: flag(r, "dismissed")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;

    let pushes =
        sqlx::query("SELECT pushed_at FROM pushes WHERE repository_id = $1 AND branch = $2")
            .bind(repository_id)
            .bind(&head)
            .fetch_all(&db.pool)
            .await?
            .iter()
            .map(|r| Ok(utc(r.try_get("pushed_at")?)))
            .collect::<Result<Vec<_>>>()?;

    let mut commits: BTreeMap<String, CommitFact> = BTreeMap::new();
    let pushed = sqlx::query("SELECT sha, committed_at, paths, ai_markers FROM pushed_commits WHERE repository_id = $1 AND branch = $2")
        .bind(repository_id)
        .bind(&head)
        .fetch_all(&db.pool)
        .await?;
    for r in &pushed {
        let sha: String = r.try_get("sha")?;
        let fact = CommitFact {
            sha: sha.clone(),
            at: utc(r.try_get("committed_at")?),
            paths: strings(&r.try_get::<String, _>("paths")?),
            lines_added: 0,
            lines_removed: 0,
            ai_markers: markers(&r.try_get::<String, _>("ai_markers")?),
        };
        commits.insert(sha, fact);
    }
    // Collected commits list every branch containing them, ancestors included: keep those on the
    // head branch that are not on the base branch, or that were made once the PR was open.
    let collected_sql = format!(
        "SELECT sha, committed_at, paths, lines_added, lines_removed, ai_markers, branches FROM commits \
         WHERE {} AND branches LIKE $2",
        same_repository(db, "repository", 1)
    );
    let collected = sqlx::query(&collected_sql)
        .bind(&repository)
        .bind(format!("%{head}%"))
        .fetch_all(&db.pool)
        .await?;
    for r in &collected {
        let branches = strings(&r.try_get::<String, _>("branches")?);
        let committed_at: i64 = r.try_get("committed_at")?;
        let on_head = branches.iter().any(|b| names_branch(b, &head));
        let on_base = branches.iter().any(|b| names_branch(b, &base));
        if !on_head || (on_base && committed_at < created_at) {
            continue;
        }
        let sha: String = r.try_get("sha")?;
        let mut paths = strings(&r.try_get::<String, _>("paths")?);
        let mut ai_markers = markers(&r.try_get::<String, _>("ai_markers")?);
        if let Some(known) = commits.remove(&sha) {
            paths.extend(known.paths);
            ai_markers.extend(known.ai_markers);
            paths.sort();
            paths.dedup();
            ai_markers.sort();
            ai_markers.dedup();
        }
        let lines_added = u64::try_from(r.try_get::<i64, _>("lines_added")?).unwrap_or(0);
        let lines_removed = u64::try_from(r.try_get::<i64, _>("lines_removed")?).unwrap_or(0);
        commits.insert(
            sha.clone(),
            CommitFact {
                sha,
                at: utc(committed_at),
                paths,
                lines_added,
                lines_removed,
                ai_markers,
            },
        );
    }

    let sessions_sql = match db.backend {
        // Exactly `LOWER(repository) = LOWER($1)`, split so that both halves seek the
        // (repository, git_branch) index: the lower-case spelling, then any other spelling.
        Backend::Sqlite => "SELECT session_id, MIN(ts) AS started, MAX(ts) AS ended FROM ( \
                SELECT session_id, ts FROM usage_events WHERE repository = LOWER($1) AND git_branch = $2 \
                UNION ALL \
                SELECT session_id, ts FROM usage_events WHERE repository >= UPPER($1) AND repository < LOWER($1) \
                    AND LOWER(repository) = LOWER($1) AND git_branch = $2 \
            ) e GROUP BY session_id",
        Backend::Postgres => "SELECT session_id, MIN(ts) AS started, MAX(ts) AS ended FROM usage_events \
            WHERE LOWER(repository) = LOWER($1) AND git_branch = $2 GROUP BY session_id",
    };
    let sessions = sqlx::query(sessions_sql)
        .bind(&repository)
        .bind(&head)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(SessionFact {
                session_id: r.try_get("session_id")?,
                repository: repository.clone(),
                git_branch: head.clone(),
                started_at: utc(r.try_get("started")?),
                ended_at: utc(r.try_get("ended")?),
            })
        })
        .collect::<Result<Vec<_>>>()?;

    let optional_u64 = |column: &str| -> Result<Option<u64>> {
        Ok(pr
            .try_get::<Option<i64>, _>(column)?
            .and_then(|v| u64::try_from(v).ok()))
    };
    let history = PullRequestHistory {
        pull_request: PullRequestFacts {
            repository: repository.clone(),
            author,
            head_branch: head.clone(),
            body: None,
            created_at: utc(created_at),
            merged_at: pr.try_get::<Option<i64>, _>("merged_at")?.map(utc),
            closed_at: pr.try_get::<Option<i64>, _>("closed_at")?.map(utc),
            lines_added: optional_u64("lines_added")?,
            lines_removed: optional_u64("lines_removed")?,
        },
        reviews,
        pushes,
        commits: commits.into_values().collect(),
        sessions,
    };
    let globs = strings(&pr.try_get::<String, _>("critical_globs")?);
    let critical = CriticalPaths::parse(&globs).unwrap_or_else(|_| CriticalPaths::new(Vec::new()));
    let mut result = classify(&history, &critical, policy);
    // The body is not stored, only its markers: add that reason here, after the commit reasons.
    let body_markers = markers(&pr.try_get::<String, _>("body_ai_markers")?);
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
    let first_review_at = result
        .time_to_first_review_seconds
        .map(|s| created_at + s * 1000);
    sqlx::query(
        "UPDATE pull_requests SET ai_assisted = $1, ai_reasons = $2, critical = $3, critical_paths = $4, \
         outcome = $5, change_size = $6, first_review_at = $7, updated_at = $8 WHERE id = $9",
    )
    .bind(i64::from(result.ai_assisted))
    .bind(json(&result.ai_reasons))
    .bind(i64::from(result.critical))
    .bind(json(&result.critical_paths))
    .bind(result.outcome.map(|o| o.as_str()))
    .bind(i64::try_from(result.change_size).unwrap_or(i64::MAX))
    .bind(first_review_at)
    .bind(now_ms())
    .bind(pr_id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// SQL for `LOWER(column) = LOWER($param)` that SQLite can answer from an index on `column`.
///
/// SQLite folds ASCII letters only and compares bytes, so every spelling of a name lies between
/// its upper-case and its lower-case spelling: the range lets the index narrow the rows first.
/// PostgreSQL's collations order letters otherwise; it keeps the plain comparison.
fn same_repository(db: &Db, column: &str, param: usize) -> String {
    match db.backend {
        Backend::Sqlite => format!("{column} >= UPPER(${param}) AND {column} <= LOWER(${param}) AND LOWER({column}) = LOWER(${param})"),
        Backend::Postgres => format!("LOWER({column}) = LOWER(${param})"),
    }
}

/// JSON text of a list (lists of reasons and paths never fail to serialize).
pub fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".to_owned())
}

/// Reclassifies pull requests by id, e.g. after their repository's globs changed.
pub async fn reclassify_all(db: &Db, ids: &[i64], policy: &ReviewPolicy) -> Result<usize> {
    for id in ids {
        reclassify(db, *id, policy).await?;
    }
    Ok(ids.len())
}

/// Ids of a repository's pull requests, optionally only those on one head branch.
pub async fn pull_requests_of(
    db: &Db,
    repository_id: i64,
    head_branch: Option<&str>,
) -> Result<Vec<i64>> {
    let rows = match head_branch {
        Some(branch) => {
            sqlx::query(
                "SELECT id FROM pull_requests WHERE repository_id = $1 AND head_branch = $2",
            )
            .bind(repository_id)
            .bind(branch)
            .fetch_all(&db.pool)
            .await?
        }
        None => {
            sqlx::query("SELECT id FROM pull_requests WHERE repository_id = $1")
                .bind(repository_id)
                .fetch_all(&db.pool)
                .await?
        }
    };
    rows.iter().map(|r| Ok(r.try_get("id")?)).collect()
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
