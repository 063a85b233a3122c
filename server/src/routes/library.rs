//! The shared library of skills and hooks: the JSON API under `/api/v1/library/...` and the
//! pages `/library`, `/library/pending`, `/library/{item}` (handlers in `library_pages`). Thin
//! handlers over `crate::library`.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

use agentmeter_ingest::wire_library::{
    InstallReport, LibraryItem, LibraryItemDetail, LibraryVersion, Marketplace, PendingVersion,
    ReviewRequest,
};

use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::library::usage::{self, ListFilter};
use crate::library::{self, diff, Decision};
use crate::state::AppState;
use crate::store::library as store;

pub(crate) mod html;
mod view;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct PublishQuery {
    team: Option<String>,
}

/// `POST /api/v1/library/items?team=T`, body: the folder as .tar.gz or .zip. 201 with the new
/// version, 200 when the latest version already had this content.
#[utoipa::path(
    post,
    path = "/api/v1/library/items",
    tag = "library",
    params(PublishQuery),
    request_body(content = inline(super::openapi::Binary), content_type = "application/octet-stream", description = "The folder as .tar.gz or .zip"),
    responses((status = 201, description = "A new version", body = agentmeter_ingest::wire_library::PublishReceipt), (status = 200, description = "The latest version already had this content", body = agentmeter_ingest::wire_library::PublishReceipt)),
)]
pub(crate) async fn publish(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<PublishQuery>,
    body: Bytes,
) -> Result<Response> {
    let receipt = library::publish(&state, &user, query.team.as_deref(), body.to_vec()).await?;
    let status = if receipt.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(receipt)).into_response())
}

/// `GET /api/v1/library/items?q=&team=&tag=&kind=&status=&from=&to=`
#[utoipa::path(
    get,
    path = "/api/v1/library/items",
    tag = "library",
    params(ListFilter),
    responses((status = 200, description = "OK", body = Vec<LibraryItem>)),
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(filter): Query<ListFilter>,
) -> Result<Json<Vec<LibraryItem>>> {
    Ok(Json(usage::list(&state, &user, &filter).await?))
}

/// `GET /api/v1/library/items/{id}`
#[utoipa::path(
    get,
    path = "/api/v1/library/items/{id}",
    tag = "library",
    params(("id" = i64, Path, description = "Its id"), ListFilter),
    responses((status = 200, description = "OK", body = LibraryItemDetail)),
)]
pub(crate) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(filter): Query<ListFilter>,
) -> Result<Json<LibraryItemDetail>> {
    Ok(Json(usage::detail(&state, &user, id, &filter).await?))
}

/// A file of a version, and what changed in it since the approved version.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct VersionFile {
    path: String,
    sha256: String,
    size_bytes: i64,
    executable: bool,
    content: String,
    change: &'static str,
    diff: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct VersionFiles {
    version: LibraryVersion,
    /// The approved version the diff is against (none: every file is new).
    compared_with: Option<i64>,
    files: Vec<VersionFile>,
}

/// `GET /api/v1/library/items/{id}/versions/{version}`: files, diffed against the latest
/// approved version before it.
#[utoipa::path(
    get,
    path = "/api/v1/library/items/{id}/versions/{version}",
    tag = "library",
    params(("id" = i64, Path, description = "The item's id"), ("version" = i64, Path, description = "The version number")),
    responses((status = 200, description = "OK", body = VersionFiles)),
)]
pub(crate) async fn version_files(
    State(state): State<AppState>,
    _user: CurrentUser,
    Path((id, version)): Path<(i64, i64)>,
) -> Result<Json<VersionFiles>> {
    let (found, base, changes, files) = version_with_diff(&state, id, version).await?;
    Ok(Json(VersionFiles {
        version: library::version_view(&found),
        compared_with: base,
        files: files
            .into_iter()
            .map(|f| {
                let change = changes.iter().find(|c| c.path == f.path);
                VersionFile {
                    change: change.map_or("same", |c| c.change),
                    diff: change.map(|c| c.diff.clone()).unwrap_or_default(),
                    path: f.path,
                    sha256: f.sha256,
                    size_bytes: f.size_bytes,
                    executable: f.executable,
                    content: f.content,
                }
            })
            .collect(),
    }))
}

