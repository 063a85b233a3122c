//! The Plans page's month: which month the recommendations are shown for (`?month=YYYY-MM`,
//! else the last full month with data), the month picker, the history of months, and the plan
//! policy in words.

use agentmeter_metrics::plan_policy::PlanPolicy;
use agentmeter_metrics::plans::PlansReport;
use agentmeter_web::pages::{Choice, FilterBar, PlanMonthRow};
use agentmeter_web::{url, Figure};
use chrono::{Datelike, NaiveDate};

use super::super::month_name;

/// `2026-10` of a date.
fn month_key(day: NaiveDate) -> String {
    format!("{:04}-{:02}", day.year(), day.month())
}

/// The month shown: the one asked for, else the last month of the report whose last day is on
/// or before `last_day` (a full month of data), else the report's last month.
pub(crate) fn shown_month(
    report: &PlansReport,
    requested: Option<NaiveDate>,
    last_day: NaiveDate,
) -> Option<String> {
    if let Some(first) = requested {
        return Some(month_key(first));
    }
    let full = |key: &str| {
        NaiveDate::parse_from_str(&format!("{key}-01"), "%Y-%m-%d")
            .ok()
            .and_then(|first| first.checked_add_months(chrono::Months::new(1)))
            .is_some_and(|next| next.pred_opt().is_some_and(|end| end <= last_day))
    };
    let months: Vec<&str> = report.months.iter().map(|m| m.month.as_str()).collect();
    months
        .iter()
        .rfind(|m| full(m))
        .or_else(|| months.last())
        .map(|m| (*m).to_owned())
}

/// The first day of a `?month=YYYY-MM`.
pub(crate) fn parse_month(text: &str) -> Option<NaiveDate> {
    let (year, month) = text.trim().split_once('-')?;
    if year.len() != 4 || month.len() != 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, 1)
}

/// The month picker: every month of the report and the shown one, newest first.
pub(crate) fn month_choices(report: &PlansReport, shown: Option<&str>) -> Vec<Choice> {
    let mut keys: Vec<&str> = report.months.iter().map(|m| m.month.as_str()).collect();
    keys.extend(shown);
    keys.sort_unstable();
    keys.dedup();
    keys.into_iter()
        .rev()
        .map(|key| Choice::new(key, month_name(key), shown))
        .collect()
}

/// The Plans page of `month` under the current filters.
fn month_href(filters: &FilterBar, month: &str) -> String {
    let query = filters.query();
    let joiner = if query.is_empty() { "" } else { "&" };
    format!("/plans?{query}{joiner}month={}", url::component(month))
}

/// Each month of the report: paid vs recommended, oldest first.
pub(crate) fn history(
    report: &PlansReport,
    shown: Option<&str>,
    filters: &FilterBar,
) -> Vec<PlanMonthRow> {
    report
        .months
        .iter()
        .map(|m| PlanMonthRow {
            month: month_name(&m.month),
            href: month_href(filters, &m.month),
            selected: Some(m.month.as_str()) == shown,
            developers: Figure::count(m.developers as i64),
            api_cost: Figure::usd(m.api_cost_usd),
            paid_now: Figure::usd(m.paid_now_usd),
            recommended: Figure::usd(m.recommended_usd),
            saving: Figure::usd(m.monthly_saving_usd),
            plan_changes: Figure::count(m.plan_changes as i64),
        })
        .collect()
}

/// One sentence per restricted vendor: `Anthropic: only Claude Team (at least 5 seats), no
/// pay-as-you-go`.
pub(crate) fn policy_sentences(policy: &PlanPolicy) -> Vec<String> {
    policy
        .vendors
        .iter()
        .map(|v| {
            let plans: Vec<String> = v
                .plans
                .iter()
                .map(|p| match p.min_seats {
                    0 | 1 => p.name.clone(),
                    n => format!("{} (at least {n} seats)", p.name),
                })
                .collect();
            let plans = if plans.is_empty() {
                "no plan".to_owned()
            } else {
                format!("only {}", plans.join(", "))
            };
            let payg = if v.allow_pay_as_you_go {
                "or pay-as-you-go"
            } else {
                "no pay-as-you-go"
            };
            format!("{}: {plans}, {payg}", v.vendor)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_parameter_is_a_year_and_a_month_of_the_calendar() {
        assert_eq!(parse_month("2026-10"), NaiveDate::from_ymd_opt(2026, 10, 1));
        for bad in ["2026-13", "2026-1", "26-10", "october", "2026-00", ""] {
            assert_eq!(parse_month(bad), None, "{bad}");
        }
    }
}
