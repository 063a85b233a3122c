//! Admin › Tokens: every API token (never its secret), a form creating one (shown once), and
//! revocation.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::de::IgnoredAny;
use serde::Deserialize;

use agentmeter_web::pages::{AdminSection, AdminTokensPage, NewApiToken};

use crate::admin::{self, Actor};
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::routes::extract::{Admin, AdminForm};
use crate::routes::pages::{render, Done};
use crate::state::AppState;
use crate::store::{accounts, tokens};
use crate::views::{admin as rows, admin_chrome};

async fn page(
    state: &AppState,
    user: &CurrentUser,
    new_token: Option<NewApiToken>,
    error: Option<String>,
    done: Option<&str>,
) -> Result<AdminTokensPage> {
    let tokens = tokens::list(&state.db)
        .await?
        .into_iter()
        .map(|t| rows::token_row(t, state.org_tz))
        .collect();
    let owner_emails = accounts::list_users(&state.db)
        .await?
        .into_iter()
        .map(|u| u.email)
        .collect();
    Ok(AdminTokensPage {
        chrome: admin_chrome(state, user, AdminSection::Tokens, done),
        tokens,
        new_token,
        owner_emails,
        error,
    })
}

/// `GET /admin/tokens`
pub(crate) async fn show(
    State(state): State<AppState>,
    Admin(user): Admin,
    Query(done): Query<Done>,
) -> Result<Response> {
    let page = page(&state, &user, None, None, done.done.as_deref()).await?;
    Ok(render(page)?.into_response())
}

#[derive(Deserialize)]
pub(crate) struct CreateTokenForm {
    email: String,
    #[serde(default)]
    name: String,
}

/// `POST /admin/tokens`: shows the new token once, on this response only.
pub(crate) async fn create(
    State(state): State<AppState>,
    AdminForm { admin: user, form }: AdminForm<CreateTokenForm>,
) -> Result<Response> {
    let actor = Actor::Admin(user.email.clone());
    match admin::create_token_as(&state.db, &actor, &form.email, Some(&form.name)).await {
        Ok(secret) => {
            let shown = NewApiToken {
                name: form.name,
                owner_email: form.email,
                secret,
            };
            Ok(render(page(&state, &user, Some(shown), None, None).await?)?.into_response())
        }
        Err(e @ (Error::BadRequest(_) | Error::NotFound(_))) => {
            let status = e.status();
            let page = page(&state, &user, None, Some(e.public_message()), None).await?;
            Ok((status, render(page)?).into_response())
        }
        Err(other) => Err(other),
    }
}

/// `POST /admin/tokens/{id}/revoke`
pub(crate) async fn revoke(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { admin: user, .. }: AdminForm<IgnoredAny>,
) -> Result<Response> {
    admin::revoke_token(&state.db, &Actor::Admin(user.email), id).await?;
    Ok(Redirect::to(&format!("/admin/tokens?done=Token+%23{id}+revoked")).into_response())
}
