//! Repository administration over the API (admin only): the list, a repository's critical-path
//! globs, and its write-only webhook secret.

use anyhow::Context;
use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;

use crate::admin::{set_critical_paths, Actor};
use crate::error::{Error, Result};
use crate::reviews::critical_paths::CriticalPathsView;
use crate::reviews::repositories::{self, find_or_create, Repository};
use crate::routes::extract::Admin;
use crate::state::AppState;

/// `GET /api/v1/repositories`: every repository, with its webhook setup (never the secret).
pub(crate) async fn list(State(state): State<AppState>, _: Admin) -> Result<Json<Vec<Repository>>> {
    Ok(Json(repositories::list(&state.db).await?))
}

/// Body of `PUT …/critical-paths`.
#[derive(Debug, Deserialize)]
struct GlobsBody {
    globs: Vec<String>,
}

/// Body of `PUT …/webhook-secret`; an empty secret removes it.
#[derive(Debug, Deserialize)]
struct SecretBody {
    secret: String,
}

/// Splits `{name or id}/{action}` (the name may contain slashes, encoded or not).
fn split(path: &str) -> Result<(&str, &str)> {
    path.trim_end_matches('/')
        .rsplit_once('/')
        .filter(|(repo, _)| !repo.is_empty())
        .ok_or_else(|| Error::NotFound(format!("/repositories/{path}")))
}

/// `GET /api/v1/repositories/{repo}/critical-paths`.
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
    let bad_body = |e: serde_json::Error| Error::BadRequest(format!("invalid body: {e}"));
    match action {
        "critical-paths" => {
            let body: GlobsBody = serde_json::from_value(body).map_err(bad_body)?;
            let repo = find_or_create(&state.db, key).await?;
            let actor = Actor::Admin(admin.email);
            let view = set_critical_paths(&state, &actor, &repo, &body.globs).await?;
            Ok(Json(
                serde_json::to_value(view).context("critical paths as JSON")?,
            ))
        }
        "webhook-secret" => {
            let body: SecretBody = serde_json::from_value(body).map_err(bad_body)?;
            let repo = find_or_create(&state.db, key).await?;
            let secret = Some(body.secret.trim()).filter(|s| !s.is_empty());
            let actor = Actor::Admin(admin.email);
            crate::admin::set_webhook_secret(
                &state.db,
                &actor,
                &repo.provider,
                Some(&repo),
                secret,
            )
            .await?;
            let reply = serde_json::json!({"repository": repo.name, "webhook_secret_set": secret.is_some()});
            Ok(Json(reply))
        }
        _ => Err(Error::NotFound(format!("/repositories/{path}"))),
    }
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
