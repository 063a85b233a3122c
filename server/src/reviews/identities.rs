//! Identity: which user a commit author, PR author or reviewer is. Users match by email or by
//! their GitHub/GitLab login; an admin can map any other identity. Unmatched identities are kept
//! (with a count and when last seen) and listed for an admin, never dropped.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::Row;

use crate::db::{now_ms, Db};
use crate::error::{Error, Result};

/// A forge login and/or an email as an event names them.
#[derive(Debug, Clone, Copy)]
pub struct Seen<'a> {
    /// `github`, `gitlab` or `git` (commit authors).
    pub provider: &'a str,
    pub login: Option<&'a str>,
    pub email: Option<&'a str>,
}

fn clean(s: Option<&str>) -> &str {
    s.map(str::trim).unwrap_or("")
}

/// The user this identity belongs to, without recording anything.
pub async fn lookup(db: &Db, seen: Seen<'_>) -> Result<Option<i64>> {
    let (login, email) = (clean(seen.login), clean(seen.email));
    if !email.is_empty() {
        let row = sqlx::query("SELECT id FROM users WHERE LOWER(email) = LOWER($1)")
            .bind(email)
            .fetch_optional(&db.pool)
            .await?;
        if let Some(row) = row {
            return Ok(Some(row.try_get("id")?));
        }
    }
    let login_column = match seen.provider {
        "github" => Some("github_login"),
        "gitlab" => Some("gitlab_login"),
        _ => None,
    };
    if let (Some(column), false) = (login_column, login.is_empty()) {
        let sql = format!("SELECT id FROM users WHERE LOWER({column}) = LOWER($1)");
        if let Some(row) = sqlx::query(&sql)
            .bind(login)
            .fetch_optional(&db.pool)
            .await?
        {
            return Ok(Some(row.try_get("id")?));
        }
    }
    let mapped = sqlx::query(
        "SELECT user_id FROM identities WHERE user_id IS NOT NULL AND \
         ((provider = $1 AND login <> '' AND LOWER(login) = LOWER($2)) OR (email <> '' AND LOWER(email) = LOWER($3))) \
         ORDER BY id LIMIT 1",
    )
    .bind(seen.provider)
    .bind(login)
    .bind(email)
    .fetch_optional(&db.pool)
    .await?;
    Ok(mapped.map(|r| r.try_get::<i64, _>("user_id")).transpose()?)
}

/// Counts `events` more events of an identity that matched no user.
pub async fn record_unmatched(db: &Db, seen: Seen<'_>, events: i64) -> Result<()> {
    let (login, email) = (
        clean(seen.login).to_lowercase(),
        clean(seen.email).to_lowercase(),
    );
    if login.is_empty() && email.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO identities (provider, login, email, events, last_seen) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (provider, login, email) DO UPDATE SET events = identities.events + excluded.events, \
         last_seen = excluded.last_seen",
    )
    .bind(seen.provider)
    .bind(login)
    .bind(email)
    .bind(events)
    .bind(now_ms())
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The user of an identity; an unmatched one is recorded for an admin to map.
pub async fn resolve(db: &Db, seen: Seen<'_>) -> Result<Option<i64>> {
    let found = lookup(db, seen).await?;
    if found.is_none() {
        record_unmatched(db, seen, 1).await?;
    }
    Ok(found)
}

/// An identity no user matched yet.
#[derive(Debug, Clone, Serialize)]
pub struct UnmatchedIdentity {
    pub id: i64,
    pub provider: String,
    pub login: String,
    pub email: String,
    pub events: i64,
    pub last_seen: DateTime<Utc>,
}

/// Unmatched identities, most active first.
pub async fn list_unmatched(db: &Db) -> Result<Vec<UnmatchedIdentity>> {
    let rows = sqlx::query(
        "SELECT id, provider, login, email, events, last_seen FROM identities WHERE user_id IS NULL \
         ORDER BY events DESC, last_seen DESC, id",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(UnmatchedIdentity {
                id: r.try_get("id")?,
                provider: r.try_get("provider")?,
                login: r.try_get("login")?,
                email: r.try_get("email")?,
                events: r.try_get("events")?,
                last_seen: DateTime::from_timestamp_millis(r.try_get("last_seen")?)
                    .unwrap_or_default(),
            })
        })
        .collect()
}

