//! Admin › Users: the users matching the search (`q`: name or e-mail), a page (`page`) at a time,
//! with their teams, and a form adding one.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use secrecy::SecretString;
use serde::Deserialize;

use agentmeter_web::pages::{AdminSection, AdminUsersPage, FilterBar, NewUserForm};
use agentmeter_web::url;

use crate::admin::{self, Actor, AddUser};
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::routes::extract::{Admin, AdminForm};
use crate::routes::pages::filters::PageQuery;
use crate::routes::pages::{render, Done};
use crate::state::AppState;
use crate::store::accounts;
use crate::views::{admin as rows, admin_chrome, cut};

async fn page(
    state: &AppState,
    user: &CurrentUser,
    form: NewUserForm,
    done: Option<&str>,
    query: &PageQuery,
) -> Result<AdminUsersPage> {
    let filters = FilterBar {
        action: "/admin/users".to_owned(),
        q: query
            .q
            .as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .to_owned(),
        ..FilterBar::default()
    };
    let fields = |u: &accounts::User| vec![u.name.clone(), u.email.clone()];
    let listed = accounts::list_users(&state.db).await?;
    let (shown, pager) = cut(listed, &query.listing()?, true, (&filters, "page"), fields);
    let mut users = Vec::new();
    for u in shown {
        let teams = accounts::memberships(&state.db, u.id).await?;
        users.push(rows::user_row(u, &teams));
    }
    let known_teams = accounts::list_teams(&state.db)
        .await?
        .into_iter()
        .map(|t| t.name)
        .collect();
    Ok(AdminUsersPage {
        chrome: admin_chrome(state, user, AdminSection::Users, done),
        users,
        filters,
        pager,
        form: NewUserForm {
            known_teams,
            ..form
        },
    })
}

/// `GET /admin/users`
pub(crate) async fn show(
    State(state): State<AppState>,
    Admin(user): Admin,
    Query(done): Query<Done>,
    Query(query): Query<PageQuery>,
) -> Result<Response> {
    let form = NewUserForm::default();
    let page = page(&state, &user, form, done.done.as_deref(), &query).await?;
    Ok(render(page)?.into_response())
}

#[derive(Deserialize)]
pub(crate) struct AddUserForm {
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
pub(crate) async fn add(
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
    match admin::add_user_as(&state.db, &Actor::Admin(user.email.clone()), request).await {
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
            let page = page(&state, &user, typed, None, &PageQuery::default()).await?;
            Ok((status, render(page)?).into_response())
        }
        Err(other) => Err(other),
    }
}
