//! `CurrentUser`: the caller, found from an API token or a session cookie's value (the
//! extractor reading them from a request is `routes::extract`).

use crate::auth::secret;
use crate::db::Db;
use crate::domain::Role;
use crate::error::{Error, Result};
use crate::store::accounts::{self, Membership};
use crate::store::{sessions, tokens};

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

/// The owner of an API token; 401 for a token that is unknown or revoked.
pub(crate) async fn by_api_token(db: &Db, token: &str) -> Result<CurrentUser> {
    let user_id = tokens::authenticate(db, &secret::digest(token))
        .await?
        .ok_or(Error::Unauthorized)?;
    load(db, user_id, Credential::ApiToken).await
}

/// The user of a live browser session, by its cookie's value; 401 for one unknown or expired.
pub(crate) async fn by_session_cookie(db: &Db, cookie_value: &str) -> Result<CurrentUser> {
    let session = sessions::find_live(db, &secret::digest(cookie_value))
        .await?
        .ok_or(Error::Unauthorized)?;
    let credential = Credential::Session {
        csrf_token: session.csrf_token,
    };
    load(db, session.user_id, credential).await
}

async fn load(db: &Db, user_id: i64, credential: Credential) -> Result<CurrentUser> {
    // A deactivated user's tokens and sessions are refused like unknown ones.
    let user = accounts::user_by_id(db, user_id)
        .await?
        .filter(|user| user.is_active())
        .ok_or(Error::Unauthorized)?;
    let memberships = accounts::memberships(db, user_id).await?;
    Ok(CurrentUser {
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        memberships,
        credential,
    })
}
