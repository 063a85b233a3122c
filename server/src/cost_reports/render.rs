//! A composed report as an e-mail: the figures formatted as the pages format them, the text and
//! HTML parts rendered from the web crate's templates.

use agentmeter_web::format;
use agentmeter_web::mail::{
    CostReportHtml, CostReportMail, CostReportText, MailBudgetRow, MailCriticalMerge,
    MailDeveloperRow, MailFigure,
};
use agentmeter_web::Template;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::compose::CostReport;
use crate::error::{Error, Result};

/// The two parts and the subject of a report's e-mail.
#[derive(Debug, Clone)]
pub struct RenderedReport {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The month-over-month note. A percentage only where the engine finds the base meaningful
/// (`agentmeter_metrics::spend::meaningful_change_pct`); otherwise the base itself, when known.
fn change(pct: Option<f64>, previous_usd: Option<f64>, before: &str) -> String {
    match (pct, previous_usd) {
        (Some(pct), _) => format!("{} on {before}", format::signed_percent(pct / 100.0)),
        (None, Some(previous)) if previous > 0.0 => format!(
            "{before}: {}, too small a base for a percentage",
            format::usd(previous)
        ),
        (None, Some(_)) => format!("nothing in {before}"),
        (None, None) => format!("{before}: too small a base for a percentage"),
    }
}

fn local_date(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz)
        .date_naive()
        .format("%Y-%m-%d")
        .to_string()
}

/// Formats `report` for the recipient; links point at `base_url` (the dashboard's address).
pub fn render(report: &CostReport, base_url: &str, tz: Tz) -> Result<RenderedReport> {
    let month = report.month;
    let before = month.previous().first_day().format("%B").to_string();
    let dates = format!("from={}&to={}", month.first_day(), month.last_day());
    let over_budget = report.budgets.iter().any(|b| b.figures.over());
    let mut headline = vec![
        MailFigure {
            label: "Paid for plans".into(),
            value: format::usd(report.paid_usd),
            note: change(
                report.paid_change_pct,
                Some(report.paid_previous_month_usd),
                &before,
            ),
            alert: false,
        },
        MailFigure {
            label: "API-equivalent value".into(),
            value: format::usd(report.api_equivalent_usd),
            note: change(report.api_equivalent_change_pct, None, &before),
            alert: false,
        },
        MailFigure {
            label: "Possible saving".into(),
            value: format::usd(report.possible_saving_usd),
            note: format!("recommended plans: {}", format::usd(report.recommended_usd)),
            alert: report.possible_saving_usd >= 0.005,
        },
    ];
    if !report.budgets.is_empty() {
        let budget: f64 = report.budgets.iter().map(|b| b.figures.budget_usd).sum();
        let actual: f64 = report.budgets.iter().map(|b| b.figures.actual_usd).sum();
        let over = report.budgets.iter().filter(|b| b.figures.over()).count();
        headline.push(MailFigure {
            label: "Budget".into(),
            value: format!(
                "{} of {}",
                format::usd_whole(actual),
                format::usd_whole(budget)
            ),
            note: if over_budget {
                format!("{over} of {} over budget", report.budgets.len())
            } else {
                "within budget".to_owned()
            },
            alert: over_budget,
        });
    }
    let budgets = report
        .budgets
        .iter()
        .map(|b| MailBudgetRow {
            scope: b.budget.scope_label().to_owned(),
            basis: b.budget.basis.label().to_owned(),
            budget: format::usd(b.figures.budget_usd),
            actual: format::usd(b.figures.actual_usd),
            share: format::percent(b.figures.actual_pct / 100.0),
            bar_pct: b.figures.actual_pct.clamp(0.0, 100.0).round() as u32,
            over: b.figures.over(),
        })
        .collect();
    let developers = report
        .developers
        .iter()
        .map(|d| {
            let plans = |names: &[String]| {
                if names.is_empty() {
                    "no usage, no seat".to_owned()
                } else {
                    names.join(" + ")
                }
            };
            MailDeveloperRow {
                name: d.name.clone(),
                spend: format::usd(d.cost_usd),
                tokens: format::tokens_compact(d.tokens as f64),
                current_plan: plans(&d.current_plans),
                recommended_plan: plans(&d.recommended_plans),
                saving: format::usd(d.saving_usd),
                last_upload: d.last_upload.map_or("never".into(), |t| local_date(t, tz)),
            }
        })
        .collect();
    let a = &report.adoption;
    let adoption = format!(
        "{} of {} developers used an assistant in {} ({} seats); {} never started.",
        a.active_developers,
        a.developers,
        month.name(),
        a.seats,
        a.not_started
    );
    let r = &report.reviews;
    let reviews = match r.skip_rate_pct {
        Some(rate) => format!(
            "{} pull requests merged; {} unreviewed and {} rubber-stamped: a review-skip rate of {}.",
            r.merged,
            r.unreviewed,
            r.rubber_stamped,
            format::percent(rate / 100.0)
        ),
        None => format!("{} pull requests merged; none classified yet.", r.merged),
    };
    let critical = report
        .critical_unreviewed
        .iter()
        .map(|c| MailCriticalMerge {
            reference: format!("{}#{}", c.repository, c.number),
            title: c.title.clone(),
            author: c
                .author
                .clone()
                .unwrap_or_else(|| "(unmatched author)".into()),
            merged: local_date(c.merged_at, tz),
            url: c.url.clone(),
        })
        .collect();
    let unknown_cost_note = if report.unknown_cost_events > 0 {
        format!(
            "{} requests used models without a known price: they are not in the dollar figures.",
            format::integer(report.unknown_cost_events)
        )
    } else {
        String::new()
    };
    let scope = report.recipient.scope_label();
    let mail = CostReportMail {
        month: month.name(),
        scope: scope.clone(),
        recipient_name: report.recipient.name.clone(),
        headline,
        budgets,
        developers,
        adoption,
        reviews,
        critical,
        unknown_cost_note,
        dashboard_url: format!("{base_url}/"),
        plans_url: format!("{base_url}/plans?{dates}"),
        reviews_url: format!("{base_url}/reviews?{dates}"),
        preferences_url: format!("{base_url}/me/notifications"),
    };
    let template = |e: askama::Error| Error::Internal(anyhow::anyhow!("cost report e-mail: {e}"));
    Ok(RenderedReport {
        subject: format!(
            "AI assistants in {}: {} paid, {} API-equivalent ({scope}){}",
            month.name(),
            format::usd_whole(report.paid_usd),
            format::usd_whole(report.api_equivalent_usd),
            if over_budget { " - over budget" } else { "" }
        ),
        text: CostReportText { mail: &mail }.render().map_err(template)?,
        html: CostReportHtml { mail: &mail }.render().map_err(template)?,
    })
}
