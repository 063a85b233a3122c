//! Admin › Repositories: each repository with its critical-path globs, a form adding one and a
//! form changing a repository's globs (which reclassifies its pull requests).

use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use agentmeter_web::pages::{AdminRepositoriesPage, AdminSection};

use super::saved;
use crate::admin::{set_critical_paths, Actor};
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::reviews::repositories::{self, find_or_create};
use crate::routes::extract::{Admin, AdminForm};
use crate::routes::pages::{render, Done};
use crate::state::AppState;
use crate::views::{admin as rows, admin_chrome};

async fn page(
    state: &AppState,
    user: &CurrentUser,
    done: Option<&str>,
    error: Option<String>,
) -> Result<Html<String>> {
    let repositories = repositories::list(&state.db)
        .await?
        .into_iter()
        .map(|r| rows::repository_row(r, state.org_tz))
        .collect();
    let chrome = admin_chrome(state, user, AdminSection::Repositories, done);
    render(AdminRepositoriesPage {
        chrome,
        repositories,
        error,
    })
}

/// `GET /admin/repositories`.
pub(crate) async fn show(
    State(state): State<AppState>,
    Admin(user): Admin,
    Query(done): Query<Done>,
) -> Result<Html<String>> {
    page(&state, &user, done.done.as_deref(), None).await
}

/// The add-repository form.
#[derive(Deserialize)]
pub(crate) struct RepositoryForm {
    #[serde(default)]
    provider: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    critical_paths: String,
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A full `host/owner/name` from the form's provider and `owner/name`.
pub(super) fn full_name(provider: &str, name: &str) -> String {
    let name = name.trim().trim_matches('/').to_lowercase();
    if name.split('/').count() >= 3 {
        return name;
    }
    let host = if provider == "gitlab" {
        "gitlab.com"
    } else {
        "github.com"
    };
    format!("{host}/{name}")
}

/// `POST /admin/repositories`: adds a repository with its globs.
pub(crate) async fn add(
    State(state): State<AppState>,
    AdminForm { admin: user, form }: AdminForm<RepositoryForm>,
) -> Result<Response> {
    let action = async {
        if form.name.trim().is_empty() {
            return Err(Error::BadRequest(
                "give the repository as owner/name".into(),
            ));
        }
        let repo = find_or_create(&state.db, &full_name(&form.provider, &form.name)).await?;
        let actor = Actor::Admin(user.email.clone());
        set_critical_paths(&state, &actor, &repo, &lines(&form.critical_paths))
            .await
            .map(|_| ())
    };
    match saved(action, "Repository saved", "/admin/repositories").await? {
        Ok(redirect) => Ok(redirect),
        Err(message) => Ok(page(&state, &user, None, Some(message))
            .await?
            .into_response()),
    }
}

/// `POST /admin/repositories/{id}/critical-paths`.
pub(crate) async fn set_globs(
    State(state): State<AppState>,
    Path(id): Path<String>,
    AdminForm { admin: user, form }: AdminForm<RepositoryForm>,
) -> Result<Response> {
    let action = async {
        let repo = repositories::find(&state.db, &id).await?;
        let actor = Actor::Admin(user.email.clone());
        set_critical_paths(&state, &actor, &repo, &lines(&form.critical_paths))
            .await
            .map(|_| ())
    };
    match saved(action, "Critical paths saved", "/admin/repositories").await? {
        Ok(redirect) => Ok(redirect),
        Err(message) => Ok(page(&state, &user, None, Some(message))
            .await?
            .into_response()),
    }
}
