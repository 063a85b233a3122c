//! Admin › Identities: git and forge identities that matched no user, and a form mapping one to
//! a user (their past pull requests, reviews and commits follow).

use axum::extract::{Path, Query, State};
use axum::response::{Html, Redirect};
use serde::Deserialize;

use agentmeter_web::pages::{AdminIdentitiesPage, AdminSection};

use crate::error::Result;
use crate::reviews::identities;
use crate::routes::extract::{Admin, AdminForm};
use crate::routes::pages::{render, Done};
use crate::state::AppState;
use crate::store::accounts;
use crate::views::{admin as rows, admin_chrome};

/// `GET /admin/identities`.
pub(crate) async fn show(
    State(state): State<AppState>,
    Admin(user): Admin,
    Query(done): Query<Done>,
) -> Result<Html<String>> {
    let identities = identities::list_unmatched(&state.db)
        .await?
        .into_iter()
        .map(|i| rows::identity_row(i, state.org_tz))
        .collect();
    let users = accounts::list_users(&state.db)
        .await?
        .iter()
        .map(rows::user_choice)
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
pub(crate) struct MatchForm {
    user: String,
}

/// `POST /admin/identities/{id}/match`.
pub(crate) async fn match_to_user(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { form, .. }: AdminForm<MatchForm>,
) -> Result<Redirect> {
    identities::match_and_reclassify(&state, id, &form.user).await?;
    Ok(Redirect::to("/admin/identities?done=Identity%20matched"))
}
