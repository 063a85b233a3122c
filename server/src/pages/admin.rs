//! Admin › Users, Teams and Tokens: the same actions as the `agentmeter-server` subcommands.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use secrecy::SecretString;
use serde::de::IgnoredAny;
use serde::Deserialize;

use agentmeter_web::pages::{
    AdminSection, AdminTeamsPage, AdminTokensPage, AdminUsersPage, ApiTokenRow, NewApiToken,
    NewUserForm, TeamRow, UserRow,
};
use agentmeter_web::{format, url, Figure};

use super::{admin_chrome, render, view_role, Done};
use crate::admin::{self, AddUser};
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::routes::extract::AdminForm;
use crate::state::AppState;
use crate::store::{accounts, tokens};

fn date_time(state: &AppState, millis: Option<i64>) -> String {
    millis
        .and_then(chrono::DateTime::from_timestamp_millis)
        .map(|t| format::date_time(t.with_timezone(&state.org_tz).naive_local()))
        .unwrap_or_else(|| "never".into())
}

async fn users_page(
    state: &AppState,
    user: &CurrentUser,
    form: NewUserForm,
    done: Option<&str>,
) -> Result<AdminUsersPage> {
    let mut rows = Vec::new();
    for u in accounts::list_users(&state.db).await? {
        let teams = accounts::memberships(&state.db, u.id).await?;
        rows.push(UserRow {
            email: u.email,
            name: u.name,
            role: view_role(u.role),
            teams: teams
                .iter()
                .map(|m| m.team.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            github: u.github_login.unwrap_or_default(),
            gitlab: u.gitlab_login.unwrap_or_default(),
            plan: String::new(),
        });
    }
    let known_teams = accounts::list_teams(&state.db)
        .await?
        .into_iter()
        .map(|t| t.name)
        .collect();
    Ok(AdminUsersPage {
        chrome: admin_chrome(state, user, AdminSection::Users, done),
        users: rows,
        form: NewUserForm {
            known_teams,
            ..form
        },
    })
}

/// `GET /admin/users`
pub async fn users(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(done): Query<Done>,
) -> Result<Response> {
    user.require_admin()?;
    Ok(
        render(users_page(&state, &user, NewUserForm::default(), done.done.as_deref()).await?)?
            .into_response(),
    )
}

#[derive(Deserialize)]
pub struct AddUserForm {
    email: String,
    name: String,
    role: String,
    #[serde(default)]
    teams: String,
    #[serde(default)]
    github: String,
    #[serde(default)]
    gitlab: String,
    #[serde(default)]
    password: String,
}

/// `POST /admin/users`: adds the user, or shows the form again with what went wrong.
pub async fn add_user(
    State(state): State<AppState>,
    AdminForm { admin: user, form }: AdminForm<AddUserForm>,
) -> Result<Response> {
    let request = AddUser {
        email: form.email.clone(),
        name: form.name.clone(),
        role: form.role.clone(),
        teams: form
            .teams
            .split(',')
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .collect(),
        github: Some(form.github.clone()),
        gitlab: Some(form.gitlab.clone()),
        password: Some(form.password.clone())
            .filter(|p| !p.is_empty())
            .map(SecretString::from),
    };
    match admin::add_user(&state.db, request).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/admin/users?done=User+{}+added",
            url::component(&form.email)
        ))
        .into_response()),
        Err(e @ (Error::BadRequest(_) | Error::Conflict(_) | Error::NotFound(_))) => {
            let status = e.status();
            let typed = NewUserForm {
                email: form.email,
                name: form.name,
                role: form.role,
                teams: form.teams,
                github: form.github,
                gitlab: form.gitlab,
                error: Some(e.public_message()),
                ..NewUserForm::default()
            };
            Ok((
                status,
                render(users_page(&state, &user, typed, None).await?)?,
            )
                .into_response())
        }
        Err(other) => Err(other),
    }
}

async fn teams_page(
    state: &AppState,
    user: &CurrentUser,
    name: String,
    error: Option<String>,
    done: Option<&str>,
) -> Result<AdminTeamsPage> {
    let teams = accounts::list_teams(&state.db)
        .await?
        .into_iter()
        .map(|t| TeamRow {
            name: t.name,
            members: Figure::count(t.members),
            managers: t.managers.join(", "),
        })
        .collect();
    Ok(AdminTeamsPage {
        chrome: admin_chrome(state, user, AdminSection::Teams, done),
        teams,
        new_team_name: name,
        error,
    })
}

/// `GET /admin/teams`
pub async fn teams(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(done): Query<Done>,
) -> Result<Response> {
    user.require_admin()?;
    Ok(
        render(teams_page(&state, &user, String::new(), None, done.done.as_deref()).await?)?
            .into_response(),
    )
}

#[derive(Deserialize)]
pub struct AddTeamForm {
    name: String,
}

/// `POST /admin/teams`
pub async fn add_team(
    State(state): State<AppState>,
    AdminForm { admin: user, form }: AdminForm<AddTeamForm>,
) -> Result<Response> {
    match admin::add_team(&state.db, &form.name).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/admin/teams?done=Team+{}+created",
            url::component(&form.name)
        ))
        .into_response()),
        Err(e @ (Error::BadRequest(_) | Error::Conflict(_))) => {
            let status = e.status();
            Ok((
                status,
                render(
                    teams_page(&state, &user, form.name, Some(e.public_message()), None).await?,
                )?,
            )
                .into_response())
        }
        Err(other) => Err(other),
    }
}

async fn tokens_page(
    state: &AppState,
    user: &CurrentUser,
    new_token: Option<NewApiToken>,
    error: Option<String>,
    done: Option<&str>,
) -> Result<AdminTokensPage> {
    let tokens = tokens::list(&state.db)
        .await?
        .into_iter()
        .map(|t| ApiTokenRow {
            id: t.id.to_string(),
            name: format!("{} ({}…)", t.name, t.prefix),
            owner_email: t.owner_email,
            created: date_time(state, Some(t.created_at)),
            last_used: date_time(state, t.last_used_at),
            revoked: t.revoked_at.is_some(),
        })
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
pub async fn tokens(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(done): Query<Done>,
) -> Result<Response> {
    user.require_admin()?;
    Ok(
        render(tokens_page(&state, &user, None, None, done.done.as_deref()).await?)?
            .into_response(),
    )
}

#[derive(Deserialize)]
pub struct CreateTokenForm {
    email: String,
    #[serde(default)]
    name: String,
}

/// `POST /admin/tokens`: shows the new token once, on this response only.
pub async fn create_token(
    State(state): State<AppState>,
    AdminForm { admin: user, form }: AdminForm<CreateTokenForm>,
) -> Result<Response> {
    match admin::create_token(&state.db, &form.email, Some(&form.name)).await {
        Ok(secret) => {
            let shown = NewApiToken {
                name: form.name,
                owner_email: form.email,
                secret,
            };
            Ok(render(tokens_page(&state, &user, Some(shown), None, None).await?)?.into_response())
        }
        Err(e @ (Error::BadRequest(_) | Error::NotFound(_))) => {
            let status = e.status();
            Ok((
                status,
                render(tokens_page(&state, &user, None, Some(e.public_message()), None).await?)?,
            )
                .into_response())
        }
        Err(other) => Err(other),
    }
}

/// `POST /admin/tokens/{id}/revoke`
pub async fn revoke_token(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    _: AdminForm<IgnoredAny>,
) -> Result<Response> {
    tokens::revoke(&state.db, id).await?;
    Ok(Redirect::to(&format!("/admin/tokens?done=Token+%23{id}+revoked")).into_response())
}
