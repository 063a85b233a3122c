//! The Overview page (`/`): the Monday-morning numbers for the caller's teams, each linking to
//! its page. Developers have no team pages and are sent to their own (`/me`).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};

use agentmeter_metrics::adoption::AdoptionReport;
use agentmeter_metrics::productivity::Lift;
use agentmeter_metrics::reviews::ReviewsReport;
use agentmeter_metrics::spend::{SpendGroupBy, SpendReport};
use agentmeter_web::pages::{
    EmptyState, KpiCard, NavSection, OverviewContent, OverviewPage, OverviewSummary, ReviewAlertRow,
};
use agentmeter_web::{format, Delta};

use super::csv;
use super::filters::{self, month_name, page_query, PageQuery};
use super::{chrome, productivity, render, reviews};
use crate::analytics::params::SpendQuery;
use crate::analytics::reports;
use crate::auth::CurrentUser;
use crate::domain::Role;
use crate::error::Result;
use crate::state::AppState;

/// `GET /`
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    query: std::result::Result<Query<PageQuery>, QueryRejection>,
) -> Result<Response> {
    if user.role == Role::Developer {
        return Ok(Redirect::to("/me").into_response());
    }
    let view = filters::team_view(&state, &user, page_query(query)?, "/", false).await?;
    // All four reports at once: on an empty organisation the three wasted ones cost next to nothing.
    let spend_query = SpendQuery {
        range: view.range,
        group_by: SpendGroupBy::Week,
        tool: None,
    };
    let (spend, adoption, (overall, teams), (review, _, globs)) = tokio::try_join!(
        reports::spend(&state, &view.scope, &spend_query),
        reports::adoption(&state, &view.scope, view.range),
        productivity::with_team_lifts(&state, &user, &view),
        reviews::load(&state, &user, &view),
    )?;
    let content = if spend.total.events == 0 && spend.months.iter().all(|m| m.tokens == 0) {
        OverviewContent::Empty(EmptyState::install_uploader(&server_url(&headers)))
    } else {
        let lift = overall.merged_prs_per_week;
        let alerts = reviews::newest_first(&review)
            .iter()
            .take(5)
            .map(|a| reviews::alert_row(a, &globs, state.org_tz))
            .collect();
        OverviewContent::Summary(Box::new(summary(
            &spend, &adoption, &lift, &teams, &review, alerts,
        )))
    };
    let page = OverviewPage {
        chrome: chrome(&state, &user, NavSection::Overview),
        period: filters::period_label(view.range, view.query.team()),
        filters: view.filters,
        content,
    };
    match view.query.csv_table()? {
        Some(table) => {
            let alerts = match &page.content {
                OverviewContent::Summary(s) => s.alerts.clone(),
                OverviewContent::Empty(_) => Vec::new(),
            };
            csv::respond(vec![reviews::alerts_table(&alerts)], table, "/")
        }
        None => Ok(render(page)?.into_response()),
    }
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

/// The five cards, the two charts and the latest alerts.
pub fn summary(
    spend: &SpendReport,
    adoption: &AdoptionReport,
    lift: &Lift,
    teams: &[(String, Lift)],
    review: &ReviewsReport,
    alerts: Vec<ReviewAlertRow>,
) -> OverviewSummary {
    OverviewSummary {
        spend: spend_card(spend),
        active_developers: active_card(adoption),
        lift: lift_card(lift),
        review_skips: skip_card(review),
        critical_unreviewed: KpiCard::new(
            "Critical unreviewed AI merges",
            format::integer(review.alerts.len() as i64),
            "AI-assisted, touched a critical path, merged without review",
        )
        .alerting(!review.alerts.is_empty())
        .linking_to("/reviews"),
        spend_chart: super::spend::over_time_chart(spend),
        lift_chart: productivity::lift_chart(teams),
        alerts,
    }
}

fn spend_card(spend: &SpendReport) -> KpiCard {
    let this = spend.months.last();
    let last = spend
        .months
        .len()
        .checked_sub(2)
        .and_then(|i| spend.months.get(i));
    let label = this.map_or_else(
        || "Spend this month".into(),
        |m| format!("Spend in {}", month_name(&m.month)),
    );
    let forecast = spend
        .forecast
        .as_ref()
        .filter(|f| this.is_some_and(|m| m.month == f.month));
    let basis = match (forecast, last) {
        (Some(f), Some(l)) => format!(
            "Forecast {} · {} was {}",
            format::usd_whole(f.forecast_cost_usd),
            month_name(&l.month),
            format::usd_whole(l.cost_usd)
        ),
        (Some(f), None) => format!(
            "Forecast {} for the month",
            format::usd_whole(f.forecast_cost_usd)
        ),
        (None, Some(l)) => format!(
            "{} was {}",
            month_name(&l.month),
            format::usd_whole(l.cost_usd)
        ),
        (None, None) => "API-equivalent cost at list prices".into(),
    };
    let mut card = KpiCard::new(
        label,
        format::usd_whole(this.map_or(0.0, |m| m.cost_usd)),
        basis,
    )
    .linking_to("/spend");
    let projected = forecast.map_or(this.map_or(0.0, |m| m.cost_usd), |f| f.forecast_cost_usd);
    if let Some(l) = last.filter(|l| l.cost_usd > 0.0) {
        let basis = if forecast.is_some() {
            format!("forecast vs {}", month_name(&l.month))
        } else {
            format!("vs {}", month_name(&l.month))
        };
        card = card.with_delta(Delta::relative(projected / l.cost_usd - 1.0, basis, false));
    }
    card
}

fn active_card(adoption: &AdoptionReport) -> KpiCard {
    let week = adoption.weeks.last();
    let active = week.map_or(0, |w| w.active_developers);
    let basis = match week.and_then(|w| w.active_pct_of_seats) {
        Some(p) => format!(
            "{} of {} seats used in the latest week",
            format::percent(p / 100.0),
            format::integer(adoption.seats as i64)
        ),
        None => format!(
            "{} developers, no seats assigned",
            format::integer(adoption.developers as i64)
        ),
    };
    KpiCard::new(
        "Active developers",
        format!(
            "{} of {}",
            format::integer(active as i64),
            format::integer(adoption.seats.max(adoption.developers) as i64)
        ),
        basis,
    )
    .linking_to("/adoption")
}

fn lift_card(lift: &Lift) -> KpiCard {
    let value = match (lift.sufficient_data, lift.lift_pct) {
        (true, Some(p)) => format::signed_percent(p / 100.0),
        _ => "Not enough data".into(),
    };
    let basis = format!(
        "Merged PRs per developer-week · 90% interval {} · {} developers",
        productivity::interval_text(lift),
        lift.developers
    );
    KpiCard::new("Productivity lift", value, basis).linking_to("/productivity")
}

fn skip_card(review: &ReviewsReport) -> KpiCard {
    let ai = &review.overall.ai_assisted;
    let value = ai
        .skip_rate_pct
        .map_or_else(|| "—".into(), |p| format::percent(p / 100.0));
    let basis = format!(
        "{} of {} AI-assisted PRs merged without real review",
        format::integer(ai.unreviewed + ai.rubber_stamped),
        format::integer(ai.classified)
    );
    KpiCard::new("Review-skip rate, AI-assisted", value, basis).linking_to("/reviews")
}
