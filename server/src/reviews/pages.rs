//! Admin pages for review data sources: repositories and their critical-path globs, webhook
//! secrets (write-only) and identities that matched no user. Handlers only map stored data into
//! the `web` crate's page structs; the work is done by the same functions as the API.

use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use agentmeter_web::pages::{
    AdminIdentitiesPage, AdminRepositoriesPage, AdminSection, AdminWebhooksPage, Choice,
    RepositoryRow, UnmatchedIdentityRow, WebhookEndpoint, WebhookSecretRow,
};
use agentmeter_web::{format, Figure};

use super::critical_paths::{find_or_create, set_critical_paths};
use super::{identities, repositories};
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::pages::{admin_chrome, render, Done};
use crate::routes::extract::AdminForm;
use crate::state::AppState;
use crate::store::{accounts, webhooks};

fn when(state: &AppState, at: Option<DateTime<Utc>>) -> String {
    at.map(|t| format::date_time(t.with_timezone(&state.org_tz).naive_local()))
        .unwrap_or_else(|| "Never".into())
}

fn provider_label(provider: &str) -> String {
    match provider {
        "github" => "GitHub".into(),
        "gitlab" => "GitLab".into(),
        other => other.to_owned(),
    }
}

/// `owner/name` of `host/owner/name`.
fn short_name(name: &str) -> String {
    name.split_once('/')
        .map_or(name, |(_, rest)| rest)
        .to_owned()
}

async fn repositories_page(
    state: &AppState,
    user: &CurrentUser,
    done: Option<&str>,
    error: Option<String>,
) -> Result<Html<String>> {
    let rows = repositories::list(&state.db)
        .await?
        .into_iter()
        .map(|r| RepositoryRow {
            id: r.id.to_string(),
            name: short_name(&r.name),
            provider: provider_label(&r.provider),
            critical_globs: r.critical_globs,
            pull_requests: Figure::count(r.pull_requests),
            last_event: when(state, r.last_event_at),
        })
        .collect();
    let chrome = admin_chrome(state, user, AdminSection::Repositories, done);
    render(AdminRepositoriesPage {
        chrome,
        repositories: rows,
        error,
    })
}

/// `GET /admin/repositories`.
pub async fn repositories_show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(done): Query<Done>,
) -> Result<Html<String>> {
    user.require_admin()?;
    repositories_page(&state, &user, done.done.as_deref(), None).await
}

