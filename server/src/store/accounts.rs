//! Teams, users and membership.

use sqlx::any::AnyRow;
use sqlx::Row;

use crate::db::{flag, now_ms, Db};
use crate::domain::{Email, Role, TeamName};
use crate::error::{Error, Result};

/// A stored user.
#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub github_login: Option<String>,
    pub gitlab_login: Option<String>,
    pub password_hash: Option<String>,
}

/// A team the user belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub team_id: i64,
    pub team: String,
    pub is_manager: bool,
}

/// A user to create. A manager manages every team given.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: Email,
    pub name: String,
    pub role: Role,
    pub teams: Vec<TeamName>,
    pub github_login: Option<String>,
    pub gitlab_login: Option<String>,
    pub password_hash: Option<String>,
}

/// A team with its head counts, for listings.
#[derive(Debug, Clone)]
pub struct TeamSummary {
    pub id: i64,
    pub name: String,
    pub members: i64,
    pub managers: Vec<String>,
}

const USER_COLUMNS: &str = "id, email, name, role, github_login, gitlab_login, password_hash";

fn user_from_row(row: &AnyRow) -> Result<User> {
    let role: String = row.try_get("role")?;
    Ok(User {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        role: Role::try_from(role.as_str())
            .map_err(|_| Error::Internal(format!("stored role {role:?}")))?,
        github_login: row.try_get("github_login")?,
        gitlab_login: row.try_get("gitlab_login")?,
        password_hash: row.try_get("password_hash")?,
    })
}

pub async fn create_team(db: &Db, name: &TeamName) -> Result<i64> {
    let row = sqlx::query("INSERT INTO teams (name, created_at) VALUES ($1, $2) RETURNING id")
        .bind(name.as_str())
        .bind(now_ms())
        .fetch_one(&db.pool)
        .await
        .map_err(|e| Error::conflict_if_unique(e, &format!("team {:?}", name.as_str())))?;
    Ok(row.try_get("id")?)
}

pub async fn team_id(db: &Db, name: &str) -> Result<Option<i64>> {
    let row = sqlx::query("SELECT id FROM teams WHERE name = $1")
        .bind(name)
        .fetch_optional(&db.pool)
        .await?;
    Ok(match row {
        Some(row) => Some(row.try_get("id")?),
        None => None,
    })
}

/// Creates the user and their memberships in one transaction: an unknown team stores nothing.
pub async fn create_user(db: &Db, user: &NewUser) -> Result<i64> {
    let mut tx = db.pool.begin().await?;
    let row = sqlx::query(
        "INSERT INTO users (email, name, role, github_login, gitlab_login, password_hash, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(user.email.as_str())
    .bind(&user.name)
    .bind(user.role.as_str())
    .bind(user.github_login.clone())
    .bind(user.gitlab_login.clone())
    .bind(user.password_hash.clone())
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| Error::conflict_if_unique(e, &format!("a user with email {}, or with that GitHub/GitLab login,", user.email)))?;
    let user_id: i64 = row.try_get("id")?;
    for team in &user.teams {
        let team_row = sqlx::query("SELECT id FROM teams WHERE name = $1")
            .bind(team.as_str())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| Error::NotFound(format!("team {:?}", team.as_str())))?;
        let team_id: i64 = team_row.try_get("id")?;
        sqlx::query(
            "INSERT INTO team_members (team_id, user_id, is_manager) VALUES ($1, $2, $3)
             ON CONFLICT (team_id, user_id) DO NOTHING",
        )
        .bind(team_id)
        .bind(user_id)
        .bind(i64::from(user.role == Role::Manager))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(user_id)
}

pub async fn user_by_email(db: &Db, email: &str) -> Result<Option<User>> {
    let row = sqlx::query(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE email = $1"
    ))
    .bind(email.trim().to_lowercase())
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(user_from_row).transpose()
}

pub async fn user_by_id(db: &Db, id: i64) -> Result<Option<User>> {
    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(user_from_row).transpose()
}

pub async fn list_users(db: &Db) -> Result<Vec<User>> {
    let rows = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY email"))
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(user_from_row).collect()
}

pub async fn memberships(db: &Db, user_id: i64) -> Result<Vec<Membership>> {
    let rows = sqlx::query(
        "SELECT t.id, t.name, m.is_manager FROM team_members m JOIN teams t ON t.id = m.team_id
         WHERE m.user_id = $1 ORDER BY t.name",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Membership {
                team_id: row.try_get("id")?,
                team: row.try_get("name")?,
                is_manager: flag(row, "is_manager")?,
            })
        })
        .collect()
}

/// Members of a team, by user id.
pub async fn team_member_ids(db: &Db, team_id: i64) -> Result<Vec<i64>> {
    let rows = sqlx::query("SELECT user_id FROM team_members WHERE team_id = $1 ORDER BY user_id")
        .bind(team_id)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(|row| Ok(row.try_get("user_id")?)).collect()
}

pub async fn list_teams(db: &Db) -> Result<Vec<TeamSummary>> {
    let rows = sqlx::query(
        "SELECT t.id, t.name, u.name AS member, m.is_manager
         FROM teams t LEFT JOIN team_members m ON m.team_id = t.id LEFT JOIN users u ON u.id = m.user_id
         ORDER BY t.name, u.name",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut teams: Vec<TeamSummary> = Vec::new();
    for row in &rows {
        let id: i64 = row.try_get("id")?;
        if teams.last().map(|t| t.id) != Some(id) {
            teams.push(TeamSummary {
                id,
                name: row.try_get("name")?,
                members: 0,
                managers: Vec::new(),
            });
        }
        let member: Option<String> = row.try_get("member")?;
        if let (Some(team), Some(member)) = (teams.last_mut(), member) {
            team.members += 1;
            if flag(row, "is_manager")? {
                team.managers.push(member);
            }
        }
    }
    Ok(teams)
}

/// Number of users; the demo loader fills only an empty database.
pub async fn user_count(db: &Db) -> Result<i64> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM users")
        .fetch_one(&db.pool)
        .await?;
    Ok(row.try_get("n")?)
}
