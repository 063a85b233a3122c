//! The HTML pages: each handler reads the filters, loads through the services, maps with a view
//! (`crate::views`) and renders the template, or one of the page's tables as CSV.

use anyhow::Context;
use axum::extract::Path;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use agentmeter_web::Template;

use crate::error::{Error, Result};
use crate::views::csv::CsvTable;

pub(crate) mod admin;
pub(crate) mod adoption;
mod csv;
pub(crate) mod developer;
pub(crate) mod filters;
pub(crate) mod login;
pub(crate) mod overview;
pub(crate) mod plans;
pub(crate) mod productivity;
pub(crate) mod reset_password;
pub(crate) mod reviews;
pub(crate) mod spend;

/// Renders a page template, or fails with an internal error.
pub(crate) fn render<T: Template>(page: T) -> Result<Html<String>> {
    Ok(Html(page.render().context("template")?))
}

/// The page, or the table `csv_table` of it as a CSV download (`?format=csv&table=NAME`).
fn page_or_csv<T: Template>(
    page: T,
    csv_table: Option<&str>,
    path: &str,
    tables: fn(&T) -> Vec<CsvTable>,
) -> Result<Response> {
    match csv_table {
        Some(table) => csv::respond(tables(&page), table, path),
        None => Ok(render(page)?.into_response()),
    }
}

/// `?done=…` after a successful admin POST.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Done {
    pub done: Option<String>,
}

/// The router's fallback: any path no route knows is a 404, a page (with the navigation for a
/// signed-in reader) or JSON `{"error": …}` under `/api/` (see `middleware::page_errors`).
pub(crate) async fn not_found(uri: axum::extract::OriginalUri) -> Error {
    Error::NotFound(uri.path().to_owned())
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
