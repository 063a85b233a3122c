//! Edits to people and teams: a user's profile, role and teams at once; renaming and deleting
//! teams.

use crate::domain::{Email, Role, TeamName};
use crate::error::{Error, Result};
use crate::store::pool::{with_pool, with_tx};

/// A user's editable fields, as they should stand after the edit.
#[derive(Debug, Clone)]
pub struct UserUpdate {
    pub email: Email,
    pub name: String,
    pub role: Role,
    /// Team ids; a manager manages each.
    pub team_ids: Vec<i64>,
}

/// Applies the edit in one transaction: a taken e-mail changes nothing.
pub async fn update_user(db: &crate::db::Db, user_id: i64, update: &UserUpdate) -> Result<()> {
    let mut tx = db.begin().await?;
    with_tx!(&mut tx, |conn| {
        sqlx::query("UPDATE users SET email = $1, name = $2, role = $3 WHERE id = $4")
            .bind(update.email.as_str())
            .bind(&update.name)
            .bind(update.role.as_str())
            .bind(user_id)
            .execute(&mut *conn)
            .await
            .map_err(|e| {
                Error::conflict_if_unique(e, &format!("a user with email {}", update.email))
            })?;
        sqlx::query("DELETE FROM team_members WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *conn)
            .await?;
        for team_id in &update.team_ids {
            sqlx::query(
                "INSERT INTO team_members (team_id, user_id, is_manager) VALUES ($1, $2, $3)",
            )
            .bind(team_id)
            .bind(user_id)
            .bind(update.role == Role::Manager)
            .execute(&mut *conn)
            .await?;
        }
    });
    tx.commit().await?;
    Ok(())
}

/// A team's name by id.
pub async fn team_name(db: &crate::db::Db, team_id: i64) -> Result<Option<String>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_scalar("SELECT name FROM teams WHERE id = $1")
            .bind(team_id)
            .fetch_optional(pool)
            .await?
    }))
}

pub async fn rename_team(db: &crate::db::Db, team_id: i64, name: &TeamName) -> Result<()> {
    let renamed = with_pool!(db, |pool| {
        sqlx::query("UPDATE teams SET name = $1 WHERE id = $2")
            .bind(name.as_str())
            .bind(team_id)
            .execute(pool)
            .await
            .map_err(|e| Error::conflict_if_unique(e, &format!("team {:?}", name.as_str())))?
            .rows_affected()
    });
    if renamed == 0 {
        return Err(Error::NotFound(format!("team #{team_id}")));
    }
    Ok(())
}

/// Deletes a team with no members; refused (and nothing deleted) while it has any, checked in
/// the statement itself so a member added meanwhile still blocks it.
pub async fn delete_empty_team(db: &crate::db::Db, team_id: i64) -> Result<bool> {
    let deleted = with_pool!(db, |pool| {
        sqlx::query(
            "DELETE FROM teams WHERE id = $1 \
             AND NOT EXISTS (SELECT 1 FROM team_members WHERE team_id = $1)",
        )
        .bind(team_id)
        .execute(pool)
        .await?
        .rows_affected()
    });
    Ok(deleted > 0)
}
