//! Administrative actions shared by the command line and the admin pages.

use secrecy::SecretString;

use crate::auth::{password, secret};
use crate::db::{now_ms, Db};
use crate::domain::{forge_login, person_name, Email, Role, TeamName};
use crate::error::{Error, Result};
use crate::store::accounts::{self, NewUser, User};
use crate::store::tokens;

/// A request to add a user, as typed by an admin.
#[derive(Debug, Default)]
pub struct AddUser {
    pub email: String,
    pub name: String,
    pub role: String,
    pub teams: Vec<String>,
    pub github: Option<String>,
    pub gitlab: Option<String>,
    pub password: Option<SecretString>,
}

pub async fn add_team(db: &Db, name: &str) -> Result<i64> {
    accounts::create_team(db, &TeamName::try_from(name)?).await
}

/// Validates every field, hashes the password, then stores user and memberships together.
pub async fn add_user(db: &Db, request: AddUser) -> Result<i64> {
    let blank_to_none = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    let role = Role::try_from(request.role.as_str())?;
    let teams = request
        .teams
        .iter()
        .filter(|t| !t.trim().is_empty())
        .map(|t| TeamName::try_from(t.as_str()))
        .collect::<Result<Vec<_>>>()?;
    if role == Role::Manager && teams.is_empty() {
        return Err(Error::BadRequest(
            "a manager needs at least one --team to manage".into(),
        ));
    }
    let password_hash = match request.password {
        Some(pw) => {
            password::validate_new_password(&pw)?;
            Some(password::hash(pw).await?)
        }
        None => None,
    };
    let user = NewUser {
        email: Email::try_from(request.email.as_str())?,
        name: person_name(&request.name)?,
        role,
        teams,
        github_login: blank_to_none(request.github)
            .map(|l| forge_login(&l))
            .transpose()?,
        gitlab_login: blank_to_none(request.gitlab)
            .map(|l| forge_login(&l))
            .transpose()?,
        password_hash,
    };
    accounts::create_user(db, &user).await
}

/// Creates an API token for the user with this email; the token is returned once and never stored.
pub async fn create_token(db: &Db, email: &str, label: Option<&str>) -> Result<String> {
    let user = accounts::user_by_email(db, email)
        .await?
        .ok_or_else(|| Error::NotFound(format!("user {email:?}")))?;
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
    Ok(token)
}

/// Deactivates a user: they can no longer sign in, their sessions end and their tokens are
/// refused; their history stays. The last active admin stays, so someone can still administer.
pub async fn deactivate_user(db: &Db, email: &str) -> Result<User> {
    let user = existing_user(db, email).await?;
    if user.role == Role::Admin && user.is_active() && accounts::active_admin_count(db).await? <= 1
    {
        return Err(Error::Conflict(
            "the last active admin cannot be deactivated".into(),
        ));
    }
    if user.is_active() {
        accounts::set_deactivated_at(db, user.id, Some(now_ms())).await?;
    }
    existing_user(db, email).await
}

/// Lets a deactivated user sign in again; their unrevoked tokens work again too.
pub async fn reactivate_user(db: &Db, email: &str) -> Result<User> {
    let user = existing_user(db, email).await?;
    accounts::set_deactivated_at(db, user.id, None).await?;
    existing_user(db, email).await
}

/// Changes a user's role. A manager manages the teams they belong to, so needs at least one;
/// the last active admin keeps their role.
pub async fn set_role(db: &Db, email: &str, role: &str) -> Result<User> {
    let role = Role::try_from(role)?;
    let user = existing_user(db, email).await?;
    if role == Role::Manager && accounts::memberships(db, user.id).await?.is_empty() {
        return Err(Error::BadRequest(
            "a manager needs at least one team to manage".into(),
        ));
    }
    if user.role == Role::Admin
        && role != Role::Admin
        && user.is_active()
        && accounts::active_admin_count(db).await? <= 1
    {
        return Err(Error::Conflict(
            "the last active admin cannot lose the admin role".into(),
        ));
    }
    accounts::set_role(db, user.id, role).await?;
    existing_user(db, email).await
}

async fn existing_user(db: &Db, email: &str) -> Result<User> {
    accounts::user_by_email(db, email)
        .await?
        .ok_or_else(|| Error::NotFound(format!("user {email:?}")))
}
