//! Admin › Webhooks: the secrets in force (write-only, never shown) and where to point each
//! forge's webhook (the absolute payload URL, with a copy button), the last deliveries of each
//! repository, and a form setting a global or per-repository secret.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use agentmeter_web::pages::{AdminSection, AdminWebhooksPage, WebhookEndpoint};

use super::repositories::full_name;
use super::{dashboard_base, saved};
use crate::admin::{self, Actor};
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::reviews::repositories::{self, find_or_create};
use crate::routes::extract::{Admin, AdminForm};
use crate::routes::pages::{render, Done};
use crate::state::AppState;
use crate::store::webhooks;
use crate::views::{admin as rows, admin_chrome, people};

/// How many of each repository's latest deliveries the page lists.
const DELIVERIES_PER_REPOSITORY: i64 = 5;

async fn page(
    state: &AppState,
    headers: &HeaderMap,
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
        match webhooks::global_secret(&state.db, provider).await? {
            Some(global) => secrets.push(rows::global_secret_row(
                provider,
                Some(global.set_at),
                last,
                state.org_tz,
            )),
            None if configured => {
                secrets.push(rows::global_secret_row(provider, None, last, state.org_tz))
            }
            None => {}
        }
    }
    for repo in repositories::list(&state.db)
        .await?
        .into_iter()
        .filter(|r| r.webhook_secret_set)
    {
        secrets.push(rows::repository_secret_row(&repo, state.org_tz));
    }
    let base = dashboard_base(state, headers);
    let endpoints = ["github", "gitlab"]
        .into_iter()
        .map(|p| WebhookEndpoint {
            provider: rows::provider_label(p),
            url: format!("{base}/api/v1/webhooks/{p}"),
            element_id: format!("payload-url-{p}"),
        })
        .collect();
    let deliveries = webhooks::recent_deliveries(&state.db, DELIVERIES_PER_REPOSITORY)
        .await?
        .into_iter()
        .map(|d| people::delivery_row(d, state.org_tz))
        .collect();
    let chrome = admin_chrome(state, user, AdminSection::Webhooks, done);
    render(AdminWebhooksPage {
        chrome,
        secrets,
        endpoints,
        deliveries,
        error,
    })
}

/// `GET /admin/webhooks`.
pub(crate) async fn show(
    State(state): State<AppState>,
    Admin(user): Admin,
    Query(done): Query<Done>,
    headers: HeaderMap,
) -> Result<Html<String>> {
    page(&state, &headers, &user, done.done.as_deref(), None).await
}

/// The set-a-secret form.
#[derive(Deserialize)]
pub(crate) struct SecretForm {
    #[serde(default)]
    provider: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    secret: String,
}

/// `POST /admin/webhooks`: sets a global or per-repository secret (never shown again).
pub(crate) async fn set_secret(
    State(state): State<AppState>,
    headers: HeaderMap,
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
        let actor = Actor::Admin(user.email.clone());
        if form.scope.trim().is_empty() {
            return admin::set_webhook_secret(&state.db, &actor, provider, None, Some(secret))
                .await;
        }
        let repo = match repositories::find(&state.db, &form.scope).await {
            Err(Error::NotFound(_)) => {
                find_or_create(&state.db, &full_name(provider, &form.scope)).await?
            }
            other => other?,
        };
        admin::set_webhook_secret(&state.db, &actor, provider, Some(&repo), Some(secret)).await
    };
    match saved(action, "Secret saved", "/admin/webhooks").await? {
        Ok(redirect) => Ok(redirect),
        Err(message) => Ok(page(&state, &headers, &user, None, Some(message))
            .await?
            .into_response()),
    }
}
