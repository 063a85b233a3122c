//! `GET /adoption`: weekly active developers against seats, the ramp since rollout, how
//! concentrated usage is, each team, and who has not started.

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
    let view = filters::team_view(&state, &user, query, "/adoption", false).await?;
    let team_scopes = filters::team_scopes(&state, &user, &view.query).await?;
    let data = dashboards::adoption(&state, &view.scope, &team_scopes, view.range).await?;
    let csv_table = view.query.csv_table()?;
    let mut page = views::adoption::list_not_started(
        views::adoption::page(
            view.chrome(&state, &user, NavSection::Adoption),
            view.filters,
            &data,
        ),
        &view.query.listing()?,
        csv_table.is_none(),
    );
    let activity = crate::telemetry::activity::activity(&state, &view.scope, view.range).await?;
    page.kpis.extend(views::activity::kpis(&activity.total));
    page_or_csv(page, csv_table, "/adoption", views::adoption::tables)
}
