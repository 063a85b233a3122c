//! `GET /productivity`: merged pull requests per developer-week before and after adopting an
//! assistant, per team and per developer, with intervals and sample sizes.

use axum::extract::{Query, State};
use axum::response::Response;

use agentmeter_web::pages::NavSection;

use super::filters::{self, PageQuery};
use super::page_or_csv;
use crate::analytics::dashboards;
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::state::AppState;
use crate::views;

pub(crate) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<PageQuery>,
) -> Result<Response> {
    let view = filters::team_view(&state, &user, query, "/productivity", false).await?;
    let params = view.query.metrics(None).productivity(state.org_tz)?;
    let team_scopes = filters::team_scopes(&state, &user, &view.query).await?;
    let (overall, lifts) =
        dashboards::productivity(&state, &view.scope, &team_scopes, &params).await?;
    let mut page = views::productivity::page(
        view.chrome(&state, &user, NavSection::Productivity),
        view.filters,
        &overall,
        &lifts,
    );
    let activity = crate::telemetry::activity::activity(&state, &view.scope, view.range).await?;
    page.activity = views::activity::kpis(&activity.total);
    page_or_csv(
        page,
        view.query.csv_table()?,
        "/productivity",
        views::productivity::tables,
    )
}
