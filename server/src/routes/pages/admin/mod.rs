//! The admin area (`/admin/*`, admins only): people (users, teams, tokens), the plan catalog,
//! and the review data sources (repositories, webhook secrets, unmatched identities). Reads take
//! the [`Admin`](crate::routes::extract::Admin) extractor, writes an
//! [`AdminForm`](crate::routes::extract::AdminForm); a refused form shows the page again with
//! what went wrong.

use axum::http::header::HOST;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};

use crate::error::{Error, Result};
use crate::state::AppState;

pub(crate) mod audit;
pub(crate) mod identities;
pub(crate) mod plans;
pub(crate) mod repositories;
pub(crate) mod teams;
pub(crate) mod tokens;
pub(crate) mod user;
pub(crate) mod users;
pub(crate) mod webhooks;

/// Runs a form action: on success, back to `page` with `ok` as the flash message; a refusal the
/// admin can fix (4xx) comes back as its message, to show on the page; anything else fails.
async fn saved<F: std::future::Future<Output = Result<()>>>(
    action: F,
    ok: &str,
    page: &str,
) -> Result<std::result::Result<Response, String>> {
    match action.await {
        Ok(()) => Ok(Ok(Redirect::to(&format!(
            "{page}?done={}",
            agentmeter_web::url::component(ok)
        ))
        .into_response())),
        Err(Error::Unprocessable { message, records }) => {
            let detail: Vec<String> = records.into_iter().map(|r| r.reason).collect();
            Ok(Err(format!("{message}: {}", detail.join("; "))))
        }
        Err(e @ (Error::BadRequest(_) | Error::NotFound(_))) => Ok(Err(e.to_string())),
        Err(e) => Err(e),
    }
}

/// The dashboard's address for links shown to the admin: `public_url`, else the host this
/// request came to (behind a proxy, set `public_url`).
fn dashboard_base(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.settings.public_url {
        return url.trim_end_matches('/').to_owned();
    }
    match headers.get(HOST).and_then(|h| h.to_str().ok()) {
        Some(host) => format!("http://{host}"),
        None => format!("http://{}", state.settings.bind),
    }
}
