//! `CurrentUser`: the one extractor for the caller, from a bearer token or a session cookie.

use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum_extra::extract::CookieJar;

use crate::auth::login::SESSION_COOKIE;
use crate::auth::secret;
use crate::domain::Role;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store::accounts::{self, Membership};
use crate::store::{sessions, tokens};

/// Header a script must send with a cookie-authenticated write to the JSON API.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// How the caller proved who they are.
#[derive(Debug, Clone)]
pub enum Credential {
    ApiToken,
    /// A browser session, with the CSRF token its forms must echo.
    Session {
        csrf_token: String,
    },
}

/// The authenticated caller and the teams they belong to.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub memberships: Vec<Membership>,
    pub credential: Credential,
}

impl CurrentUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Teams whose data this user may see beyond their own: all for admins (None), managed ones for managers.
    pub fn managed_team_ids(&self) -> Vec<i64> {
        match self.role {
            Role::Manager => self
                .memberships
                .iter()
                .filter(|m| m.is_manager)
                .map(|m| m.team_id)
                .collect(),
            Role::Admin | Role::Developer => Vec::new(),
        }
    }

    pub fn team_names(&self) -> Vec<String> {
        self.memberships.iter().map(|m| m.team.clone()).collect()
    }

    /// The session's CSRF token, for forms rendered to this user.
    pub fn csrf_token(&self) -> &str {
        match &self.credential {
            Credential::Session { csrf_token } => csrf_token,
            Credential::ApiToken => "",
        }
    }

    /// Checks the CSRF token a form sent back. Token-authenticated calls carry no ambient
    /// credential, so they need none.
    pub fn check_csrf(&self, sent: &str) -> Result<()> {
        match &self.credential {
            Credential::ApiToken => Ok(()),
            Credential::Session { csrf_token } if secret::constant_time_eq(csrf_token, sent) => {
                Ok(())
            }
            Credential::Session { .. } => Err(Error::Csrf),
        }
    }

    pub fn require_admin(&self) -> Result<()> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(Error::Forbidden("only admins may do this".into()))
        }
    }
}

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
            let user_id = tokens::authenticate(&state.db, &secret::digest(token))
                .await?
                .ok_or(Error::Unauthorized)?;
            return load(state, user_id, Credential::ApiToken).await;
        }
        let jar = CookieJar::from_headers(&parts.headers);
        let cookie = jar.get(SESSION_COOKIE).ok_or(Error::Unauthorized)?;
        let session = sessions::find_live(&state.db, &secret::digest(cookie.value()))
            .await?
            .ok_or(Error::Unauthorized)?;
        let user = load(
            state,
            session.user_id,
            Credential::Session {
                csrf_token: session.csrf_token,
            },
        )
        .await?;
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

async fn load(state: &AppState, user_id: i64, credential: Credential) -> Result<CurrentUser> {
    let user = accounts::user_by_id(&state.db, user_id)
        .await?
        .ok_or(Error::Unauthorized)?;
    let memberships = accounts::memberships(&state.db, user_id).await?;
    Ok(CurrentUser {
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        memberships,
        credential,
    })
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
