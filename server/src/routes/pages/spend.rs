//! `GET /spend`: API-equivalent cost by team, developer, model and tool, this period and the one
//! before; this month's spend so far with its month-end forecast against the view's budget.

use axum::extract::{Query, State};
use axum::response::Response;

use agentmeter_web::pages::NavSection;

use super::filters::{self, PageQuery};
use super::page_or_csv;
use crate::analytics::dashboards;
use crate::auth::CurrentUser;
use crate::budgets::outlook;
use crate::error::Result;
use crate::state::AppState;
use crate::views;

pub(crate) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<PageQuery>,
) -> Result<Response> {
    let view = filters::team_view(&state, &user, query, "/spend", true).await?;
    let base = view.query.metrics(None).spend(state.org_tz)?;
    let data = dashboards::spend(&state, &view.scope, &base).await?;
    let mut page = views::spend::page(
        view.chrome(&state, &user, NavSection::Spend),
        view.filters,
        &data,
        view.query.comparison()?,
    );
    let (outlook, days) = tokio::try_join!(
        outlook::this_month(&state, &user, &view.scope, view.query.team()),
        outlook::days_this_month(&state, &view.scope),
    )?;
    page.month = Some(views::cost_outlook::month_outlook(&days, &outlook));
    if let Some(chart) = views::cost_outlook::spend_chart_with_budget(&data.by_week, &outlook) {
        page.over_time_chart = chart;
    }
    page_or_csv(
        page,
        view.query.csv_table()?,
        "/spend",
        views::spend::tables,
    )
}
