//! The Spend page (`/spend`): API-equivalent cost by team, developer, model and tool over time,
//! and month over month.

use std::collections::HashMap;

use agentmeter_metrics::calendar::DateRange;
use agentmeter_metrics::spend::{meaningful_change_pct, SpendGroup, SpendReport};
use agentmeter_web::charts::{
    line_chart, ranked_bars, LineChart, RankedBar, RankedBars, Series, Unit,
};
use agentmeter_web::pages::{
    EmptyState, FilterBar, KpiCard, PageChrome, SpendBreakdown, SpendMonthRow, SpendPage,
    SpendShareRow,
};
use agentmeter_web::{format, Delta, Figure};

use super::csv::{raw, CsvTable};
use super::{month_name, timeline};
use crate::analytics::dashboards::{previous, SpendData};
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
    let previous_total: f64 = data.previous.first().map_or(0.0, |r| r.total.cost_usd);
    let active_in = |reports: &[SpendReport]| {
        reports
            .get(1)
            .map_or(0, |r| r.groups.iter().filter(|g| g.events > 0).count())
    };
    let active = active_in(&data.current);
    let compared = comparison.map(|_| Compared {
        range: previous(DateRange {
            from: data.by_week.from,
            to: data.by_week.to,
        }),
        total: previous_total,
        active: active_in(&data.previous),
    });
    // A developer's page opens on the same range and tool (it has no team filter).
    let developer_query = filters.query();
    SpendPage {
        chrome,
        filters,
        empty,
        kpis: kpis(&data.by_week, previous_total, active, compared.as_ref()),
        month: None,
        over_time_chart: over_time_chart(&data.by_week),
        by_developer_chart: developer_chart(data.current.get(1)),
        by_model_chart: model_chart(data.current.get(2)),
        months: months(&data.by_week),
        breakdowns: BREAKDOWNS
            .iter()
            .enumerate()
            .map(|(i, (title, dimension, csv_name))| SpendBreakdown {
                title: (*title).into(),
                dimension: (*dimension).into(),
                csv_name: (*csv_name).into(),
                rows: data.current.get(i).map_or_else(Vec::new, |r| {
                    let links = (i == 1).then_some((&data.emails, developer_query.as_str()));
                    share_rows(r, data.previous.get(i), links)
                }),
            })
            .collect(),
    }
}

/// The previous period's figures beside the range's (`compare=previous-period`).
struct Compared {
    range: DateRange,
    total: f64,
    active: usize,
}

impl Compared {
    fn label(&self) -> String {
        format!(
            "{} – {}",
            format::date(self.range.from),
            format::date(self.range.to)
        )
    }

    /// The change badge, only where the engine finds the base meaningful (the previous period
    /// is over; its figure at least `MIN_CHANGE_BASE_USD`).
    fn delta(&self, current: f64, base: f64) -> Option<Delta> {
        meaningful_change_pct(current, base, true)
            .map(|pct| Delta::relative(pct / 100.0, "vs previous period", false))
    }
}

fn kpis(
    report: &SpendReport,
    previous_total: f64,
    active: usize,
    compared: Option<&Compared>,
) -> Vec<KpiCard> {
    let total = report.total.cost_usd;
    let tokens = format!(
        "{} tokens",
        format::tokens_compact(report.total.tokens as f64)
    );
    let mut spend = KpiCard::new("Spend in range", format::usd_whole(total), tokens.clone())
        .measuring("spend.total.cost_usd");
    if let Some(c) = compared {
        spend.basis = format!("{tokens} · {} in {}", format::usd_whole(c.total), c.label());
        spend.delta = c.delta(total, c.total);
    } else if previous_total > 0.0 {
        spend = spend.with_delta(Delta::relative(
            total / previous_total - 1.0,
            "vs previous period",
            false,
        ));
    }
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
    let per_dev = if active > 0 {
        format::usd_whole(total / active as f64)
    } else {
        "—".into()
    };
    let mut per_developer = KpiCard::new(
        "Per active developer",
        per_dev,
        format!("{} developers with usage", format::integer(active as i64)),
    );
    if let Some(c) = compared.filter(|c| c.active > 0) {
        let before = c.total / c.active as f64;
        per_developer.basis = format!(
            "{} · {} per developer in {}",
            per_developer.basis,
            format::usd_whole(before),
            c.label()
        );
        if active > 0 {
            per_developer.delta = c.delta(total / active as f64, before);
        }
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
                .change_pct
                .map_or_else(Figure::missing, |p| Figure::signed_percent(p / 100.0)),
            tokens: Figure::tokens(m.tokens.max(0) as u64),
        })
        .collect()
}

/// The rows of one breakdown; `developer_links` (name -> e-mail, and the query to open their
/// pages with) makes each developer a link.
fn share_rows(
    report: &SpendReport,
    previous: Option<&SpendReport>,
    developer_links: Option<(&HashMap<String, String>, &str)>,
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
        .map(|g| SpendShareRow {
            name: g.key.clone(),
            href: developer_links.and_then(|(emails, query)| {
                let path = format!(
                    "/developers/{}",
                    agentmeter_web::url::email_segment(emails.get(&g.key)?)
                );
                Some(if query.is_empty() {
                    path
                } else {
                    format!("{path}?{query}")
                })
            }),
            spend: Figure::usd(g.cost_usd),
            share: if total > 0.0 {
                Figure::percent(g.cost_usd / total)
            } else {
                Figure::missing()
            },
            tokens: Figure::tokens(g.tokens.max(0) as u64),
            requests: Figure::count(g.events),
            change: match before(&g.key) {
                Some(b) if b > 0.0 => Figure::signed_percent(g.cost_usd / b - 1.0),
                _ => Figure::new("new", f64::NAN),
            },
        })
        .collect();
    rows.sort_by(|a, b| b.spend.sort.total_cmp(&a.spend.sort));
    rows
}

/// Every table of the page, for CSV export.
pub(crate) fn tables(page: &SpendPage) -> Vec<CsvTable> {
    let mut months = CsvTable::new(
        "spend-by-month",
        vec!["month", "spend_usd", "change_ratio", "tokens"],
    );
    for r in &page.months {
        months = months.row(vec![
            r.month.text.clone(),
            raw(&r.spend),
            raw(&r.change),
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
            ]);
        }
        tables.push(t);
    }
    tables
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
