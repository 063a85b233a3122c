//! The library's pages: `/library` (catalogue, filters, upload), `/library/pending` (review
//! queue) and `/library/{id}` (versions, diff, usage), and their forms.

use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use agentmeter_web::pages::{
    LibraryItemPage, LibraryPage, LibraryPendingPage, NavSection, PendingRow,
};

use super::view;
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::library::usage::{self, ListFilter};
use crate::library::{self, Decision};
use crate::routes::pages::render;
use crate::state::AppState;
use crate::views::chrome;

/// `GET /library`
pub async fn index(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(filter): Query<ListFilter>,
) -> Result<Response> {
    Ok(render(catalogue(&state, &user, &filter, None).await?)?.into_response())
}

async fn catalogue(
    state: &AppState,
    user: &CurrentUser,
    filter: &ListFilter,
    error: Option<String>,
) -> Result<LibraryPage> {
    let items = usage::list(state, user, filter).await?;
    let everything = if filter_is_empty(filter) {
        items.clone()
    } else {
        usage::list(state, user, &ListFilter::default()).await?
    };
    let pending = library::pending(state, user)
        .await?
        .iter()
        .filter(|p| p.can_approve)
        .count();
    Ok(view::catalogue_page(
        chrome(state, user, NavSection::Library),
        &items,
        &everything,
        filter,
        pending,
        state.settings.library_unused_weeks,
        user,
        error,
    ))
}

fn filter_is_empty(filter: &ListFilter) -> bool {
    [
        &filter.q,
        &filter.team,
        &filter.tag,
        &filter.kind,
        &filter.status,
    ]
    .iter()
    .all(|v| v.as_deref().is_none_or(|s| s.trim().is_empty()))
}

/// `POST /library/upload` (multipart: `archive`, `team`, `csrf_token`).
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    mut form: Multipart,
) -> Result<Response> {
    let (mut archive, mut team, mut csrf) = (Vec::new(), None, String::new());
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| Error::BadRequest(format!("form: {e}")))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        let bytes = field
            .bytes()
            .await
            .map_err(|e| Error::BadRequest(format!("form: {e}")))?;
        match name.as_str() {
            "archive" => archive = bytes.to_vec(),
            "team" => team = Some(String::from_utf8_lossy(&bytes).into_owned()),
            "csrf_token" => csrf = String::from_utf8_lossy(&bytes).into_owned(),
            _ => {}
        }
    }
    user.check_csrf(&csrf)?;
    match library::publish(&state, &user, team.as_deref(), archive).await {
        Ok(receipt) => Ok(Redirect::to(&format!("/library/{}", receipt.item_id)).into_response()),
        Err(e @ (Error::Unprocessable { .. } | Error::BadRequest(_) | Error::Conflict(_))) => {
            let status = e.status();
            let page = catalogue(
                &state,
                &user,
                &ListFilter::default(),
                Some(e.public_message()),
            )
            .await?;
            Ok((status, render(page)?).into_response())
        }
        Err(other) => Err(other),
    }
}

/// `?version=N` on an item page.
#[derive(Debug, Default, Deserialize)]
pub struct ItemQuery {
    version: Option<i64>,
}

/// `GET /library/{id}`: shows the version asked for, else the oldest pending one, else the
/// approved one.
pub async fn item(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(query): Query<ItemQuery>,
) -> Result<Response> {
    let record = library::item(&state, id).await?;
    let detail = usage::detail(&state, &user, id, &ListFilter::default()).await?;
    let shown_version = query.version.or_else(|| {
        let pending = detail
            .versions
            .iter()
            .filter(|v| v.status == "pending")
            .map(|v| v.version)
            .min();
        pending
            .or(record.approved_version)
            .or(Some(record.latest_version))
    });
    let shown = match shown_version {
        Some(version) => {
            let (found, base, changes, _) = super::version_with_diff(&state, id, version).await?;
            let can_review = found.status == "pending" && library::is_reviewer(&user, &record);
            let can_approve = can_review && library::may_approve(&user, &record, &found);
            Some(view::shown_version(
                id,
                &found,
                base,
                &changes,
                can_review,
                can_approve,
            ))
        }
        None => None,
    };
    let may_withdraw = record.withdrawn_at.is_none()
        && (library::is_reviewer(&user, &record) || record.owner_email == user.email);
    let page: LibraryItemPage = view::item_page(
        chrome(&state, &user, NavSection::Library),
        &detail,
        shown,
        may_withdraw,
    );
    Ok(render(page)?.into_response())
}

/// `GET /library/pending`
pub async fn pending(State(state): State<AppState>, user: CurrentUser) -> Result<Response> {
    let rows: Vec<PendingRow> = library::pending(&state, &user)
        .await?
        .iter()
        .map(view::pending_row)
        .collect();
    let page = LibraryPendingPage {
        chrome: chrome(&state, &user, NavSection::Library),
        rows,
    };
    Ok(render(page)?.into_response())
}

/// A review or withdrawal form.
#[derive(Debug, Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    note: Option<String>,
}

/// `POST /library/{id}/versions/{version}/{approve|reject}`
pub async fn review(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, version, decision)): Path<(i64, i64, String)>,
    Form(form): Form<ActionForm>,
) -> Result<Redirect> {
    user.check_csrf(&form.csrf_token)?;
    let decision = match decision.as_str() {
        "approve" => Decision::Approve,
        "reject" => Decision::Reject,
        other => return Err(Error::NotFound(format!("action {other}"))),
    };
    library::review(&state, &user, id, version, decision, form.note.as_deref()).await?;
    Ok(Redirect::to(&format!("/library/{id}?version={version}")))
}

/// `POST /library/{id}/withdraw`
pub async fn withdraw(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<ActionForm>,
) -> Result<Redirect> {
    user.check_csrf(&form.csrf_token)?;
    library::withdraw(&state, &user, id).await?;
    Ok(Redirect::to(&format!("/library/{id}")))
}
