//! `GET /`: the Monday-morning numbers for the caller's teams, each linking to its page.
//! Developers have no team pages and are sent to their own (`/me`).

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};

use agentmeter_web::pages::{NavSection, OverviewContent};

use super::filters::{self, PageQuery};
use super::page_or_csv;
use crate::analytics::dashboards;
use crate::auth::CurrentUser;
use crate::budgets::outlook;
use crate::domain::Role;
use crate::error::Result;
use crate::reviews::acknowledgements;
use crate::state::AppState;
use crate::views;

pub(crate) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Query(query): Query<PageQuery>,
) -> Result<Response> {
    if user.role == Role::Developer {
        return Ok(Redirect::to("/me").into_response());
    }
    let view = filters::team_view(&state, &user, query, "/", false).await?;
    let params = view.query.metrics(None).productivity(state.org_tz)?;
    let team_scopes = filters::team_scopes(&state, &user, &view.query).await?;
    let data = dashboards::overview(&state, &view.scope, &team_scopes, view.range, &params).await?;
    let latest = views::reviews::newest_first(&data.reviews)
        .into_iter()
        .take(5)
        .collect();
    let alerts = acknowledgements::attach(&state.db, latest).await?;
    let mut page = views::overview::page(
        view.chrome(&state, &user, NavSection::Overview),
        views::period_label(view.range, view.query.team()),
        view.filters,
        &data,
        &alerts,
        &server_url(&headers),
        state.org_tz,
    );
    if let OverviewContent::Summary(summary) = &mut page.content {
        let outlook = outlook::this_month(&state, &user, &view.scope, view.query.team()).await?;
        summary.cost =
            views::overview::carrying(views::cost_outlook::cards(&outlook), &page.filters);
    }
    page_or_csv(page, view.query.csv_table()?, "/", views::overview::tables)
}

/// The address developers point the uploader at: this server as the browser reached it.
fn server_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty())
        .unwrap_or("localhost:8080");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("http");
    format!("{scheme}://{host}")
}
