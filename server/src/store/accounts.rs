//! Teams, users and membership.

use crate::db::{now_ms, Db};
use crate::domain::{Email, Role, TeamName};
use crate::error::{Error, Result};
use crate::store::pool::{with_pool, with_tx};

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
    /// When the user was deactivated (epoch ms); None while active.
    pub deactivated_at: Option<i64>,
}

impl User {
    pub fn is_active(&self) -> bool {
        self.deactivated_at.is_none()
    }
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

/// The columns of a [`UserRow`]; a macro so that the statements using it stay `&'static str`.
macro_rules! user_columns {
    () => {
        "id, email, name, role, github_login, gitlab_login, password_hash, deactivated_at"
    };
}

/// A `users` row as stored; the role is checked when it becomes a [`User`].
#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    email: String,
    name: String,
    role: String,
    github_login: Option<String>,
    gitlab_login: Option<String>,
    password_hash: Option<String>,
    deactivated_at: Option<i64>,
}

impl TryFrom<UserRow> for User {
    type Error = Error;

    fn try_from(row: UserRow) -> Result<User> {
        Ok(User {
            role: Role::try_from(row.role.as_str())
                .map_err(|_| Error::Internal(anyhow::anyhow!("stored role {:?}", row.role)))?,
            id: row.id,
            email: row.email,
            name: row.name,
            github_login: row.github_login,
            gitlab_login: row.gitlab_login,
            password_hash: row.password_hash,
            deactivated_at: row.deactivated_at,
        })
    }
}

pub async fn create_team(db: &Db, name: &TeamName) -> Result<i64> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_scalar("INSERT INTO teams (name, created_at) VALUES ($1, $2) RETURNING id")
            .bind(name.as_str())
            .bind(now_ms())
            .fetch_one(pool)
            .await
            .map_err(|e| Error::conflict_if_unique(e, &format!("team {:?}", name.as_str())))?
    }))
}

pub async fn team_id(db: &Db, name: &str) -> Result<Option<i64>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_scalar("SELECT id FROM teams WHERE name = $1")
            .bind(name)
            .fetch_optional(pool)
            .await?
    }))
}

/// Creates the user and their memberships in one transaction: an unknown team stores nothing.
pub async fn create_user(db: &Db, user: &NewUser) -> Result<i64> {
    let mut tx = db.begin().await?;
    let user_id: i64 = with_tx!(&mut tx, |conn| {
        let user_id: i64 = sqlx::query_scalar(
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
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| {
            Error::conflict_if_unique(
                e,
                &format!(
                    "a user with email {}, or with that GitHub/GitLab login,",
                    user.email
                ),
            )
        })?;
        for team in &user.teams {
            let team_id: i64 = sqlx::query_scalar("SELECT id FROM teams WHERE name = $1")
                .bind(team.as_str())
                .fetch_optional(&mut *conn)
                .await?
                .ok_or_else(|| Error::NotFound(format!("team {:?}", team.as_str())))?;
            sqlx::query(
                "INSERT INTO team_members (team_id, user_id, is_manager) VALUES ($1, $2, $3)
                 ON CONFLICT (team_id, user_id) DO NOTHING",
            )
            .bind(team_id)
            .bind(user_id)
            .bind(user.role == Role::Manager)
            .execute(&mut *conn)
            .await?;
        }
        user_id
    });
    tx.commit().await?;
    Ok(user_id)
}

pub async fn user_by_email(db: &Db, email: &str) -> Result<Option<User>> {
    let row: Option<UserRow> = with_pool!(db, |pool| {
        sqlx::query_as(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users WHERE email = $1"
        ))
        .bind(email.trim().to_lowercase())
        .fetch_optional(pool)
        .await?
    });
    row.map(User::try_from).transpose()
}

pub async fn user_by_id(db: &Db, id: i64) -> Result<Option<User>> {
    let row: Option<UserRow> = with_pool!(db, |pool| {
        sqlx::query_as(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(pool)
        .await?
    });
    row.map(User::try_from).transpose()
}

pub async fn list_users(db: &Db) -> Result<Vec<User>> {
    let rows: Vec<UserRow> = with_pool!(db, |pool| {
        sqlx::query_as(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users ORDER BY email"
        ))
        .fetch_all(pool)
        .await?
    });
    rows.into_iter().map(User::try_from).collect()
}

