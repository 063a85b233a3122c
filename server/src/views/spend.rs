//! The Spend page (`/spend`): API-equivalent cost by team, developer, model and tool over time,
//! and month over month.

use std::collections::HashMap;

use agentmeter_metrics::calendar::DateRange;
use agentmeter_metrics::spend::{SpendChange, SpendComparison, SpendGroup, SpendReport};
use agentmeter_web::charts::{
    line_chart, ranked_bars, LineChart, RankedBar, RankedBars, Series, Unit,
};
use agentmeter_web::pages::{
    EmptyState, FilterBar, KpiCard, PageChrome, SpendBreakdown, SpendMonthRow, SpendPage,
    SpendShareRow,
};
use agentmeter_web::{format, Figure};

use super::change;
use super::csv::{raw, CsvTable};
use super::{month_name, timeline};
use crate::analytics::dashboards::SpendData;
use crate::analytics::params::Comparison;

/// Title, dimension and CSV name of each breakdown table, in the order of `SPEND_BREAKDOWNS`.
const BREAKDOWNS: [(&str, &str, &str); 4] = [
    ("By team", "Team", "spend-by-team"),
    ("By developer", "Developer", "spend-by-developer"),
    ("By model", "Model", "spend-by-model"),
    ("By tool", "Tool", "spend-by-tool"),
];

/// The Spend page from its reports; with a comparison, the KPI cards give the previous period's
/// figure and the change against it.
pub(crate) fn page(
    chrome: PageChrome,
    filters: FilterBar,
    data: &SpendData,
    comparison: Option<Comparison>,
) -> SpendPage {
    let total = &data.by_week.total;
    let empty = (total.events == 0).then(|| EmptyState {
        title: "No spend in this period".into(),
        message: "Nobody in this selection used an assistant between these dates. Widen the dates or pick another team; \
                  if nobody has uploaded yet, each developer installs the uploader."
            .into(),
        steps: vec!["agentmeter login --server <this server's URL>".into(), "agentmeter hook install".into()],
        action: None,
    });
    let breakdowns = BREAKDOWNS
        .iter()
        .enumerate()
        .map(|(i, (title, dimension, csv_name))| SpendBreakdown {
            title: (*title).into(),
            dimension: (*dimension).into(),
            csv_name: (*csv_name).into(),
            rows: data.current.get(i).map_or_else(Vec::new, |r| {
                // A developer's page opens under the page's filters, not its search.
                let links = (i == 1).then_some((&data.emails, &filters));
                share_rows(r, data.previous.get(i), links)
            }),
        })
        .collect();
    SpendPage {
        chrome,
        filters,
        empty,
        kpis: kpis(&data.by_week, &data.comparison, comparison.is_some()),
        month: None,
        over_time_chart: over_time_chart(&data.by_week),
        by_developer_chart: developer_chart(data.current.get(1)),
        by_model_chart: model_chart(data.current.get(2)),
        months: months(&data.by_week),
        breakdowns,
    }
}

/// The basis of every change on the page.
const VS_PREVIOUS: &str = "vs previous period";

/// `Oct 2, 2026 – Oct 31, 2026`: the previous period of a comparison.
fn period(c: &SpendComparison) -> String {
    format!("{} – {}", format::date(c.from), format::date(c.to))
}

/// The KPI cards; the change against the previous period is always given, and with `compared`
/// (`compare=previous-period`) the previous period's figures too.
fn kpis(report: &SpendReport, c: &SpendComparison, compared: bool) -> Vec<KpiCard> {
    let total = report.total.cost_usd;
    let tokens = format!(
        "{} tokens",
        format::tokens_compact(report.total.tokens as f64)
    );
    let mut spend = KpiCard::new("Spend in range", format::usd_whole(total), tokens.clone())
        .measuring("spend.total.cost_usd");
    if compared {
        spend.basis = format!(
            "{tokens} · {} in {}",
            format::usd_whole(c.cost_usd),
            period(c)
        );
    }
    spend.delta = change::delta(
        &c.cost_change,
        VS_PREVIOUS,
        compared.then_some("spend.comparison.cost_change"),
    );
    let mut cards = vec![spend];
    if let Some(f) = &report.forecast {
        cards.push(
            KpiCard::new(
                format!("Forecast for {}", month_name(&f.month)),
                format::usd_whole(f.forecast_cost_usd),
                format!(
                    "{} so far after {:.0} of {} days",
                    format::usd_whole(f.cost_so_far_usd),
                    f.elapsed_days,
                    f.days_in_month
                ),
            )
            .measuring("spend.forecast.forecast_cost_usd"),
        );
    }
    let mut per_developer = KpiCard::new(
        "Per active developer",
        report
            .cost_per_active_developer_usd
            .map_or_else(|| "—".into(), format::usd_whole),
        format!(
            "{} developers with usage",
            format::integer(report.active_developers)
        ),
    );
    if report.cost_per_active_developer_usd.is_some() {
        per_developer = per_developer.measuring("spend.cost_per_active_developer_usd");
    }
    if let (true, Some(before)) = (compared, c.cost_per_active_developer_usd) {
        per_developer.basis = format!(
            "{} · {} per developer in {}",
            per_developer.basis,
            format::usd_whole(before),
            period(c)
        );
        per_developer.delta = c.cost_per_active_developer_change.and_then(|change| {
            change::delta(
                &change,
                VS_PREVIOUS,
                Some("spend.comparison.cost_per_active_developer_change"),
            )
        });
    }
    cards.push(per_developer);
    cards
}

