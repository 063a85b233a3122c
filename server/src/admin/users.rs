//! Users: adding, editing (name, e-mail, role, teams), deactivating and reactivating.

use secrecy::SecretString;
use serde_json::{json, Value};

use super::audit::{record, Actor};
use crate::auth::password;
use crate::db::{now_ms, Db};
use crate::domain::{forge_login, person_name, Email, Role, TeamName};
use crate::error::{Error, Result};
use crate::store::accounts::{self, NewUser, User};
use crate::store::people::{self, UserUpdate};

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

/// A user's fields as an admin wants them after an edit.
#[derive(Debug, Default, Clone)]
pub struct UserEdit {
    pub email: String,
    pub name: String,
    pub role: String,
    pub teams: Vec<String>,
}

/// A user as the audit log keeps them before and after a change.
pub(super) async fn snapshot(db: &Db, user: &User) -> Result<Value> {
    let teams: Vec<String> = accounts::memberships(db, user.id)
        .await?
        .into_iter()
        .map(|m| m.team)
        .collect();
    Ok(json!({
        "email": user.email,
        "name": user.name,
        "role": user.role.as_str(),
        "teams": teams,
        "active": user.is_active(),
    }))
}

fn team_names(teams: &[String]) -> Result<Vec<TeamName>> {
    teams
        .iter()
        .filter(|t| !t.trim().is_empty())
        .map(|t| TeamName::try_from(t.as_str()))
        .collect()
}

/// [`add_user_as`] by set-up code (demo, fixtures).
pub async fn add_user(db: &Db, request: AddUser) -> Result<i64> {
    add_user_as(db, &Actor::System, request).await
}

/// Validates every field, hashes the password, then stores user and memberships together.
pub async fn add_user_as(db: &Db, actor: &Actor, request: AddUser) -> Result<i64> {
    let blank_to_none = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    let role = Role::try_from(request.role.as_str())?;
    let teams = team_names(&request.teams)?;
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
    let id = accounts::create_user(db, &user).await?;
    let added = existing_user(db, user.email.as_str()).await?;
    let after = snapshot(db, &added).await?;
    record(db, actor, "user.add", &added.email, None, Some(after)).await?;
    Ok(id)
}

/// Changes a user's name, e-mail, role and teams; each kind of change is its own audit entry
/// (`user.edit` for name and e-mail, `user.role`, `user.teams`).
pub async fn edit_user(db: &Db, actor: &Actor, email: &str, edit: UserEdit) -> Result<User> {
    let user = existing_user(db, email).await?;
    let role = Role::try_from(edit.role.as_str())?;
    let new_email = Email::try_from(edit.email.as_str())?;
    let name = person_name(&edit.name)?;
    let mut team_ids = Vec::new();
    for team in team_names(&edit.teams)? {
        team_ids.push(
            accounts::team_id(db, team.as_str())
                .await?
                .ok_or_else(|| Error::NotFound(format!("team {:?}", team.as_str())))?,
        );
    }
    if role == Role::Manager && team_ids.is_empty() {
        return Err(Error::BadRequest(
            "a manager needs at least one team to manage".into(),
        ));
    }
    refuse_last_admin_demotion(db, &user, role).await?;
    let before = snapshot(db, &user).await?;
    let update = UserUpdate {
        email: new_email,
        name,
        role,
        team_ids,
    };
    people::update_user(db, user.id, &update).await?;
    let edited = existing_user(db, update.email.as_str()).await?;
    let after = snapshot(db, &edited).await?;
    let changed = |keys: &[&str]| keys.iter().any(|k| before[*k] != after[*k]);
    for (action, keys) in [
        ("user.edit", &["email", "name"][..]),
        ("user.role", &["role"][..]),
        ("user.teams", &["teams"][..]),
    ] {
        if changed(keys) {
            let pick = |v: &Value| -> Value {
                keys.iter()
                    .map(|k| ((*k).to_owned(), v[*k].clone()))
                    .collect::<serde_json::Map<_, _>>()
                    .into()
            };
            record(
                db,
                actor,
                action,
                &edited.email,
                Some(pick(&before)),
                Some(pick(&after)),
            )
            .await?;
        }
    }
    Ok(edited)
}

/// Deactivates a user: they can no longer sign in, their sessions end and their tokens are
/// refused; their history stays. The last active admin stays, so someone can still administer.
pub async fn deactivate_user(db: &Db, actor: &Actor, email: &str) -> Result<User> {
    let user = existing_user(db, email).await?;
    if user.role == Role::Admin && user.is_active() && accounts::active_admin_count(db).await? <= 1
    {
        return Err(Error::Conflict(
            "the last active admin cannot be deactivated".into(),
        ));
    }
    if !user.is_active() {
        return Ok(user);
    }
    let before = snapshot(db, &user).await?;
    accounts::set_deactivated_at(db, user.id, Some(now_ms())).await?;
    let after_user = existing_user(db, email).await?;
    let after = snapshot(db, &after_user).await?;
    record(
        db,
        actor,
        "user.deactivate",
        &user.email,
        Some(before),
        Some(after),
    )
    .await?;
    Ok(after_user)
}

/// Lets a deactivated user sign in again; their unrevoked tokens work again too.
pub async fn reactivate_user(db: &Db, actor: &Actor, email: &str) -> Result<User> {
    let user = existing_user(db, email).await?;
    if user.is_active() {
        return Ok(user);
    }
    let before = snapshot(db, &user).await?;
    accounts::set_deactivated_at(db, user.id, None).await?;
    let after_user = existing_user(db, email).await?;
    let after = snapshot(db, &after_user).await?;
    record(
        db,
        actor,
        "user.reactivate",
        &user.email,
        Some(before),
        Some(after),
    )
    .await?;
    Ok(after_user)
}

/// Changes a user's role. A manager manages the teams they belong to, so needs at least one;
/// the last active admin keeps their role.
pub async fn set_role(db: &Db, actor: &Actor, email: &str, role: &str) -> Result<User> {
    let role = Role::try_from(role)?;
    let user = existing_user(db, email).await?;
    if role == Role::Manager && accounts::memberships(db, user.id).await?.is_empty() {
        return Err(Error::BadRequest(
            "a manager needs at least one team to manage".into(),
        ));
    }
    refuse_last_admin_demotion(db, &user, role).await?;
    if user.role == role {
        return Ok(user);
    }
    accounts::set_role(db, user.id, role).await?;
    let after_user = existing_user(db, email).await?;
    record(
        db,
        actor,
        "user.role",
        &user.email,
        Some(json!({"role": user.role.as_str()})),
        Some(json!({"role": role.as_str()})),
    )
    .await?;
    Ok(after_user)
}

async fn refuse_last_admin_demotion(db: &Db, user: &User, role: Role) -> Result<()> {
    if user.role == Role::Admin
        && role != Role::Admin
        && user.is_active()
        && accounts::active_admin_count(db).await? <= 1
    {
        return Err(Error::Conflict(
            "the last active admin cannot lose the admin role".into(),
        ));
    }
    Ok(())
}

pub(super) async fn existing_user(db: &Db, email: &str) -> Result<User> {
    accounts::user_by_email(db, email)
        .await?
        .ok_or_else(|| Error::NotFound(format!("user {email:?}")))
}
