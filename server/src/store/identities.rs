//! Identities: forge logins and commit emails seen in events, the users they match, and those
//! that matched no user yet (kept with a count and when last seen, for an admin to map).

use chrono::{DateTime, Utc};
use serde::Serialize;

use agentmeter_metrics::rows::{DeveloperRow, TeamRow};

use crate::db::{now_ms, Db};
use crate::error::Result;
use crate::store::pool::with_pool;

/// The forge whose login column of `users` names a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forge {
    GitHub,
    GitLab,
}

/// The user whose email is `email`, in any letter case.
pub async fn user_by_email(db: &Db, email: &str) -> Result<Option<i64>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_scalar("SELECT id FROM users WHERE LOWER(email) = LOWER($1)")
            .bind(email)
            .fetch_optional(pool)
            .await?
    }))
}

/// The user whose login on `forge` is `login`, in any letter case.
pub async fn user_by_login(db: &Db, forge: Forge, login: &str) -> Result<Option<i64>> {
    Ok(with_pool!(db, |pool| match forge {
        Forge::GitHub => {
            sqlx::query_scalar("SELECT id FROM users WHERE LOWER(github_login) = LOWER($1)")
                .bind(login)
                .fetch_optional(pool)
                .await?
        }
        Forge::GitLab => {
            sqlx::query_scalar("SELECT id FROM users WHERE LOWER(gitlab_login) = LOWER($1)")
                .bind(login)
                .fetch_optional(pool)
                .await?
        }
    }))
}

/// Whether user `id` exists.
pub async fn user_exists(db: &Db, id: i64) -> Result<bool> {
    let found: Option<i64> = with_pool!(db, |pool| {
        sqlx::query_scalar("SELECT id FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await?
    });
    Ok(found.is_some())
}

/// The user an admin mapped an identity of `provider` to: by login, else by email (either in
/// any letter case; an empty one matches nothing).
pub async fn mapped_user(db: &Db, provider: &str, login: &str, email: &str) -> Result<Option<i64>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_scalar(
            "SELECT user_id FROM identities WHERE user_id IS NOT NULL AND \
             ((provider = $1 AND login <> '' AND LOWER(login) = LOWER($2)) \
              OR (email <> '' AND LOWER(email) = LOWER($3))) \
             ORDER BY id LIMIT 1",
        )
        .bind(provider)
        .bind(login)
        .bind(email)
        .fetch_optional(pool)
        .await?
    }))
}

/// Counts `events` more events of an identity (login and email already lower case).
pub async fn record_unmatched(
    db: &Db,
    provider: &str,
    login: &str,
    email: &str,
    events: i64,
) -> Result<()> {
    with_pool!(db, |pool| {
        sqlx::query(
            "INSERT INTO identities (provider, login, email, events, last_seen) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (provider, login, email) DO UPDATE SET events = identities.events + excluded.events, \
             last_seen = excluded.last_seen",
        )
        .bind(provider)
        .bind(login)
        .bind(email)
        .bind(events)
        .bind(now_ms())
        .execute(pool)
        .await?;
    });
    Ok(())
}

/// An identity no user matched yet.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnmatchedIdentity {
    pub id: i64,
    pub provider: String,
    pub login: String,
    pub email: String,
    pub events: i64,
    pub last_seen: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct UnmatchedRow {
    id: i64,
    provider: String,
    login: String,
    email: String,
    events: i64,
    last_seen: i64,
}

/// Unmatched identities, most active first.
pub async fn list_unmatched(db: &Db) -> Result<Vec<UnmatchedIdentity>> {
    let rows: Vec<UnmatchedRow> = with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT id, provider, login, email, events, last_seen FROM identities \
             WHERE user_id IS NULL ORDER BY events DESC, last_seen DESC, id",
        )
        .fetch_all(pool)
        .await?
    });
    Ok(rows
        .into_iter()
        .map(|r| UnmatchedIdentity {
            id: r.id,
            provider: r.provider,
            login: r.login,
            email: r.email,
            events: r.events,
            last_seen: DateTime::from_timestamp_millis(r.last_seen).unwrap_or_default(),
        })
        .collect())
}

/// An identity's login and email (lower case; either may be empty).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct IdentityKeys {
    pub login: String,
    pub email: String,
}

/// The login and email of identity `id`.
pub async fn keys_of(db: &Db, id: i64) -> Result<Option<IdentityKeys>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as("SELECT login, email FROM identities WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await?
    }))
}

/// Maps identity `id` to `user_id`.
pub async fn map_to_user(db: &Db, id: i64, user_id: i64) -> Result<()> {
    with_pool!(db, |pool| {
        sqlx::query("UPDATE identities SET user_id = $1 WHERE id = $2")
            .bind(user_id)
            .bind(id)
            .execute(pool)
            .await?;
    });
    Ok(())
}

#[derive(sqlx::FromRow)]
struct PersonRow {
    id: i64,
    name: String,
    email: String,
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    team_id: i64,
    user_id: i64,
}

/// Every user with their teams, by id, and every team, by id: the people a reviews report
/// names.
pub async fn people(db: &Db) -> Result<(Vec<DeveloperRow>, Vec<TeamRow>)> {
    let (users, members, teams): (Vec<PersonRow>, Vec<MemberRow>, Vec<(i64, String)>) =
        with_pool!(db, |pool| {
            (
                sqlx::query_as("SELECT id, name, email FROM users ORDER BY id")
                    .fetch_all(pool)
                    .await?,
                sqlx::query_as("SELECT team_id, user_id FROM team_members")
                    .fetch_all(pool)
                    .await?,
                sqlx::query_as("SELECT id, name FROM teams ORDER BY id")
                    .fetch_all(pool)
                    .await?,
            )
        });
    let developers = users
        .into_iter()
        .map(|u| DeveloperRow {
            user_id: u.id,
            name: u.name,
            email: u.email,
            teams: members
                .iter()
                .filter(|m| m.user_id == u.id)
                .map(|m| m.team_id)
                .collect(),
            plans: Vec::new(),
        })
        .collect();
    let teams = teams
        .into_iter()
        .map(|(id, name)| TeamRow { id, name })
        .collect();
    Ok((developers, teams))
}