/// Spend per week over every week of the report's range (the report is grouped by week).
pub(crate) fn over_time_chart(report: &SpendReport) -> String {
    let by_week = report
        .groups
        .iter()
        .filter_map(|g| Some((g.key.parse::<chrono::NaiveDate>().ok()?, g.cost_usd)))
        .collect();
    let range = DateRange {
        from: report.from,
        to: report.to,
    };
    let weekly = timeline::every_week(range, by_week);
    line_chart(&LineChart {
        title: timeline::title_noting_partial_weeks("Spend per week (USD)", weekly.any_partial),
        unit: Unit::Usd,
        periods: weekly.labels,
        series: vec![Series::new("Spend", weekly.values)],
        area: true,
    })
}

fn ranked(title: &str, report: Option<&SpendReport>) -> String {
    let items = report.map_or_else(Vec::new, |r| {
        r.groups
            .iter()
            .map(|g| RankedBar {
                label: short_model(&g.key).to_owned(),
                value: g.cost_usd,
            })
            .collect()
    });
    ranked_bars(&RankedBars {
        title: title.into(),
        unit: Unit::Usd,
        items,
        limit: 10,
    })
}

/// `claude-opus-4-1-20250805` -> `claude-opus-4-1`: the release date adds width, not meaning.
fn short_model(name: &str) -> &str {
    match name.rsplit_once('-') {
        Some((head, date)) if date.len() == 8 && date.bytes().all(|b| b.is_ascii_digit()) => head,
        _ => name,
    }
}

fn developer_chart(report: Option<&SpendReport>) -> String {
    ranked("Spend per developer (USD), top 10", report)
}

fn model_chart(report: Option<&SpendReport>) -> String {
    ranked("Spend per model (USD)", report)
}

fn months(report: &SpendReport) -> Vec<SpendMonthRow> {
    report
        .months
        .iter()
        .map(|m| SpendMonthRow {
            month: Figure::new(
                month_name(&m.month),
                m.month.replace('-', "").parse().unwrap_or(0.0),
            ),
            spend: Figure::usd(m.cost_usd),
            change: m
                .change
                .as_ref()
                .map_or_else(Figure::missing, change::figure),
            change_usd: m.change.map(|c| c.change_usd),
            tokens: Figure::tokens(m.tokens.max(0) as u64),
        })
        .collect()
}

/// The rows of one breakdown; `developer_links` (name -> e-mail, and the filters their pages
/// open under: the page's filters, not its search) makes each developer a link.
fn share_rows(
    report: &SpendReport,
    previous: Option<&SpendReport>,
    developer_links: Option<(&HashMap<String, String>, &FilterBar)>,
) -> Vec<SpendShareRow> {
    let total = report.total.cost_usd;
    let before = |key: &str| {
        previous
            .and_then(|p| p.groups.iter().find(|g| g.key == key))
            .map(|g: &SpendGroup| g.cost_usd)
    };
    let mut rows: Vec<SpendShareRow> = report
        .groups
        .iter()
        .map(|g| {
            let change = SpendChange::between(g.cost_usd, before(&g.key).unwrap_or(0.0));
            SpendShareRow {
                name: g.key.clone(),
                href: developer_links.and_then(|(emails, filters)| {
                    let path = format!(
                        "/developers/{}",
                        agentmeter_web::url::email_segment(emails.get(&g.key)?)
                    );
                    Some(filters.link(&path, &[]))
                }),
                spend: Figure::usd(g.cost_usd),
                share: if total > 0.0 {
                    Figure::percent(g.cost_usd / total)
                } else {
                    Figure::missing()
                },
                tokens: Figure::tokens(g.tokens.max(0) as u64),
                requests: Figure::count(g.events),
                change: change::figure(&change),
                change_usd: previous.map(|_| change.change_usd),
            }
        })
        .collect();
    rows.sort_by(|a, b| b.spend.sort.total_cmp(&a.spend.sort));
    rows
}

/// Every table of the page, for CSV export.
pub(crate) fn tables(page: &SpendPage) -> Vec<CsvTable> {
    let mut months = CsvTable::new(
        "spend-by-month",
        vec!["month", "spend_usd", "change_ratio", "change_usd", "tokens"],
    );
    for r in &page.months {
        months = months.row(vec![
            r.month.text.clone(),
            raw(&r.spend),
            raw(&r.change),
            usd_or_empty(r.change_usd),
            raw(&r.tokens),
        ]);
    }
    let mut tables = vec![months];
    for b in &page.breakdowns {
        let mut t = CsvTable::new(
            &b.csv_name,
            vec![
                "name",
                "spend_usd",
                "share_ratio",
                "tokens",
                "requests",
                "change_ratio",
                "change_usd",
            ],
        );
        for r in &b.rows {
            t = t.row(vec![
                r.name.clone(),
                raw(&r.spend),
                raw(&r.share),
                raw(&r.tokens),
                raw(&r.requests),
                raw(&r.change),
                usd_or_empty(r.change_usd),
            ]);
        }
        tables.push(t);
    }
    tables
}

/// Dollars to the micro-dollar prices are given in (no float noise such as `12.340000000001`).
fn usd_or_empty(usd: Option<f64>) -> String {
    usd.map_or_else(String::new, |usd| ((usd * 1e6).round() / 1e6).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_release_dates_are_dropped_from_chart_labels_only_when_they_are_dates() {
        assert_eq!(short_model("claude-opus-4-1-20250805"), "claude-opus-4-1");
        assert_eq!(short_model("claude-sonnet-4-6"), "claude-sonnet-4-6");
        assert_eq!(short_model("gpt-5-codex"), "gpt-5-codex");
    }
}
