//! Repository administration over the API: the list, critical-path globs (validated; changing
//! them reclassifies the repository's pull requests) and the write-only webhook secret.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

use agentmeter_ingest::wire::RecordError;
use agentmeter_reviews::CriticalGlob;

use super::classification::{pull_requests_of, reclassify_all};
use super::repositories::{self, Repository};
use super::webhooks;
use crate::auth::CurrentUser;
use crate::domain::Role;
use crate::error::{Error, Result};
use crate::state::AppState;

/// `GET /api/v1/repositories` (admin): every team's repositories, with their webhook setup.
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<Repository>>> {
    if user.role != Role::Admin {
        return Err(Error::Forbidden("only admins may list repositories".into()));
    }
    Ok(Json(repositories::list(&state.db).await?))
}

/// Body of `PUT …/critical-paths`.
#[derive(Debug, Deserialize)]
pub struct GlobsBody {
    pub globs: Vec<String>,
}

/// Body of `PUT …/webhook-secret`; an empty secret removes it.
#[derive(Debug, Deserialize)]
pub struct SecretBody {
    pub secret: String,
}

/// A repository's critical paths.
#[derive(Debug, Serialize)]
pub struct CriticalPathsView {
    pub repository: String,
    pub globs: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reclassified: Option<usize>,
}

/// Splits `{name or id}/{action}` (the name may contain slashes, encoded or not).
fn split(path: &str) -> Result<(&str, &str)> {
    path.trim_end_matches('/')
        .rsplit_once('/')
        .filter(|(repo, _)| !repo.is_empty())
        .ok_or_else(|| Error::NotFound(format!("/repositories/{path}")))
}

/// `GET /api/v1/repositories/{repo}/critical-paths` (admin).
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(path): Path<String>,
) -> Result<Json<CriticalPathsView>> {
    user.require_admin()?;
    let (key, action) = split(&path)?;
    if action != "critical-paths" {
        return Err(Error::NotFound(format!("/repositories/{path}")));
    }
    let repo = repositories::find(&state.db, key).await?;
    Ok(Json(CriticalPathsView {
        repository: repo.name,
        globs: repo.critical_globs,
        reclassified: None,
    }))
}

/// `PUT /api/v1/repositories/{repo}/critical-paths` or `…/webhook-secret` (admin).
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(path): Path<String>,
    Json(body): Json<serde_json::Value>,
) -> Result<(StatusCode, Json<serde_json::Value>)> {
    user.require_admin()?;
    let (key, action) = split(&path)?;
    let bad_body = |e: serde_json::Error| Error::BadRequest(format!("invalid body: {e}"));
    match action {
        "critical-paths" => {
            let body: GlobsBody = serde_json::from_value(body).map_err(bad_body)?;
            let repo = find_or_create(&state, key).await?;
            let view = set_critical_paths(&state, &repo, &body.globs).await?;
            Ok((
                StatusCode::OK,
                Json(serde_json::to_value(view).map_err(|e| Error::Internal(e.to_string()))?),
            ))
        }
        "webhook-secret" => {
            let body: SecretBody = serde_json::from_value(body).map_err(bad_body)?;
            let repo = find_or_create(&state, key).await?;
            let secret = Some(body.secret.trim()).filter(|s| !s.is_empty());
            repositories::set_secret(&state.db, repo.id, secret).await?;
            let reply = serde_json::json!({"repository": repo.name, "webhook_secret_set": secret.is_some()});
            Ok((StatusCode::OK, Json(reply)))
        }
        _ => Err(Error::NotFound(format!("/repositories/{path}"))),
    }
}

/// The repository named by `key`; a full `host/owner/name` not seen yet is created.
pub async fn find_or_create(state: &AppState, key: &str) -> Result<Repository> {
    match repositories::find(&state.db, key).await {
        Err(Error::NotFound(_)) if key.trim_matches('/').split('/').count() >= 3 => {
            let name = key.trim().trim_matches('/').to_lowercase();
            if !repositories::is_valid_name(&name) {
                return Err(Error::BadRequest(format!(
                    "{name:?} is not a repository name: host/owner/name, each part letters, digits, '.', '-' or '_' (not '.' or '..')"
                )));
            }
            let provider = if name.contains("gitlab") {
                "gitlab"
            } else {
                "github"
            };
            repositories::ensure(&state.db, &name, provider).await?;
            repositories::find(&state.db, &name).await
        }
        other => other,
    }
}

/// Parses every glob (a 422 names each bad one), stores them and reclassifies the repository.
pub fn parse_globs(globs: &[String]) -> Result<Vec<String>> {
    let mut good = Vec::new();
    let mut problems = Vec::new();
    for (index, text) in globs.iter().enumerate() {
        match CriticalGlob::try_from(text.as_str()) {
            Ok(glob) => good.push(glob.as_str().to_owned()),
            Err(e) => problems.push(RecordError {
                index,
                reason: e.to_string(),
            }),
        }
    }
    if !problems.is_empty() {
        return Err(Error::Unprocessable {
            message: format!("{} invalid glob(s); nothing was changed", problems.len()),
            records: problems,
        });
    }
    good.dedup();
    Ok(good)
}

/// Validates and stores a repository's globs, then reclassifies its pull requests.
pub async fn set_critical_paths(
    state: &AppState,
    repo: &Repository,
    globs: &[String],
) -> Result<CriticalPathsView> {
    let globs = parse_globs(globs)?;
    crate::store::repositories::set_globs(&state.db, repo.id, &globs).await?;
    let ids = pull_requests_of(&state.db, repo.id, None).await?;
    let reclassified = reclassify_all(&state.db, &ids, &webhooks::policy(state)).await?;
    Ok(CriticalPathsView {
        repository: repo.name.clone(),
        globs,
        reclassified: Some(reclassified),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_are_trimmed_and_every_bad_one_is_named() {
        let good =
            parse_globs(&[" migrations/** ".to_owned(), "**/auth/**".to_owned()]).expect("valid");
        assert_eq!(good, vec!["migrations/**", "**/auth/**"]);
        match parse_globs(&["ok/**".to_owned(), "src/[a".to_owned(), String::new()]) {
            Err(Error::Unprocessable { records, .. }) => assert_eq!(
                records.iter().map(|r| r.index).collect::<Vec<_>>(),
                vec![1, 2]
            ),
            other => panic!("expected 422, got {other:?}"),
        }
    }

    #[test]
    fn a_repository_name_with_slashes_is_split_from_its_action() {
        assert_eq!(
            split("github.com/acme/api/critical-paths").ok(),
            Some(("github.com/acme/api", "critical-paths"))
        );
        assert_eq!(
            split("7/webhook-secret").ok(),
            Some(("7", "webhook-secret"))
        );
        assert!(split("critical-paths").is_err());
    }
}
