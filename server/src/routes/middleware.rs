//! Middleware of the whole router: refusals made outside the handlers answered like the
//! handlers' own errors, errors of page routes shown as pages, every instance's report cache
//! told about every write that succeeded, and each request counted and timed by its route.

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Extension;

use agentmeter_web::pages::{ErrorPage, NavSection, PageChrome};
use axum_extra::extract::CookieJar;

use crate::auth::current_user::by_session_cookie;
use crate::auth::login::SESSION_COOKIE;
use crate::auth::CurrentUser;

use crate::error::{Error, ErrorForPage, Result};
use crate::routes::pages::render;
use crate::state::AppState;
use crate::views;

/// Longest reason read back from a refusal; axum's are one line.
const MAX_REASON_BYTES: usize = 4096;

/// Answers bare 4xx responses through [`Error`]: axum's extractors (a malformed JSON body, a bad
/// query string, a form of the wrong content type, a body over the limit), its router (no such
/// route, no such method) and the request timeout answer in plain text of their own. Every route
/// may meet them, so rather than every handler wrapping every extractor, their status and reason
/// go through [`Error`]: JSON `{"error": …}` under `/api/`, the error page elsewhere.
pub(crate) async fn refusals(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !is_bare_refusal(&response) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let error = Error::rejected(parts.status, reason(parts.status, body).await);
    let mut answer = if api {
        error.into_response()
    } else {
        let status = error.status();
        match error_page(status, error.public_message(), None) {
            Ok(html) => (status, html).into_response(),
            Err(e) => e.into_response(),
        }
    };
    // Keep what the refusal said besides its body (`Allow` on a 405, the security headers).
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            answer.headers_mut().entry(name).or_insert(value.clone());
        }
    }
    answer
}

/// A client error not made by [`Error`] (which marks its responses) and not a page of its own
/// (the sign-in form re-rendered with a 401 is HTML).
fn is_bare_refusal(response: &Response) -> bool {
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_none_or(|t| t.as_bytes().starts_with(b"text/plain"));
    response.status().is_client_error()
        && plain
        && response.extensions().get::<ErrorForPage>().is_none()
}

async fn reason(status: StatusCode, body: Body) -> String {
    let text = axum::body::to_bytes(body, MAX_REASON_BYTES)
        .await
        .map(|bytes| String::from_utf8_lossy(&bytes).trim().to_owned())
        .unwrap_or_default();
    if text.is_empty() {
        status
            .canonical_reason()
            .unwrap_or("request refused")
            .to_lowercase()
    } else {
        text
    }
}

/// The error page of a status: a title for it, and the message; with the navigation when the
/// reader is signed in (`signed_in`), so that a wrong link is not a dead end.
fn error_page(
    status: StatusCode,
    message: String,
    signed_in: Option<(&AppState, &CurrentUser)>,
) -> Result<Html<String>> {
    let title = match status {
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::FORBIDDEN => "Not allowed",
        StatusCode::UNAUTHORIZED => "Please sign in",
        StatusCode::TOO_MANY_REQUESTS => "Too many attempts",
        StatusCode::PAYLOAD_TOO_LARGE => "Too large",
        s if s.is_server_error() => "Something went wrong",
        _ => "That did not work",
    };
    let chrome = match signed_in {
        Some((state, user)) => views::chrome(state, user, NavSection::Elsewhere),
        None => PageChrome::signed_out(""),
    };
    render(ErrorPage {
        chrome,
        status: status.as_u16(),
        title: title.to_owned(),
        message,
    })
}

/// Turns error responses of page routes into pages: sign-in for 401, an error page otherwise.
/// The router's fallback (an unknown path) comes here too; under `/api/` it stays JSON. The
/// state comes as an extension (set once on the whole table) because several routers of their
/// own share this layer.
pub(crate) async fn page_errors(
    Extension(state): Extension<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path_and_query = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let is_get = request.method() == axum::http::Method::GET;
    let cookies = CookieJar::from_headers(request.headers());
    let response = next.run(request).await;
    let Some(error) = response.extensions().get::<ErrorForPage>().cloned() else {
        return response;
    };
    if path_and_query.starts_with("/api/") {
        return response;
    }
    if error.status == StatusCode::UNAUTHORIZED && is_get {
        let target = format!(
            "/login?next={}",
            agentmeter_web::url::path_in_query(&path_and_query)
        );
        return Redirect::to(&target).into_response();
    }
    let headers = response.headers().clone();
    // Only on an error, so that pages that work do not look their session up twice.
    let user = match cookies.get(SESSION_COOKIE) {
        Some(cookie) => by_session_cookie(&state.db, cookie.value()).await.ok(),
        None => None,
    };
    match error_page(
        error.status,
        error.message,
        user.as_ref().map(|u| (&state, u)),
    ) {
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

/// Middleware: after a write that succeeded (2xx or 3xx), the data version moves on.
///
/// Refusals (4xx) change nothing, and counting them let anyone, signed in or not, keep every
/// dashboard recomputing with failed logins or unsigned webhooks. Every write route
/// authenticates its caller (session, API token, password, webhook signature) before it can
/// answer 2xx or 3xx, so a success is an authenticated write. A write that failed on the
/// server's side (5xx) after storing part of its work is not counted either: the time-to-live
/// bounds how long that part goes unseen.
pub(crate) async fn note_writes(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let writes = !request.method().is_safe();
    let response = next.run(request).await;
    let status = response.status();
    let succeeded = status.is_success() || status.is_redirection();
    if writes && succeeded {
        // Awaited before the answer goes out: once the client has it, every instance's next read
        // computes afresh. A version that cannot be moved leaves reports stale for up to the
        // time-to-live, which is no reason to fail a write already stored.
        if let Err(e) = state.reports.data_changed().await {
            tracing::error!(error = %e, "the data version could not be moved on");
        }
    }
    response
}

/// The route template a request matched, filled in by [`matched_route`] once routing is done
/// and read by [`measure`] outside the router.
#[derive(Clone, Default)]
struct RouteSlot(Arc<OnceLock<String>>);

/// Route middleware: tells [`measure`] which route template the request matched.
pub(crate) async fn matched_route(request: Request, next: Next) -> Response {
    if let (Some(slot), Some(path)) = (
        request.extensions().get::<RouteSlot>(),
        request.extensions().get::<MatchedPath>(),
    ) {
        let _first = slot.0.set(path.as_str().to_owned());
    }
    next.run(request).await
}

/// Middleware: counts and times every request by method, route template and status. Outermost,
/// so that the time includes every layer and the status is the one the client gets (a timeout's
/// 408 included).
pub(crate) async fn measure(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let slot = RouteSlot::default();
    request.extensions_mut().insert(slot.clone());
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let route = slot.0.get().map_or("unmatched", String::as_str);
    state
        .observability
        .request(method, route, response.status().as_u16(), started.elapsed());
    response
}

/// The method as a label: any other than the standard ones is "other", so that made-up methods
/// cannot add series.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}
