//! Password login and browser sessions.

use std::net::IpAddr;

use secrecy::SecretString;

use crate::auth::{password, secret};
use crate::db::now_ms;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store::accounts::{self, User};
use crate::store::sessions;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "am_session";
/// Name of the cookie holding the login form's CSRF token (double-submit, before a session exists).
pub const LOGIN_CSRF_COOKIE: &str = "am_login_csrf";

/// Checks email and password. Every failure, unknown email or wrong password, gives the same error
/// after the same work (one argon2 verification), and counts against the throttle. The attempt is
/// counted before the check, so parallel guesses cannot outrun the throttle; at most a few checks
/// run at once, and a login that finds none free within a moment is told to retry (503).
pub async fn check_password(
    state: &AppState,
    email: &str,
    password: SecretString,
    ip: IpAddr,
) -> Result<User> {
    let account = email.trim().to_lowercase();
    let attempt = state.throttle.begin_attempt(&account, ip).await?;
    let Some(_slot) = state.throttle.verification_slot().await else {
        state.throttle.abandoned(attempt).await?;
        return Err(Error::Busy {
            retry_after_secs: 1,
        });
    };
    let user = accounts::user_by_email(&state.db, &account).await?;
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let matches = password::verify(stored, password).await?;
    match user {
        // A deactivated user gets the same answer as a wrong password.
        Some(user) if matches && user.is_active() => {
            state.throttle.succeeded(attempt).await?;
            Ok(user)
        }
        // The attempt stays counted as a failure.
        _ => Err(Error::InvalidCredentials),
    }
}

/// A new browser session: the cookie value to set (only its hash is stored).
pub struct NewSession {
    pub cookie_value: String,
    pub max_age_secs: i64,
}

pub async fn start_session(state: &AppState, user_id: i64) -> Result<NewSession> {
    sessions::purge_expired(&state.db).await?;
    let cookie_value = secret::random_secret();
    let max_age_secs =
        i64::try_from(state.settings.session_ttl_hours).unwrap_or(i64::MAX / 3_600_000) * 3600;
    let expires_at = now_ms() + max_age_secs * 1000;
    sessions::insert(
        &state.db,
        &secret::digest(&cookie_value),
        user_id,
        &secret::random_secret(),
        expires_at,
    )
    .await?;
    Ok(NewSession {
        cookie_value,
        max_age_secs,
    })
}

pub async fn end_session(state: &AppState, cookie_value: &str) -> Result<()> {
    sessions::delete(&state.db, &secret::digest(cookie_value)).await
}
