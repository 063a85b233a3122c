//! The [`CurrentUser`] of a request: from `Authorization: Bearer <token>` if present, else from
//! the session cookie. A cookie-authenticated write to the JSON API must also echo the session's
//! CSRF token in [`CSRF_HEADER`]; page forms check their hidden field in their handler.

use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum_extra::extract::CookieJar;

use crate::auth::current_user::{by_api_token, by_session_cookie};
use crate::auth::login::SESSION_COOKIE;
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::state::AppState;

/// Header a script must send with a cookie-authenticated write to the JSON API.
const CSRF_HEADER: &str = "x-csrf-token";

/// The token of an `Authorization: Bearer …` header; the scheme is case-insensitive (RFC 9110).
fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<CurrentUser> {
        if let Some(header) = parts.headers.get(AUTHORIZATION) {
            let token = header
                .to_str()
                .ok()
                .and_then(bearer_token)
                .ok_or(Error::Unauthorized)?;
            return by_api_token(&state.db, token).await;
        }
        let jar = CookieJar::from_headers(&parts.headers);
        let cookie = jar.get(SESSION_COOKIE).ok_or(Error::Unauthorized)?;
        let user = by_session_cookie(&state.db, cookie.value()).await?;
        // Cookie-authenticated writes to the JSON API must prove they come from our pages;
        // page forms check their hidden field in the handler.
        let is_write = !parts.method.is_safe();
        // Nested routers see a stripped path; the original URI tells whether this is the API.
        let path = parts
            .extensions
            .get::<OriginalUri>()
            .map_or_else(|| parts.uri.path().to_owned(), |u| u.path().to_owned());
        if is_write && path.starts_with("/api/") {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            user.check_csrf(sent)?;
        }
        Ok(user)
    }
}

#[cfg(test)]
mod tests {
    use super::bearer_token;

    #[test]
    fn the_bearer_scheme_is_read_in_any_case() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer abc"), Some("abc"));
        assert_eq!(bearer_token("BEARER  abc "), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer "), None);
        assert_eq!(bearer_token("Bearerabc"), None);
    }
}
