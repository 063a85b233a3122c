//! Pull requests merged in a range, with their cached classification (AI reasons, critical
//! paths, outcome), by authors in scope.

use chrono::{DateTime, Utc};
use serde::Serialize;

use agentmeter_metrics::calendar::DateRange;

use super::load::utc;
use crate::analytics::load::utc_bounds;
use crate::auth::scope::Scope;
use crate::error::Result;
use crate::state::AppState;
use crate::store::pull_requests::{self, PullRequestSummary};

/// One classified pull request.
#[derive(Debug, Serialize, utoipa::ToSchema)]
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

/// The pull requests merged in `range` by authors in `scope`, newest merge first.
pub async fn merged(
    state: &AppState,
    scope: &Scope,
    range: DateRange,
) -> Result<Vec<PullRequestView>> {
    let (from_ms, to_ms) = utc_bounds(range, state.org_tz)?;
    let merged = pull_requests::merged_between(&state.db, from_ms, to_ms, scope.user_ids()).await?;
    Ok(merged.into_iter().map(PullRequestView::from).collect())
}

impl From<PullRequestSummary> for PullRequestView {
    fn from(p: PullRequestSummary) -> PullRequestView {
        PullRequestView {
            repository: p.repository,
            number: p.number,
            url: p.url,
            title: p.title,
            author_login: p.author_login,
            author_user_id: p.author_user_id,
            author: p.author_name,
            head_branch: p.head_branch,
            created_at: utc(p.created_at),
            merged_at: p.merged_at.map(utc),
            ai_assisted: p.ai_assisted,
            ai_reasons: p.ai_reasons,
            critical: p.critical,
            critical_paths: p.critical_paths,
            outcome: p.outcome,
            change_size: p.change_size,
            first_review_at: p.first_review_at.map(utc),
        }
    }
}

/// The filters of the Reviews page's pull-request list; `None` or empty keeps every value.
#[derive(Debug, Clone, Default)]
pub struct PullRequestFilter {
    /// The repository's name.
    pub repository: Option<String>,
    /// As [`author_label`] names the author.
    pub author: Option<String>,
    /// `approved`, `unreviewed`, `rubber-stamped` or `unclassified`.
    pub outcome: Option<String>,
}

/// The author as the list shows and filters them: the user's name, else the forge login.
pub fn author_label(p: &PullRequestView) -> String {
    p.author
        .clone()
        .or_else(|| p.author_login.clone())
        .unwrap_or_else(|| "unknown author".to_owned())
}

impl PullRequestFilter {
    /// Whether `p` passes every filter set.
    pub fn keeps(&self, p: &PullRequestView) -> bool {
        fn wanted(f: &Option<String>) -> Option<&str> {
            f.as_deref().map(str::trim).filter(|v| !v.is_empty())
        }
        wanted(&self.repository).is_none_or(|r| p.repository == r)
            && wanted(&self.author).is_none_or(|a| author_label(p) == a)
            && wanted(&self.outcome)
                .is_none_or(|o| p.outcome.as_deref().unwrap_or("unclassified") == o)
    }
}
