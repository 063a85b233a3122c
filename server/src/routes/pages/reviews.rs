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
use crate::views::{self, reviews_tables};

/// The pull-request list's own filters, beside the page's (its page is `pr_page`).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    pr_repository: Option<String>,
    pr_author: Option<String>,
    pr_outcome: Option<String>,
}

impl ListQuery {
    /// The filters set, as `(name, value)` pairs in [`reviews_tables::LIST_FIELDS`] order.
    fn pairs(&self) -> Vec<(String, String)> {
        let values = [&self.pr_repository, &self.pr_author, &self.pr_outcome];
        reviews_tables::LIST_FIELDS
            .iter()
            .zip(values)
            .filter_map(|(name, value)| {
                let value = value.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
                Some(((*name).to_owned(), value.to_owned()))
            })
            .collect()
    }
}

pub(crate) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<PageQuery>,
    Query(list): Query<ListQuery>,
) -> Result<Response> {
    let mut view = filters::team_view(&state, &user, query, "/reviews", false).await?;
    view.filters.list_filters = list.pairs();
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
    let extras = ReviewsExtras {
        alerts: reviews_tables::alert_entries(&alerts, &may, state.org_tz),
        pull_requests: reviews_tables::pull_request_list(
            &prs,
            &filter,
            &view.query.pr_listing()?,
            csv_table.is_none(),
            &view.filters,
            state.org_tz,
        ),
        return_query: view.filters.query(),
    };
    let page = views::reviews::page(
        view.chrome(&state, &user, NavSection::Reviews),
        view.filters,
        &report,
        extras,
    );
    page_or_csv(page, csv_table, "/reviews", views::reviews::tables)
}

/// The parameters the Reviews page reads, which its acknowledge form may return to.
const PAGE_PARAMETERS: [&str; 12] = [
    "team",
    "from",
    "to",
    "preset",
    "tool",
    "compare",
    "q",
    "page",
    "pr_page",
    "pr_repository",
    "pr_author",
    "pr_outcome",
];

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
    // Only the page's own parameters go back into the address, re-encoded, so the redirect
    // stays on this page whatever the field held.
    let back: Vec<(String, String)> = serde_urlencoded::from_str(&form.back).unwrap_or_default();
    let pairs: Vec<String> = back
        .iter()
        .filter(|(name, value)| PAGE_PARAMETERS.contains(&name.as_str()) && !value.is_empty())
        .map(|(name, value)| format!("{name}={}", url::component(value)))
        .collect();
    let to = format!("/reviews?{}#critical-unreviewed-merges", pairs.join("&"));
    Ok(Redirect::to(&to).into_response())
}
