//! Admin › Teams: every team, a form creating one, and renaming or deleting one (refused while
//! it has members).

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::de::IgnoredAny;
use serde::Deserialize;

use agentmeter_web::pages::{AdminSection, AdminTeamsPage};
use agentmeter_web::url;

use crate::admin::{self, Actor};
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::routes::extract::{Admin, AdminForm};
use crate::routes::pages::{render, Done};
use crate::state::AppState;
use crate::store::accounts;
use crate::views::{admin as rows, admin_chrome};

async fn page(
    state: &AppState,
    user: &CurrentUser,
    name: String,
    error: Option<String>,
    done: Option<&str>,
) -> Result<AdminTeamsPage> {
    let teams = accounts::list_teams(&state.db)
        .await?
        .into_iter()
        .map(rows::team_row)
        .collect();
    Ok(AdminTeamsPage {
        chrome: admin_chrome(state, user, AdminSection::Teams, done),
        teams,
        new_team_name: name,
        error,
    })
}

/// `GET /admin/teams`
pub(crate) async fn show(
    State(state): State<AppState>,
    Admin(user): Admin,
    Query(done): Query<Done>,
) -> Result<Response> {
    let page = page(&state, &user, String::new(), None, done.done.as_deref()).await?;
    Ok(render(page)?.into_response())
}

#[derive(Deserialize)]
pub(crate) struct AddTeamForm {
    name: String,
}

/// `POST /admin/teams`
pub(crate) async fn add(
    State(state): State<AppState>,
    AdminForm { admin: user, form }: AdminForm<AddTeamForm>,
) -> Result<Response> {
    match admin::add_team_as(&state.db, &Actor::Admin(user.email.clone()), &form.name).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/admin/teams?done=Team+{}+created",
            url::component(&form.name)
        ))
        .into_response()),
        Err(e @ (Error::BadRequest(_) | Error::Conflict(_))) => {
            let status = e.status();
            let page = page(&state, &user, form.name, Some(e.public_message()), None).await?;
            Ok((status, render(page)?).into_response())
        }
        Err(other) => Err(other),
    }
}

/// Answers a rename or delete: back to the list with `ok`, or the list again with what the
/// admin can fix (a taken name, a team that still has members).
async fn changed(
    state: &AppState,
    user: &CurrentUser,
    outcome: Result<String>,
) -> Result<Response> {
    match outcome {
        Ok(ok) => {
            Ok(Redirect::to(&format!("/admin/teams?done={}", url::component(&ok))).into_response())
        }
        Err(e @ (Error::BadRequest(_) | Error::Conflict(_) | Error::NotFound(_))) => {
            let status = e.status();
            let page = page(state, user, String::new(), Some(e.public_message()), None).await?;
            Ok((status, render(page)?).into_response())
        }
        Err(other) => Err(other),
    }
}

/// `POST /admin/teams/{id}/rename`
pub(crate) async fn rename(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { admin: user, form }: AdminForm<AddTeamForm>,
) -> Result<Response> {
    let actor = Actor::Admin(user.email.clone());
    let outcome = admin::rename_team(&state.db, &actor, id, &form.name)
        .await
        .map(|()| format!("Team renamed to {}", form.name.trim()));
    changed(&state, &user, outcome).await
}

/// `POST /admin/teams/{id}/delete`
pub(crate) async fn delete(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { admin: user, .. }: AdminForm<IgnoredAny>,
) -> Result<Response> {
    let actor = Actor::Admin(user.email.clone());
    let outcome = admin::delete_team(&state.db, &actor, id)
        .await
        .map(|name| format!("Team {name} deleted"));
    changed(&state, &user, outcome).await
}
