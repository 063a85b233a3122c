//! Access: API tokens and one-time password-reset links.

use secrecy::SecretString;
use serde_json::json;

use super::audit::{record, Actor};
use super::users::existing_user;
use crate::auth::{password, secret};
use crate::db::{now_ms, Db};
use crate::error::{Error, Result};
use crate::store::{accounts, password_resets, tokens};

/// How long a password-reset link works.
pub const RESET_LINK_HOURS: i64 = 24;

/// [`create_token_as`] by set-up code (demo, fixtures).
pub async fn create_token(db: &Db, email: &str, label: Option<&str>) -> Result<String> {
    create_token_as(db, &Actor::System, email, label).await
}

/// Creates an API token for the user with this email; the token is returned once and never stored.
pub async fn create_token_as(
    db: &Db,
    actor: &Actor,
    email: &str,
    label: Option<&str>,
) -> Result<String> {
    let user = existing_user(db, email).await?;
    let label = label
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .unwrap_or("cli");
    if label.chars().count() > 80 {
        return Err(Error::BadRequest(
            "token name must be at most 80 characters".into(),
        ));
    }
    let token = secret::new_api_token();
    let prefix: String = token
        .chars()
        .take(secret::API_TOKEN_PREFIX.len() + 6)
        .collect();
    tokens::insert(db, user.id, label, &secret::digest(&token), &prefix).await?;
    record(
        db,
        actor,
        "token.create",
        &user.email,
        None,
        Some(json!({"name": label, "prefix": prefix})),
    )
    .await?;
    Ok(token)
}

pub async fn revoke_token(db: &Db, actor: &Actor, token_id: i64) -> Result<()> {
    tokens::revoke(db, token_id).await?;
    record(
        db,
        actor,
        "token.revoke",
        &format!("token #{token_id}"),
        Some(json!({"revoked": false})),
        Some(json!({"revoked": true})),
    )
    .await
}

/// A password-reset link just issued: its token is shown once and stored only as a hash.
#[derive(Debug, Clone)]
pub struct PasswordReset {
    pub email: String,
    pub name: String,
    pub token: String,
}

impl PasswordReset {
    /// The page that sets the new password, under `base` (the dashboard's address).
    pub fn link(&self, base: &str) -> String {
        format!(
            "{}/reset-password/{}",
            base.trim_end_matches('/'),
            self.token
        )
    }
}

/// Issues a one-time link (good for [`RESET_LINK_HOURS`]) for the user to choose a new
/// password; their earlier unused links stop working.
pub async fn issue_password_reset(db: &Db, actor: &Actor, email: &str) -> Result<PasswordReset> {
    let user = existing_user(db, email).await?;
    let token = secret::random_secret();
    let expires_at = now_ms() + RESET_LINK_HOURS * 3_600_000;
    password_resets::insert(db, user.id, &secret::digest(&token), expires_at).await?;
    record(
        db,
        actor,
        "user.password_reset",
        &user.email,
        None,
        Some(json!({"link_expires_in_hours": RESET_LINK_HOURS})),
    )
    .await?;
    Ok(PasswordReset {
        email: user.email,
        name: user.name,
        token,
    })
}

fn dead_link() -> Error {
    Error::NotFound("this password-reset link (it may have been used or have expired)".into())
}

/// The e-mail of the user a live link is for.
pub async fn password_reset_email(db: &Db, token: &str) -> Result<String> {
    let user_id = password_resets::live_user(db, &secret::digest(token))
        .await?
        .ok_or_else(dead_link)?;
    let user = accounts::user_by_id(db, user_id)
        .await?
        .ok_or_else(dead_link)?;
    Ok(user.email)
}

/// Sets the new password through a live link, which then stops working.
pub async fn redeem_password_reset(db: &Db, token: &str, new_password: SecretString) -> Result<()> {
    password::validate_new_password(&new_password)?;
    let hash = password::hash(new_password).await?;
    password_resets::redeem(db, &secret::digest(token), &hash)
        .await?
        .ok_or_else(dead_link)?;
    Ok(())
}
