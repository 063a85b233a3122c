//! `GET /plans`: each developer's API-equivalent cost against their subscription, the
//! recommended plan and the saving; team totals; the plan catalog.

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
    let view = filters::team_view(&state, &user, query, "/plans", false).await?;
    let data = dashboards::plans(&state, &view.scope, view.range).await?;
    let page = views::plans::page(
        chrome(&state, &user, NavSection::Plans),
        view.filters,
        &data,
    );
    page_or_csv(
        page,
        view.query.csv_table()?,
        "/plans",
        views::plans::tables,
    )
}
