//! The Overview page (`/`): the Monday-morning numbers for the caller's teams, each linking to
//! its page. Developers have no team pages and are sent to their own (`/me`).

use agentmeter_metrics::adoption::AdoptionReport;
use agentmeter_metrics::productivity::Lift;
use agentmeter_metrics::reviews::ReviewsReport;
use agentmeter_metrics::spend::{SpendChange, SpendReport};
use agentmeter_web::format;
use agentmeter_web::pages::{
    EmptyState, FilterBar, KpiCard, OverviewContent, OverviewPage, OverviewSummary, PageChrome,
    ReviewAlertEntry,
};

use super::csv::CsvTable;
use super::reviews_tables;
use super::{change, month_name, productivity, reviews};
use crate::analytics::dashboards::OverviewData;
use crate::reviews::acknowledgements::AcknowledgedAlert;

/// The Overview page: the summary, or how to start when nothing was uploaded yet (developers
/// point the uploader at `server_url`).
pub(crate) fn page(
    chrome: PageChrome,
    period: String,
    filters: FilterBar,
    data: &OverviewData,
    alerts: &[AcknowledgedAlert],
    server_url: &str,
    tz: chrono_tz::Tz,
) -> OverviewPage {
    let spend = &data.spend;
    let content = if spend.total.events == 0 && spend.months.iter().all(|m| m.tokens == 0) {
        OverviewContent::Empty(EmptyState::install_uploader(server_url))
    } else {
        let review = &data.reviews;
        // Answering an alert is done on the Reviews page; here it is only shown.
        let alerts = reviews_tables::alert_entries(alerts, &vec![false; alerts.len()], tz);
        OverviewContent::Summary(Box::new(summary(
            &filters,
            spend,
            &data.adoption,
            &data.productivity.merged_prs_per_week,
            &data.lifts,
            review,
            alerts,
        )))
    };
    OverviewPage {
        chrome,
        period,
        filters,
        content,
    }
}

/// The page's one table, the latest alerts with their acknowledgement, for CSV export.
pub(crate) fn tables(page: &OverviewPage) -> Vec<CsvTable> {
    let entries = match &page.content {
        OverviewContent::Summary(s) => s.alerts.clone(),
        OverviewContent::Empty(_) => Vec::new(),
    };
    vec![reviews::acknowledged_alerts_table(&entries)]
}

/// The cards' links under the page's filters, so "View details" opens the same team, range and
/// tool.
pub(crate) fn carrying(cards: Vec<KpiCard>, filters: &FilterBar) -> Vec<KpiCard> {
    cards
        .into_iter()
        .map(|mut card| {
            card.href = card.href.map(|href| filters.link(&href, &[]));
            card
        })
        .collect()
}

/// The five cards, the two charts and the latest alerts.
fn summary(
    filters: &FilterBar,
    spend: &SpendReport,
    adoption: &AdoptionReport,
    lift: &Lift,
    teams: &[(String, Lift)],
    review: &ReviewsReport,
    alerts: Vec<ReviewAlertEntry>,
) -> OverviewSummary {
    OverviewSummary {
        cost: Vec::new(),
        spend: spend_card(spend).linking_to(filters.link("/spend", &[])),
        active_developers: active_card(adoption).linking_to(filters.link("/adoption", &[])),
        lift: lift_card(lift).linking_to(filters.link("/productivity", &[])),
        review_skips: skip_card(review).linking_to(filters.link("/reviews", &[])),
        critical_unreviewed: KpiCard::new(
            "Critical unreviewed AI merges",
            format::integer(review.alerts.len() as i64),
            "AI-assisted, touched a critical path, merged without review",
        )
        .alerting(!review.alerts.is_empty())
        .linking_to(filters.link("/reviews", &[]))
        .measuring("reviews.alerts.length"),
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
    );
    if this.is_some() {
        card = card.measuring("spend.months[-1].cost_usd");
    }
    let projected = forecast.map_or(this.map_or(0.0, |m| m.cost_usd), |f| f.forecast_cost_usd);
    if let Some(l) = last {
        let basis = if forecast.is_some() {
            format!("forecast vs {}", month_name(&l.month))
        } else {
            format!("vs {}", month_name(&l.month))
        };
        // The forecast is a whole month's figure, as last month's is.
        card.delta = change::delta(&SpendChange::between(projected, l.cost_usd), &basis, None);
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
    let card = KpiCard::new(
        "Active developers",
        format!(
            "{} of {}",
            format::integer(active as i64),
            format::integer(adoption.seats.max(adoption.developers) as i64)
        ),
        basis,
    );
    if week.is_some() {
        card.measuring("adoption.weeks[-1].active_developers")
    } else {
        card
    }
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
    KpiCard::new("Productivity lift", value, basis)
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
    let card = KpiCard::new("Review-skip rate, AI-assisted", value, basis);
    if ai.skip_rate_pct.is_some() {
        card.measuring("reviews.overall.ai_assisted.skip_rate_pct")
    } else {
        card
    }
}
