//! `GET /plans`: for one month (`?month=YYYY-MM`, else the last full month with data), each
//! developer's API-equivalent cost against their subscription, the recommended plan and the
//! saving; team totals; the history of the range's months; the plan catalog.

use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use agentmeter_metrics::calendar::DateRange;
use agentmeter_web::pages::NavSection;

use super::filters::{self, PageQuery};
use super::page_or_csv;
use crate::analytics::{dashboards, plan_policy};
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::views;
use crate::views::plans::{history, PlansView};

/// The month picker's parameter, beside the filter bar's.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct MonthQuery {
    month: Option<String>,
}

pub(crate) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<PageQuery>,
    Query(month): Query<MonthQuery>,
) -> Result<Response> {
    let requested = match month.month.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(history::parse_month(text).ok_or_else(|| {
            Error::BadRequest(format!("month must look like 2026-10, got {text:?}"))
        })?),
    };
    let view = filters::team_view(&state, &user, query, "/plans", false).await?;
    // A month outside the range is reported too: the history then reaches to it.
    let range = match requested {
        Some(first) => {
            let last = first
                .checked_add_months(chrono::Months::new(1))
                .and_then(|next| next.pred_opt())
                .ok_or_else(|| Error::BadRequest(format!("month {first} is out of range")))?;
            DateRange::new(view.range.from.min(first), view.range.to.max(last))?
        }
        None => view.range,
    };
    let (data, policy) = tokio::try_join!(
        dashboards::plans(&state, &view.scope, range),
        plan_policy::load(&state.db),
    )?;
    let shown = PlansView {
        requested_month: requested,
        last_day: view.range.to,
        policy: &policy,
    };
    let page = views::plans::page(
        view.chrome(&state, &user, NavSection::Plans),
        view.filters,
        &data,
        &shown,
    );
    page_or_csv(
        page,
        view.query.csv_table()?,
        "/plans",
        views::plans::tables,
    )
}