/// Maps identity `id` to the user given by id or email, attributes its past pull requests,
/// reviews and commits to that user, and returns the pull requests to reclassify.
pub async fn match_to_user(db: &Db, id: i64, user: &str) -> Result<Vec<i64>> {
    let user = user.trim();
    let user_row = match user.parse::<i64>() {
        Ok(uid) => {
            sqlx::query("SELECT id FROM users WHERE id = $1")
                .bind(uid)
                .fetch_optional(&db.pool)
                .await?
        }
        Err(_) => {
            sqlx::query("SELECT id FROM users WHERE LOWER(email) = LOWER($1)")
                .bind(user)
                .fetch_optional(&db.pool)
                .await?
        }
    };
    let user_id: i64 = user_row
        .ok_or_else(|| Error::NotFound(format!("user {user:?}")))?
        .try_get("id")?;
    let identity = sqlx::query("SELECT provider, login, email FROM identities WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or_else(|| Error::NotFound(format!("identity {id}")))?;
    let (login, email): (String, String) = (identity.try_get("login")?, identity.try_get("email")?);
    sqlx::query("UPDATE identities SET user_id = $1 WHERE id = $2")
        .bind(user_id)
        .bind(id)
        .execute(&db.pool)
        .await?;
    let by = |column: &'static str, value: &str| (column, value.to_owned());
    let keys: Vec<(&str, String)> = [by("login", &login), by("email", &email)]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let mut touched = Vec::new();
    for (kind, value) in &keys {
        let (pr_col, review_col) = if *kind == "login" {
            ("author_login", Some("reviewer_login"))
        } else {
            ("author_email", None)
        };
        let sql = format!("UPDATE pull_requests SET author_user_id = $1 WHERE LOWER({pr_col}) = LOWER($2) RETURNING id");
        for row in sqlx::query(&sql)
            .bind(user_id)
            .bind(value)
            .fetch_all(&db.pool)
            .await?
        {
            touched.push(row.try_get::<i64, _>("id")?);
        }
        if let Some(col) = review_col {
            let sql = format!("UPDATE reviews SET reviewer_user_id = $1 WHERE LOWER({col}) = LOWER($2) RETURNING pull_request_id");
            for row in sqlx::query(&sql)
                .bind(user_id)
                .bind(value)
                .fetch_all(&db.pool)
                .await?
            {
                touched.push(row.try_get::<i64, _>("pull_request_id")?);
            }
        } else {
            sqlx::query(
                "UPDATE commits SET author_user_id = $1 WHERE LOWER(author_email) = LOWER($2)",
            )
            .bind(user_id)
            .bind(value)
            .execute(&db.pool)
            .await?;
        }
    }
    touched.sort_unstable();
    touched.dedup();
    Ok(touched)
}

/// `GET /api/v1/identities` (admin): identities that matched no user.
pub async fn list_handler(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    user: crate::auth::CurrentUser,
) -> Result<axum::Json<Vec<UnmatchedIdentity>>> {
    user.require_admin()?;
    Ok(axum::Json(list_unmatched(&state.db).await?))
}

/// Body of `POST /api/v1/identities/{id}/match`: the user, by id or email.
#[derive(Debug, serde::Deserialize)]
pub struct MatchBody {
    pub user: String,
}

/// `POST /api/v1/identities/{id}/match` (admin): maps the identity and reclassifies its PRs.
pub async fn match_handler(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    user: crate::auth::CurrentUser,
    axum::extract::Path(id): axum::extract::Path<i64>,
    axum::Json(body): axum::Json<MatchBody>,
) -> Result<axum::Json<serde_json::Value>> {
    user.require_admin()?;
    let reclassified = match_and_reclassify(&state, id, &body.user).await?;
    Ok(axum::Json(
        serde_json::json!({"identity": id, "user": body.user, "reclassified": reclassified}),
    ))
}

/// Maps an identity to a user and reclassifies the pull requests that changed hands.
pub async fn match_and_reclassify(
    state: &crate::state::AppState,
    id: i64,
    user: &str,
) -> Result<usize> {
    let touched = match_to_user(&state.db, id, user).await?;
    super::classification::reclassify_all(&state.db, &touched, &super::webhooks::policy(state))
        .await
}
