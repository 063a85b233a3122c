//! Teams: adding, renaming, and deleting an empty one.

use serde_json::json;

use super::audit::{record, Actor};
use crate::db::Db;
use crate::domain::TeamName;
use crate::error::{Error, Result};
use crate::store::{accounts, people};

/// [`add_team_as`] by set-up code (demo, fixtures).
pub async fn add_team(db: &Db, name: &str) -> Result<i64> {
    add_team_as(db, &Actor::System, name).await
}

pub async fn add_team_as(db: &Db, actor: &Actor, name: &str) -> Result<i64> {
    let name = TeamName::try_from(name)?;
    let id = accounts::create_team(db, &name).await?;
    record(
        db,
        actor,
        "team.add",
        name.as_str(),
        None,
        Some(json!({"name": name.as_str()})),
    )
    .await?;
    Ok(id)
}

async fn existing_name(db: &Db, team_id: i64) -> Result<String> {
    people::team_name(db, team_id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("team #{team_id}")))
}

pub async fn rename_team(db: &Db, actor: &Actor, team_id: i64, name: &str) -> Result<()> {
    let old = existing_name(db, team_id).await?;
    let name = TeamName::try_from(name)?;
    if old == name.as_str() {
        return Ok(());
    }
    people::rename_team(db, team_id, &name).await?;
    record(
        db,
        actor,
        "team.rename",
        name.as_str(),
        Some(json!({"name": old})),
        Some(json!({"name": name.as_str()})),
    )
    .await
}

/// Deletes a team that has no members; refused while it has any, so nobody loses the team
/// their data is reported under without an admin moving them first.
pub async fn delete_team(db: &Db, actor: &Actor, team_id: i64) -> Result<String> {
    let name = existing_name(db, team_id).await?;
    if !people::delete_empty_team(db, team_id).await? {
        let members = accounts::team_member_ids(db, team_id).await?.len();
        return Err(Error::Conflict(format!(
            "team {name:?} still has {members} member(s): move them to another team first"
        )));
    }
    record(
        db,
        actor,
        "team.delete",
        &name,
        Some(json!({"name": name})),
        None,
    )
    .await?;
    Ok(name)
}