/// The add-repository form.
#[derive(Deserialize)]
pub struct RepositoryForm {
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
fn full_name(provider: &str, name: &str) -> String {
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

/// Runs a form action; a 4xx re-renders the page with the error, anything else is returned.
async fn saved<F: std::future::Future<Output = Result<()>>>(
    action: F,
    ok: &str,
    page: &str,
) -> Result<std::result::Result<Response, String>> {
    match action.await {
        Ok(()) => Ok(Ok(Redirect::to(&format!(
            "{page}?done={}",
            agentmeter_web::url::component(ok)
        ))
        .into_response())),
        Err(Error::Unprocessable { message, records }) => {
            let detail: Vec<String> = records.into_iter().map(|r| r.reason).collect();
            Ok(Err(format!("{message}: {}", detail.join("; "))))
        }
        Err(e @ (Error::BadRequest(_) | Error::NotFound(_))) => Ok(Err(e.to_string())),
        Err(e) => Err(e),
    }
}

/// `POST /admin/repositories`: adds a repository with its globs.
pub async fn repositories_add(
    State(state): State<AppState>,
    AdminForm { admin: user, form }: AdminForm<RepositoryForm>,
) -> Result<Response> {
    let action = async {
        if form.name.trim().is_empty() {
            return Err(Error::BadRequest(
                "give the repository as owner/name".into(),
            ));
        }
        let repo = find_or_create(&state, &full_name(&form.provider, &form.name)).await?;
        set_critical_paths(&state, &repo, &lines(&form.critical_paths))
            .await
            .map(|_| ())
    };
    match saved(action, "Repository saved", "/admin/repositories").await? {
        Ok(redirect) => Ok(redirect),
        Err(message) => Ok(repositories_page(&state, &user, None, Some(message))
            .await?
            .into_response()),
    }
}

/// `POST /admin/repositories/{id}/critical-paths`.
pub async fn repositories_globs(
    State(state): State<AppState>,
    Path(id): Path<String>,
    AdminForm { admin: user, form }: AdminForm<RepositoryForm>,
) -> Result<Response> {
    let action = async {
        let repo = repositories::find(&state.db, &id).await?;
        set_critical_paths(&state, &repo, &lines(&form.critical_paths))
            .await
            .map(|_| ())
    };
    match saved(action, "Critical paths saved", "/admin/repositories").await? {
        Ok(redirect) => Ok(redirect),
        Err(message) => Ok(repositories_page(&state, &user, None, Some(message))
            .await?
            .into_response()),
    }
}

async fn webhooks_page(
    state: &AppState,
    user: &CurrentUser,
    done: Option<&str>,
    error: Option<String>,
) -> Result<Html<String>> {
    let mut secrets = Vec::new();
    for provider in ["github", "gitlab"] {
        let last = webhooks::last_delivery(&state.db, provider).await?;
        let configured = match provider {
            "github" => state.settings.github_webhook_secret.is_some(),
            _ => state.settings.gitlab_webhook_token.is_some(),
        };
        let set_at = webhooks::global_secret(&state.db, provider)
            .await?
            .map(|global| when(state, DateTime::from_timestamp_millis(global.set_at)));
        if let Some(set_at) = set_at.or_else(|| configured.then(|| "Settings file".to_owned())) {
            let scope = "All repositories".to_owned();
            secrets.push(WebhookSecretRow {
                provider: provider_label(provider),
                scope,
                set_at,
                last_delivery: when(state, last.and_then(DateTime::from_timestamp_millis)),
                healthy: true,
            });
        }
    }
    for repo in repositories::list(&state.db)
        .await?
        .into_iter()
        .filter(|r| r.webhook_secret_set)
    {
        secrets.push(WebhookSecretRow {
            provider: provider_label(&repo.provider),
            scope: short_name(&repo.name),
            set_at: when(state, repo.webhook_secret_set_at),
            last_delivery: when(state, repo.last_event_at),
            healthy: true,
        });
    }
    let endpoints = ["github", "gitlab"]
        .into_iter()
        .map(|p| WebhookEndpoint {
            provider: provider_label(p),
            url: format!("/api/v1/webhooks/{p}"),
        })
        .collect();
    let chrome = admin_chrome(state, user, AdminSection::Webhooks, done);
    render(AdminWebhooksPage {
        chrome,
        secrets,
        endpoints,
        error,
    })
}

/// `GET /admin/webhooks`.
pub async fn webhooks_show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(done): Query<Done>,
) -> Result<Html<String>> {
    user.require_admin()?;
    webhooks_page(&state, &user, done.done.as_deref(), None).await
}

/// The set-a-secret form.
#[derive(Deserialize)]
pub struct SecretForm {
    #[serde(default)]
    provider: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    secret: String,
}

/// `POST /admin/webhooks`: sets a global or per-repository secret (never shown again).
pub async fn webhooks_set(
    State(state): State<AppState>,
    AdminForm { admin: user, form }: AdminForm<SecretForm>,
) -> Result<Response> {
    let action = async {
        let provider = match form.provider.as_str() {
            "github" | "gitlab" => form.provider.as_str(),
            _ => {
                return Err(Error::BadRequest(
                    "provider must be github or gitlab".into(),
                ))
            }
        };
        let secret = form.secret.trim();
        if secret.is_empty() {
            return Err(Error::BadRequest("the secret is empty".into()));
        }
        if form.scope.trim().is_empty() {
            return webhooks::set_global_secret(&state.db, provider, secret).await;
        }
        let repo = match repositories::find(&state.db, &form.scope).await {
            Err(Error::NotFound(_)) => {
                find_or_create(&state, &full_name(provider, &form.scope)).await?
            }
            other => other?,
        };
        repositories::set_secret(&state.db, repo.id, Some(secret)).await
    };
    match saved(action, "Secret saved", "/admin/webhooks").await? {
        Ok(redirect) => Ok(redirect),
        Err(message) => Ok(webhooks_page(&state, &user, None, Some(message))
            .await?
            .into_response()),
    }
}

/// `GET /admin/identities`.
pub async fn identities_show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(done): Query<Done>,
) -> Result<Html<String>> {
    user.require_admin()?;
    let identities = identities::list_unmatched(&state.db)
        .await?
        .into_iter()
        .map(|i| UnmatchedIdentityRow {
            id: i.id.to_string(),
            provider: provider_label(&i.provider),
            login: if i.login.is_empty() {
                i.email.clone()
            } else {
                i.login
            },
            email: i.email,
            events: Figure::count(i.events),
            last_seen: Figure::new(
                when(&state, Some(i.last_seen)),
                i.last_seen.timestamp_millis() as f64,
            ),
        })
        .collect();
    let users = accounts::list_users(&state.db)
        .await?
        .into_iter()
        .map(|u| Choice {
            value: u.id.to_string(),
            label: format!("{} <{}>", u.name, u.email),
            selected: false,
        })
        .collect();
    let chrome = admin_chrome(
        &state,
        &user,
        AdminSection::Identities,
        done.done.as_deref(),
    );
    render(AdminIdentitiesPage {
        chrome,
        identities,
        users,
    })
}

/// The match form.
#[derive(Deserialize)]
pub struct MatchForm {
    user: String,
}

/// `POST /admin/identities/{id}/match`.
pub async fn identities_match(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { form, .. }: AdminForm<MatchForm>,
) -> Result<Redirect> {
    identities::match_and_reclassify(&state, id, &form.user).await?;
    Ok(Redirect::to("/admin/identities?done=Identity%20matched"))
}
