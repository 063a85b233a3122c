//! Repository administration over the API (admin only): the list, a repository's critical-path
//! globs, and its write-only webhook secret.

use anyhow::Context;
use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::admin::Actor;
use crate::error::{Error, Result};
use crate::reviews::critical_paths::CriticalPathsView;
use crate::reviews::repositories::{self, find_or_create, Repository};
use crate::routes::extract::Admin;
use crate::state::AppState;

/// `GET /api/v1/repositories`: every repository, with its webhook setup (never the secret).
#[utoipa::path(
    get,
    path = "/api/v1/repositories",
    tag = "admin",
    responses((status = 200, description = "OK", body = Vec<Repository>))
)]
pub(crate) async fn list(State(state): State<AppState>, _: Admin) -> Result<Json<Vec<Repository>>> {
    Ok(Json(repositories::list(&state.db).await?))
}

/// Body of `PUT …/critical-paths`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct GlobsBody {
    globs: Vec<String>,
}

/// Body of `PUT …/webhook-secret`; an empty secret removes it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct SecretBody {
    secret: String,
}

/// The answer to `PUT …/webhook-secret` (never the secret itself).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct WebhookSecretSet {
    repository: String,
    webhook_secret_set: bool,
}

/// Splits `{name or id}/{action}` (the name may contain slashes, encoded or not).
fn split(path: &str) -> Result<(&str, &str)> {
    path.trim_end_matches('/')
        .rsplit_once('/')
        .filter(|(repo, _)| !repo.is_empty())
        .ok_or_else(|| Error::NotFound(format!("/repositories/{path}")))
}

/// `GET /api/v1/repositories/{repo}/critical-paths`.
#[utoipa::path(
    get,
    path = "/api/v1/repositories/{repository}/critical-paths",
    tag = "admin",
    params(("repository" = String, Path, description = "Its name or id")),
    responses((status = 200, description = "OK", body = CriticalPathsView))
)]
pub(crate) async fn show(
    State(state): State<AppState>,
    _: Admin,
    Path(path): Path<String>,
) -> Result<Json<CriticalPathsView>> {
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

/// `PUT /api/v1/repositories/{repo}/critical-paths` or `…/webhook-secret`.
pub(crate) async fn update(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(path): Path<String>,
    Json(body): Json<serde_json::Value>,
) -> Result<Json<serde_json::Value>> {
    let (key, action) = split(&path)?;
    let actor = Actor::Admin(admin.email);
    let reply = match action {
        "critical-paths" => {
            serde_json::to_value(set_critical_paths(&state, actor, key, parse(body)?).await?)
        }
        "webhook-secret" => {
            serde_json::to_value(set_webhook_secret(&state, actor, key, parse(body)?).await?)
        }
        _ => return Err(Error::NotFound(format!("/repositories/{path}"))),
    };
    Ok(Json(reply.context("repository reply as JSON")?))
}

fn parse<T: serde::de::DeserializeOwned>(body: serde_json::Value) -> Result<T> {
    serde_json::from_value(body).map_err(|e| Error::BadRequest(format!("invalid body: {e}")))
}

/// `PUT /api/v1/repositories/{repo}/critical-paths`: replaces the globs, reclassifies its PRs.
#[utoipa::path(
    put,
    path = "/api/v1/repositories/{repository}/critical-paths",
    tag = "admin",
    params(("repository" = String, Path, description = "Its name or id")),
    request_body = GlobsBody,
    responses((status = 200, description = "OK", body = CriticalPathsView))
)]
async fn set_critical_paths(
    state: &AppState,
    actor: Actor,
    key: &str,
    body: GlobsBody,
) -> Result<CriticalPathsView> {
    let repo = find_or_create(&state.db, key).await?;
    crate::admin::set_critical_paths(state, &actor, &repo, &body.globs).await
}

/// `PUT /api/v1/repositories/{repo}/webhook-secret`: sets (or, empty, removes) its secret.
#[utoipa::path(
    put,
    path = "/api/v1/repositories/{repository}/webhook-secret",
    tag = "admin",
    params(("repository" = String, Path, description = "Its name or id")),
    request_body = SecretBody,
    responses((status = 200, description = "OK", body = WebhookSecretSet))
)]
async fn set_webhook_secret(
    state: &AppState,
    actor: Actor,
    key: &str,
    body: SecretBody,
) -> Result<WebhookSecretSet> {
    let repo = find_or_create(&state.db, key).await?;
    let secret = Some(body.secret.trim()).filter(|s| !s.is_empty());
    crate::admin::set_webhook_secret(&state.db, &actor, &repo.provider, Some(&repo), secret)
        .await?;
    Ok(WebhookSecretSet {
        repository: repo.name,
        webhook_secret_set: secret.is_some(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