#[derive(sqlx::FromRow)]
struct MembershipRow {
    team_id: i64,
    team: String,
    is_manager: bool,
}

pub async fn memberships(db: &Db, user_id: i64) -> Result<Vec<Membership>> {
    let rows: Vec<MembershipRow> = with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT t.id AS team_id, t.name AS team, m.is_manager FROM team_members m
             JOIN teams t ON t.id = m.team_id WHERE m.user_id = $1 ORDER BY t.name",
        )
        .bind(user_id)
        .fetch_all(pool)
        .await?
    });
    Ok(rows
        .into_iter()
        .map(|row| Membership {
            team_id: row.team_id,
            team: row.team,
            is_manager: row.is_manager,
        })
        .collect())
}

/// Members of a team, by user id.
pub async fn team_member_ids(db: &Db, team_id: i64) -> Result<Vec<i64>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_scalar("SELECT user_id FROM team_members WHERE team_id = $1 ORDER BY user_id")
            .bind(team_id)
            .fetch_all(pool)
            .await?
    }))
}

#[derive(sqlx::FromRow)]
struct TeamMemberRow {
    id: i64,
    name: String,
    member: Option<String>,
    is_manager: Option<bool>,
}

pub async fn list_teams(db: &Db) -> Result<Vec<TeamSummary>> {
    let rows: Vec<TeamMemberRow> = with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT t.id, t.name, u.name AS member, m.is_manager
             FROM teams t LEFT JOIN team_members m ON m.team_id = t.id LEFT JOIN users u ON u.id = m.user_id
             ORDER BY t.name, u.name",
        )
        .fetch_all(pool)
        .await?
    });
    let mut teams: Vec<TeamSummary> = Vec::new();
    for row in rows {
        if teams.last().map(|t| t.id) != Some(row.id) {
            teams.push(TeamSummary {
                id: row.id,
                name: row.name,
                members: 0,
                managers: Vec::new(),
            });
        }
        if let (Some(team), Some(member)) = (teams.last_mut(), row.member) {
            team.members += 1;
            if row.is_manager.unwrap_or(false) {
                team.managers.push(member);
            }
        }
    }
    Ok(teams)
}

/// Number of users; the demo loader fills only an empty database.
pub async fn user_count(db: &Db) -> Result<i64> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(pool)
            .await?
    }))
}

/// Deactivates (`Some(when)`) or reactivates (`None`) a user. Deactivating also ends their browser
/// sessions; their tokens stay stored but are refused while the user is inactive.
pub async fn set_deactivated_at(db: &Db, user_id: i64, when: Option<i64>) -> Result<()> {
    let mut tx = db.begin().await?;
    with_tx!(&mut tx, |conn| {
        sqlx::query("UPDATE users SET deactivated_at = $1 WHERE id = $2")
            .bind(when)
            .bind(user_id)
            .execute(&mut *conn)
            .await?;
        if when.is_some() {
            sqlx::query("DELETE FROM web_sessions WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *conn)
                .await?;
        }
    });
    tx.commit().await?;
    Ok(())
}

/// Changes a user's role; a manager manages every team they belong to, other roles none.
pub async fn set_role(db: &Db, user_id: i64, role: Role) -> Result<()> {
    let mut tx = db.begin().await?;
    with_tx!(&mut tx, |conn| {
        sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
            .bind(role.as_str())
            .bind(user_id)
            .execute(&mut *conn)
            .await?;
        sqlx::query("UPDATE team_members SET is_manager = $1 WHERE user_id = $2")
            .bind(role == Role::Manager)
            .bind(user_id)
            .execute(&mut *conn)
            .await?;
    });
    tx.commit().await?;
    Ok(())
}

/// Admins who can still sign in; the last one may not be deactivated or demoted.
pub async fn active_admin_count(db: &Db) -> Result<i64> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM users WHERE role = 'admin' AND deactivated_at IS NULL",
        )
        .fetch_one(pool)
        .await?
    }))
}
