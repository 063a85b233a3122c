//! HTML pages: sign-in, the admin area, static assets, and the plumbing every page uses
//! (rendering, the page frame, errors shown as pages).

use axum::extract::{Path, Request};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use agentmeter_web::pages::{
    AdminSection, ErrorPage, FlashKind, NavSection, PageChrome, Role as ViewRole, SignedInUser,
};
use agentmeter_web::Template;

use crate::auth::CurrentUser;
use crate::domain::Role;
use crate::error::{Error, ErrorForPage, Result};
use crate::state::AppState;

pub(crate) mod admin;
pub(crate) mod adoption;
mod csv;
pub(crate) mod developer;
mod filters;
pub(crate) mod login;
pub(crate) mod overview;
pub(crate) mod plans;
pub(crate) mod productivity;
pub(crate) mod reviews;
pub(crate) mod spend;

/// Renders a page template, or fails with an internal error.
pub fn render<T: Template>(page: T) -> Result<Html<String>> {
    page.render()
        .map(Html)
        .map_err(|e| Error::Internal(format!("template: {e}")))
}

/// The frame of a signed-in page.
pub fn chrome(state: &AppState, user: &CurrentUser, section: NavSection) -> PageChrome {
    let signed_in = SignedInUser {
        name: user.name.clone(),
        email: user.email.clone(),
        role: view_role(user.role),
    };
    PageChrome::new(signed_in, section, user.csrf_token()).in_time_zone(state.org_tz.name())
}

pub fn view_role(role: Role) -> ViewRole {
    match role {
        Role::Admin => ViewRole::Admin,
        Role::Manager => ViewRole::Manager,
        Role::Developer => ViewRole::Developer,
    }
}

/// `?done=…` after a successful admin POST.
#[derive(Debug, Default, Deserialize)]
pub struct Done {
    pub done: Option<String>,
}

/// The frame of an admin page, with the `?done=` message shown as a success flash.
pub fn admin_chrome(
    state: &AppState,
    user: &CurrentUser,
    tab: AdminSection,
    done: Option<&str>,
) -> PageChrome {
    let chrome = chrome(state, user, NavSection::Admin(tab));
    match done.filter(|m| !m.is_empty()) {
        Some(message) => chrome.with_flash(FlashKind::Success, message),
        None => chrome,
    }
}

/// Turns error responses of page routes into pages: sign-in for 401, an error page otherwise.
pub(crate) async fn render_errors(request: Request, next: Next) -> Response {
    let path_and_query = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let is_get = request.method() == axum::http::Method::GET;
    let response = next.run(request).await;
    let Some(error) = response.extensions().get::<ErrorForPage>().cloned() else {
        return response;
    };
    if error.status == StatusCode::UNAUTHORIZED && is_get {
        let target = format!(
            "/login?next={}",
            agentmeter_web::url::path_in_query(&path_and_query)
        );
        return Redirect::to(&target).into_response();
    }
    let title = match error.status {
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::FORBIDDEN => "Not allowed",
        StatusCode::UNAUTHORIZED => "Please sign in",
        StatusCode::TOO_MANY_REQUESTS => "Too many attempts",
        s if s.is_server_error() => "Something went wrong",
        _ => "That did not work",
    };
    let page = ErrorPage {
        chrome: PageChrome::signed_out(""),
        status: error.status.as_u16(),
        title: title.to_owned(),
        message: error.message,
    };
    let headers = response.headers().clone();
    match render(page) {
        Ok(html) => {
            let mut rendered = (error.status, html).into_response();
            if let Some(retry) = headers.get(header::RETRY_AFTER) {
                rendered
                    .headers_mut()
                    .insert(header::RETRY_AFTER, retry.clone());
            }
            rendered
        }
        Err(_) => response,
    }
}

/// Embedded CSS, JS and icons; versioned URLs, so they may be cached for a year.
pub(crate) async fn static_file(Path(path): Path<String>, headers: HeaderMap) -> Result<Response> {
    let asset = agentmeter_web::static_asset(&path)
        .ok_or_else(|| Error::NotFound(format!("/static/{path}")))?;
    let cache = "public, max-age=31536000, immutable";
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        == Some(asset.etag)
    {
        return Ok((
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, asset.etag), (header::CACHE_CONTROL, cache)],
        )
            .into_response());
    }
    Ok((
        [
            (header::CONTENT_TYPE, asset.content_type),
            (header::ETAG, asset.etag),
            (header::CACHE_CONTROL, cache),
        ],
        asset.bytes,
    )
        .into_response())
}
