//! Identities that matched no user, and an admin mapping one to a user (admin only).

use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;

use crate::error::Result;
use crate::reviews::identities::{self, UnmatchedIdentity};
use crate::routes::extract::Admin;
use crate::state::AppState;

/// `GET /api/v1/identities`: identities that matched no user, most active first.
pub(crate) async fn list(
    State(state): State<AppState>,
    _: Admin,
) -> Result<Json<Vec<UnmatchedIdentity>>> {
    Ok(Json(identities::list_unmatched(&state.db).await?))
}

/// Body of `POST /api/v1/identities/{id}/match`: the user, by id or email.
#[derive(Debug, Deserialize)]
pub(crate) struct MatchBody {
    user: String,
}

/// `POST /api/v1/identities/{id}/match`: maps the identity and reclassifies its PRs.
pub(crate) async fn match_to_user(
    State(state): State<AppState>,
    _: Admin,
    Path(id): Path<i64>,
    Json(body): Json<MatchBody>,
) -> Result<Json<serde_json::Value>> {
    let reclassified = identities::match_and_reclassify(&state, id, &body.user).await?;
    Ok(Json(
        serde_json::json!({"identity": id, "user": body.user, "reclassified": reclassified}),
    ))
}
