//! `GET /api/v1/reviews/pull-requests`: pull requests merged in the range, with their cached
//! classification (AI reasons, critical paths, outcome), scoped by role.

use axum::extract::{Query, State};
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use sqlx::Row;

use agentmeter_metrics::calendar::local_midnight_utc_ms;

use super::load::utc;
use super::summary::{range, ReviewsQuery};
use crate::auth::scope::{resolve, Scope, ScopeFilter};
use crate::auth::CurrentUser;
use crate::db::flag;
use crate::error::{Error, Result};
use crate::state::AppState;

/// One classified pull request.
#[derive(Debug, Serialize)]
pub struct PullRequestView {
    pub repository: String,
    pub number: i64,
    pub url: String,
    pub title: String,
    /// The author's GitHub/GitLab login.
    pub author_login: Option<String>,
    pub author_user_id: Option<i64>,
    /// The name of the user the author maps to.
    pub author: Option<String>,
    pub head_branch: String,
    pub created_at: DateTime<Utc>,
    pub merged_at: Option<DateTime<Utc>>,
    pub ai_assisted: bool,
    pub ai_reasons: serde_json::Value,
    pub critical: bool,
    pub critical_paths: Vec<String>,
    pub outcome: Option<String>,
    pub change_size: i64,
    pub first_review_at: Option<DateTime<Utc>>,
}

/// `GET /api/v1/reviews/pull-requests?from&to&team&user`.
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<ReviewsQuery>,
) -> Result<Json<Vec<PullRequestView>>> {
    let scope = resolve(
        &state,
        &user,
        &ScopeFilter {
            team: query.team.clone(),
            user: query.user.clone(),
        },
    )
    .await?;
    let range = range(&state, &query)?;
    let bad = |e: agentmeter_metrics::MetricsError| Error::Internal(e.to_string());
    let from_ms = local_midnight_utc_ms(range.from, state.org_tz).map_err(bad)?;
    let to_ms = local_midnight_utc_ms(range.to + Duration::days(1), state.org_tz).map_err(bad)?;
    let rows = sqlx::query(
        "SELECT r.name AS repository, u.name AS author_name, p.* FROM pull_requests p \
         JOIN repositories r ON r.id = p.repository_id LEFT JOIN users u ON u.id = p.author_user_id \
         WHERE p.merged_at >= $1 AND p.merged_at < $2 ORDER BY p.merged_at DESC",
    )
    .bind(from_ms)
    .bind(to_ms)
    .fetch_all(&state.db.pool)
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let author_user_id: Option<i64> = r.try_get("author_user_id")?;
        let visible = match &scope {
            Scope::Everyone => true,
            Scope::Users(_) => author_user_id.is_some_and(|id| scope.includes(id)),
        };
        if !visible {
            continue;
        }
        let time = |ms: Option<i64>| ms.map(utc);
        let reasons: String = r.try_get("ai_reasons")?;
        let paths: String = r.try_get("critical_paths")?;
        out.push(PullRequestView {
            repository: r.try_get("repository")?,
            number: r.try_get("number")?,
            url: r.try_get("url")?,
            title: r.try_get("title")?,
            author_login: r.try_get("author_login")?,
            author_user_id,
            author: r.try_get("author_name")?,
            head_branch: r.try_get("head_branch")?,
            created_at: utc(r.try_get("created_at")?),
            merged_at: time(r.try_get("merged_at")?),
            ai_assisted: flag(r, "ai_assisted")?,
            ai_reasons: serde_json::from_str(&reasons).unwrap_or_default(),
            critical: flag(r, "critical")?,
            critical_paths: serde_json::from_str(&paths).unwrap_or_default(),
            outcome: r.try_get("outcome")?,
            change_size: r.try_get("change_size")?,
            first_review_at: time(r.try_get("first_review_at")?),
        });
    }
    Ok(Json(out))
}
