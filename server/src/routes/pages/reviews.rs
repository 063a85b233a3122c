//! `GET /reviews`: review-skip rates split AI-assisted / critical, per developer, repository and
//! week, the share of edits made with review off, the merged pull requests, and the critical
//! AI-written code merged without review with its acknowledgement form
//! (`POST /reviews/alerts/acknowledge`).

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use agentmeter_web::pages::NavSection;
use agentmeter_web::url;

use super::filters::{self, PageQuery};
use super::page_or_csv;
use crate::analytics::dashboards;
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::reviews::acknowledgements::{self, AcknowledgeRequest};
use crate::reviews::pull_requests::{self, PullRequestFilter};
use crate::state::AppState;
use crate::views::reviews::ReviewsExtras;
use crate::views::{self, chrome, reviews_tables};

/// The pull-request list's own filters, beside the page's.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    pr_repository: Option<String>,
    pr_author: Option<String>,
    pr_outcome: Option<String>,
    /// From 1.
    pr_page: Option<usize>,
}

pub(crate) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<PageQuery>,
    Query(list): Query<ListQuery>,
) -> Result<Response> {
    let view = filters::team_view(&state, &user, query, "/reviews", false).await?;
    let report = dashboards::reviews(&state, &view.scope, view.range).await?;
    let alerts = views::reviews::newest_first(&report);
    let mut may = Vec::with_capacity(alerts.len());
    for alert in &alerts {
        may.push(acknowledgements::may_acknowledge(&state.db, &user, alert.author_user_id).await?);
    }
    let alerts = acknowledgements::attach(&state.db, alerts).await?;
    let prs = pull_requests::merged(&state, &view.scope, view.range).await?;
    let csv_table = view.query.csv_table()?;
    let filter = PullRequestFilter {
        repository: list.pr_repository,
        author: list.pr_author,
        outcome: list.pr_outcome,
    };
    let kept = kept_filters(&view.query);
    let extras = ReviewsExtras {
        alerts: reviews_tables::alert_entries(&alerts, &may, state.org_tz),
        pull_requests: reviews_tables::pull_request_list(
            &prs,
            &filter,
            list.pr_page.unwrap_or(1),
            csv_table.is_none(),
            kept,
            state.org_tz,
        ),
        return_query: view.filters.query(),
    };
    let page = views::reviews::page(
        chrome(&state, &user, NavSection::Reviews),
        view.filters,
        &report,
        extras,
    );
    page_or_csv(page, csv_table, "/reviews", views::reviews::tables)
}

/// The page's own filters (`team`, `from`, `to`) that are set, as `(name, value)` pairs.
fn kept_filters(query: &PageQuery) -> Vec<(String, String)> {
    [
        ("team", &query.team),
        ("from", &query.from),
        ("to", &query.to),
    ]
    .into_iter()
    .filter_map(|(name, value)| {
        let value = value.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
        Some((name.to_owned(), value.to_owned()))
    })
    .collect()
}

/// The acknowledge form of an alert row.
#[derive(Debug, Deserialize)]
pub(crate) struct AcknowledgeForm {
    csrf_token: String,
    repository: String,
    number: i64,
    reviewer: String,
    #[serde(default)]
    note: Option<String>,
    /// The Reviews page's filters, to return to.
    #[serde(default)]
    back: String,
}

/// `POST /reviews/alerts/acknowledge`: as the API's acknowledge, then back to the page.
pub(crate) async fn acknowledge(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<AcknowledgeForm>,
) -> Result<Response> {
    user.check_csrf(&form.csrf_token)?;
    let request = AcknowledgeRequest {
        reviewer: form.reviewer,
        note: form.note,
    };
    acknowledgements::acknowledge(&state.db, &user, &form.repository, form.number, &request)
        .await?;
    // Only the page's own filters go back into the address, re-encoded, so the redirect stays
    // on this page whatever the field held.
    let back: PageQuery = serde_urlencoded::from_str(&form.back).unwrap_or_default();
    let pairs: Vec<String> = kept_filters(&back)
        .iter()
        .map(|(name, value)| format!("{name}={}", url::component(value)))
        .collect();
    let to = format!("/reviews?{}#critical-unreviewed-merges", pairs.join("&"));
    Ok(Redirect::to(&to).into_response())
}
