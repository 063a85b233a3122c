//! Refusals made outside the handlers, answered like the handlers' own errors.
//!
//! axum's extractors (a malformed JSON body, a bad query string, a form of the wrong content
//! type, a body over the limit), its router (no such route, no such method) and the request
//! timeout answer a 4xx in plain text of their own. Every route may meet them, so rather than
//! every handler wrapping every extractor, this middleware sends their status and reason
//! through [`Error`]: JSON `{"error": …}` under `/api/`, the error page elsewhere.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use agentmeter_web::pages::{ErrorPage, PageChrome};
use agentmeter_web::Template;

use crate::error::{Error, ErrorForPage};

/// Longest reason read back from a refusal; axum's are one line.
const MAX_REASON_BYTES: usize = 4096;

/// Middleware: answers bare 4xx responses through [`Error`].
pub async fn through_error_type(request: Request, next: Next) -> Response {
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
        error_page(&error)
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

fn error_page(error: &Error) -> Response {
    let status = error.status();
    let title = match status {
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::PAYLOAD_TOO_LARGE => "Too large",
        _ => "That did not work",
    };
    let page = ErrorPage {
        chrome: PageChrome::signed_out(""),
        status: status.as_u16(),
        title: title.to_owned(),
        message: error.public_message(),
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => Error::Internal(format!("template: {e}")).into_response(),
    }
}
