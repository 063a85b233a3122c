//! Identities that matched no user, and an admin mapping one to a user (admin only).

use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::reviews::identities::{self, UnmatchedIdentity};
use crate::routes::extract::Admin;
use crate::state::AppState;

/// `GET /api/v1/identities`: identities that matched no user, most active first.
#[utoipa::path(
    get,
    path = "/api/v1/identities",
    tag = "admin",
    responses((status = 200, description = "OK", body = Vec<UnmatchedIdentity>)),
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    _: Admin,
) -> Result<Json<Vec<UnmatchedIdentity>>> {
    Ok(Json(identities::list_unmatched(&state.db).await?))
}

/// Body of `POST /api/v1/identities/{id}/match`: the user, by id or email.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct MatchBody {
    user: String,
}

/// The answer to `POST /api/v1/identities/{id}/match`: how many of its PRs were reclassified.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct IdentityMatched {
    identity: i64,
    user: String,
    reclassified: usize,
}

/// `POST /api/v1/identities/{id}/match`: maps the identity and reclassifies its PRs.
#[utoipa::path(
    post,
    path = "/api/v1/identities/{id}/match",
    tag = "admin",
    params(("id" = i64, Path, description = "Its id")),
    request_body = MatchBody,
    responses((status = 200, description = "OK", body = IdentityMatched)),
)]
pub(crate) async fn match_to_user(
    State(state): State<AppState>,
    _: Admin,
    Path(id): Path<i64>,
    Json(body): Json<MatchBody>,
) -> Result<Json<IdentityMatched>> {
    let reclassified = identities::match_and_reclassify(&state, id, &body.user).await?;
    Ok(Json(IdentityMatched {
        identity: id,
        user: body.user,
        reclassified,
    }))
}
