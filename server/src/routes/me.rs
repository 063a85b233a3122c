//! The caller and the teams they can see.

use axum::extract::State;
use axum::Json;
use serde::Serialize;

use agentmeter_ingest::wire::Me;

use crate::auth::CurrentUser;
use crate::error::Result;
use crate::state::AppState;
use crate::store::accounts;

#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "me",
    responses((status = 200, description = "OK", body = agentmeter_ingest::wire::Me)),
)]
pub async fn show(user: CurrentUser) -> Json<Me> {
    Json(Me {
        email: user.email.clone(),
        name: user.name.clone(),
        role: user.role.to_string(),
        teams: user.team_names(),
    })
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TeamView {
    name: String,
    members: i64,
    managers: Vec<String>,
}

/// Teams the caller may see: all for admins, managed and own teams for others.
#[utoipa::path(
    get,
    path = "/api/v1/teams",
    tag = "me",
    responses((status = 200, description = "OK", body = Vec<TeamView>)),
)]
pub async fn teams(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<TeamView>>> {
    let own: Vec<i64> = user.memberships.iter().map(|m| m.team_id).collect();
    let teams = accounts::list_teams(&state.db)
        .await?
        .into_iter()
        .filter(|t| user.is_admin() || own.contains(&t.id))
        .map(|t| TeamView {
            name: t.name,
            members: t.members,
            managers: t.managers,
        })
        .collect();
    Ok(Json(teams))
}