/// A version, the approved version it is compared with, the changes, and its files.
pub(crate) async fn version_with_diff(
    state: &AppState,
    id: i64,
    version: i64,
) -> Result<(
    store::VersionRecord,
    Option<i64>,
    Vec<diff::FileChange>,
    Vec<store::FileRecord>,
)> {
    let versions = store::versions(&state.db, id).await?;
    let found = versions
        .iter()
        .find(|v| v.version == version)
        .cloned()
        .ok_or_else(|| Error::NotFound(format!("version {version} of item {id}")))?;
    let base = versions
        .iter()
        .filter(|v| v.status == "approved" && v.version != version)
        .max_by_key(|v| v.version);
    let files = store::files(&state.db, found.id).await?;
    let base_files = match base {
        Some(b) => Some(store::files(&state.db, b.id).await?),
        None => None,
    };
    let changes = diff::diff_versions(base_files.as_deref(), &files);
    Ok((found, base.map(|b| b.version), changes, files))
}

async fn review_json(
    state: AppState,
    user: CurrentUser,
    (id, version): (i64, i64),
    body: Bytes,
    decision: Decision,
) -> Result<Json<LibraryVersion>> {
    let request: ReviewRequest = if body.is_empty() {
        ReviewRequest::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| Error::BadRequest(format!("body: {e}")))?
    };
    let reviewed = library::review(
        &state,
        &user,
        id,
        version,
        decision,
        request.note.as_deref(),
    )
    .await?;
    Ok(Json(reviewed))
}

/// `POST /api/v1/library/items/{id}/versions/{version}/approve` (optional `{"note": "..."}`)
#[utoipa::path(
    post,
    path = "/api/v1/library/items/{id}/versions/{version}/approve",
    tag = "library",
    params(("id" = i64, Path, description = "The item's id"), ("version" = i64, Path, description = "The version number")),
    request_body(content = Option<ReviewRequest>, description = "An optional note"),
    responses((status = 200, description = "OK", body = LibraryVersion)),
)]
pub(crate) async fn approve(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(path): Path<(i64, i64)>,
    body: Bytes,
) -> Result<Json<LibraryVersion>> {
    review_json(state, user, path, body, Decision::Approve).await
}

/// `POST /api/v1/library/items/{id}/versions/{version}/reject` (optional `{"note": "..."}`)
#[utoipa::path(
    post,
    path = "/api/v1/library/items/{id}/versions/{version}/reject",
    tag = "library",
    params(("id" = i64, Path, description = "The item's id"), ("version" = i64, Path, description = "The version number")),
    request_body(content = Option<ReviewRequest>, description = "An optional note"),
    responses((status = 200, description = "OK", body = LibraryVersion)),
)]
pub(crate) async fn reject(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(path): Path<(i64, i64)>,
    body: Bytes,
) -> Result<Json<LibraryVersion>> {
    review_json(state, user, path, body, Decision::Reject).await
}

/// `POST /api/v1/library/items/{id}/withdraw`
#[utoipa::path(
    post,
    path = "/api/v1/library/items/{id}/withdraw",
    tag = "library",
    params(("id" = i64, Path, description = "Its id")),
    responses((status = 204, description = "Withdrawn")),
)]
pub(crate) async fn withdraw(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<StatusCode> {
    library::withdraw(&state, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/library/pending`: what the caller may review.
#[utoipa::path(
    get,
    path = "/api/v1/library/pending",
    tag = "library",
    responses((status = 200, description = "OK", body = Vec<PendingVersion>)),
)]
pub(crate) async fn pending(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<PendingVersion>>> {
    Ok(Json(library::pending(&state, &user).await?))
}

/// `GET /api/v1/library/marketplace`: the approved library for the caller's machine.
#[utoipa::path(
    get,
    path = "/api/v1/library/marketplace",
    tag = "library",
    responses((status = 200, description = "OK", body = Marketplace)),
)]
pub(crate) async fn marketplace(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Marketplace>> {
    Ok(Json(library::marketplace_for(&state, &user).await?))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct InstallsRecorded {
    recorded: usize,
}

/// `POST /api/v1/library/installs`: the versions a sync installed.
#[utoipa::path(
    post,
    path = "/api/v1/library/installs",
    tag = "library",
    request_body = InstallReport,
    responses((status = 200, description = "OK", body = InstallsRecorded)),
)]
pub(crate) async fn installs(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(report): Json<InstallReport>,
) -> Result<Json<InstallsRecorded>> {
    let recorded = library::record_installs(&state, &user, &report).await?;
    Ok(Json(InstallsRecorded { recorded }))
}
