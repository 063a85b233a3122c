//! Admin › Users › one user: edit, deactivate or reactivate, a password-reset link shown once,
//! and seats. Every change goes through the `admin` service, which records it.

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::de::IgnoredAny;
use serde::Deserialize;

use agentmeter_web::pages::{AdminSection, AdminUserPage};
use agentmeter_web::url;

use super::dashboard_base;
use crate::admin::{self, Actor, UserEdit};
use crate::analytics::catalog;
use crate::analytics::seats::SeatChange;
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::routes::extract::{Admin, AdminForm};
use crate::routes::pages::{render, Done};
use crate::state::AppState;
use crate::store::{accounts, reports};
use crate::views::admin::when_ms;
use crate::views::{admin_chrome, people};

fn href(email: &str) -> String {
    format!("/admin/users/{}", url::component(email))
}

async fn page(
    state: &AppState,
    admin_user: &CurrentUser,
    email: &str,
    done: Option<&str>,
    reset_link: Option<(String, String)>,
    error: Option<String>,
) -> Result<Response> {
    let user = accounts::user_by_email(&state.db, email)
        .await?
        .ok_or_else(|| Error::NotFound(format!("user {email:?}")))?;
    let teams: Vec<String> = accounts::memberships(&state.db, user.id)
        .await?
        .into_iter()
        .map(|m| m.team)
        .collect();
    let known_teams = accounts::list_teams(&state.db)
        .await?
        .into_iter()
        .map(|t| t.name)
        .collect();
    let seats: Vec<i64> = reports::seat_plans(&state.db)
        .await?
        .into_iter()
        .filter(|s| s.user_id == user.id)
        .map(|s| s.plan_id)
        .collect();
    let catalog = catalog::list(&state.db).await?;
    let status = if error.is_some() {
        axum::http::StatusCode::BAD_REQUEST
    } else {
        axum::http::StatusCode::OK
    };
    let page = AdminUserPage {
        chrome: admin_chrome(state, admin_user, AdminSection::Users, done),
        path_email: url::component(&user.email),
        active: user.is_active(),
        deactivated: user
            .deactivated_at
            .map(|ms| format!("Deactivated {}", when_ms(state.org_tz, Some(ms), ""))),
        roles: people::role_choices(user.role.as_str()),
        teams: teams.join(", "),
        known_teams,
        seats: people::seat_rows(&catalog, &seats),
        email: user.email,
        name: user.name,
        reset_note: reset_link.as_ref().map(|l| l.1.clone()).unwrap_or_default(),
        reset_link: reset_link.map(|l| l.0),
        error,
    };
    Ok((status, render(page)?).into_response())
}

/// `GET /admin/users/{email}`
pub(crate) async fn show(
    State(state): State<AppState>,
    Admin(user): Admin,
    Path(email): Path<String>,
    Query(done): Query<Done>,
) -> Result<Response> {
    page(&state, &user, &email, done.done.as_deref(), None, None).await
}

/// Runs a change; back to the user's page (`at`: their e-mail after it) with `ok`, or the page
/// again with what the admin can fix.
async fn answer(
    state: &AppState,
    admin_user: &CurrentUser,
    email: &str,
    outcome: Result<String>,
    ok: &str,
) -> Result<Response> {
    match outcome {
        Ok(at) => {
            Ok(Redirect::to(&format!("{}?done={}", href(&at), url::component(ok))).into_response())
        }
        Err(e @ (Error::BadRequest(_) | Error::Conflict(_) | Error::NotFound(_))) => {
            page(
                state,
                admin_user,
                email,
                None,
                None,
                Some(e.public_message()),
            )
            .await
        }
        Err(other) => Err(other),
    }
}

/// The profile form.
#[derive(Deserialize)]
pub(crate) struct EditForm {
    email: String,
    name: String,
    role: String,
    #[serde(default)]
    teams: String,
}

/// `POST /admin/users/{email}`: saves name, e-mail, role and teams.
pub(crate) async fn edit(
    State(state): State<AppState>,
    Path(email): Path<String>,
    AdminForm { admin: user, form }: AdminForm<EditForm>,
) -> Result<Response> {
    let edit = UserEdit {
        email: form.email,
        name: form.name,
        role: form.role,
        teams: form.teams.split(',').map(|t| t.trim().to_owned()).collect(),
    };
    let actor = Actor::Admin(user.email.clone());
    let outcome = admin::edit_user(&state.db, &actor, &email, edit)
        .await
        .map(|u| u.email);
    answer(&state, &user, &email, outcome, "Saved").await
}

/// `POST /admin/users/{email}/deactivate`
pub(crate) async fn deactivate(
    State(state): State<AppState>,
    Path(email): Path<String>,
    AdminForm { admin: user, .. }: AdminForm<IgnoredAny>,
) -> Result<Response> {
    let actor = Actor::Admin(user.email.clone());
    let outcome = admin::deactivate_user(&state.db, &actor, &email)
        .await
        .map(|u| u.email);
    answer(&state, &user, &email, outcome, "Deactivated").await
}

/// `POST /admin/users/{email}/reactivate`
pub(crate) async fn reactivate(
    State(state): State<AppState>,
    Path(email): Path<String>,
    AdminForm { admin: user, .. }: AdminForm<IgnoredAny>,
) -> Result<Response> {
    let actor = Actor::Admin(user.email.clone());
    let outcome = admin::reactivate_user(&state.db, &actor, &email)
        .await
        .map(|u| u.email);
    answer(&state, &user, &email, outcome, "Reactivated").await
}

/// `POST /admin/users/{email}/reset-password`: the link is on this response only.
pub(crate) async fn reset_password(
    State(state): State<AppState>,
    Path(email): Path<String>,
    headers: HeaderMap,
    AdminForm { admin: user, .. }: AdminForm<IgnoredAny>,
) -> Result<Response> {
    let actor = Actor::Admin(user.email.clone());
    let reset = admin::issue_password_reset(&state.db, &actor, &email).await?;
    let link = reset.link(&dashboard_base(&state, &headers));
    let mailed = admin::email_password_reset(&state.settings, &reset, &link).await;
    let note = people::reset_note(&mailed, &reset.email);
    page(&state, &user, &email, None, Some((link, note)), None).await
}

/// The seat form of one vendor.
#[derive(Deserialize)]
pub(crate) struct SeatForm {
    vendor: String,
    #[serde(default)]
    plan_id: String,
}

/// `POST /admin/users/{email}/seat`: the same service as `PUT /api/v1/users/{email}/plan`.
pub(crate) async fn assign_seat(
    State(state): State<AppState>,
    Path(email): Path<String>,
    AdminForm { admin: user, form }: AdminForm<SeatForm>,
) -> Result<Response> {
    let outcome = async {
        let plan_id = match form.plan_id.trim() {
            "" => None,
            id => Some(
                id.parse::<i64>()
                    .map_err(|_| Error::BadRequest(format!("plan {id:?} is not a plan id")))?,
            ),
        };
        let change = SeatChange {
            vendor: Some(form.vendor),
            plan_id,
        };
        let actor = Actor::Admin(user.email.clone());
        admin::assign_seat(&state.db, &actor, &email, &change)
            .await
            .map(|seat| seat.email)
    }
    .await;
    answer(&state, &user, &email, outcome, "Seat assigned").await
}
