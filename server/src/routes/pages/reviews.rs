//! `GET /reviews`: review-skip rates split AI-assisted / critical, time to first review, and the
//! critical AI-written code merged without review.

use axum::extract::{Query, State};
use axum::response::Response;

use agentmeter_web::pages::NavSection;

use super::filters::{self, PageQuery};
use super::page_or_csv;
use crate::analytics::dashboards;
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::state::AppState;
use crate::views::{self, chrome};

pub(crate) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<PageQuery>,
) -> Result<Response> {
    let view = filters::team_view(&state, &user, query, "/reviews", false).await?;
    let data = dashboards::reviews(&state, &view.scope, view.range).await?;
    let page = views::reviews::page(
        chrome(&state, &user, NavSection::Reviews),
        view.filters,
        &data,
        state.org_tz,
    );
    page_or_csv(
        page,
        view.query.csv_table()?,
        "/reviews",
        views::reviews::tables,
    )
}
