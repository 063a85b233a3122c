//! The Reviews page (`/reviews`): review-skip rates split AI-assisted / critical, time to first
//! review, and the alert list of critical AI-written code merged without review.

use agentmeter_metrics::reviews::{ReviewsReport, SkipCounts, UnreviewedCriticalAlert};
use agentmeter_web::charts::{bar_chart, line_chart, BarChart, BarLayout, LineChart, Series, Unit};
use agentmeter_web::pages::{
    EmptyState, FilterBar, KpiCard, Link, PageChrome, PullRequestList, ReviewAlertEntry,
    ReviewAlertRow, ReviewSegmentRow, ReviewsPage,
};
use agentmeter_web::{format, Figure};

use super::csv::{raw, CsvTable};
use super::reviews_tables::{edit_rows, skip_rows, weekly_skip_chart};

/// What the Reviews page shows beside the report: the alerts with their acknowledgements (see
/// `reviews_tables::alert_entries`), the pull-request list, and the filters the acknowledge form
/// returns to.
pub(crate) struct ReviewsExtras {
    pub alerts: Vec<ReviewAlertEntry>,
    pub pull_requests: PullRequestList,
    pub return_query: String,
}

/// The Reviews page from the report.
pub(crate) fn page(
    chrome: PageChrome,
    filters: FilterBar,
    report: &ReviewsReport,
    extras: ReviewsExtras,
) -> ReviewsPage {
    ReviewsPage {
        chrome,
        filters,
        empty: (report.overall.all.merged == 0).then(empty_state),
        kpis: kpis(report),
        skip_rate_chart: skip_rate_chart(report),
        time_to_review_chart: time_to_review_chart(report),
        segments: segments(report),
        alerts: extras.alerts,
        weekly_skip_chart: weekly_skip_chart(report),
        developer_skips: skip_rows(&report.by_developer),
        repository_skips: skip_rows(&report.by_repository),
        edit_review: edit_rows(report),
        pull_requests: extras.pull_requests,
        return_query: extras.return_query,
    }
}

fn empty_state() -> EmptyState {
    EmptyState {
        title: "No merged pull requests in this period".into(),
        message: "Review figures come from your Git host's webhooks. Add each repository and its webhook secret, then point \
                  the repository's webhook at /api/v1/webhooks/github or /api/v1/webhooks/gitlab on this server."
            .into(),
        steps: Vec::new(),
        action: Some(Link { label: "Set up webhooks".into(), href: "/admin/webhooks".into() }),
    }
}

fn rate(counts: &SkipCounts) -> String {
    counts
        .skip_rate_pct
        .map_or_else(|| "—".into(), |p| format::percent(p / 100.0))
}

fn basis(counts: &SkipCounts, what: &str) -> String {
    format!(
        "{} of {} classified {what}",
        format::integer(counts.unreviewed + counts.rubber_stamped),
        format::integer(counts.classified)
    )
}

/// A card measuring `metric` of the reviews summary, marked only when it has a value (the API
/// gives `null` where the card shows a dash).
fn measured(card: KpiCard, metric: &str, value: Option<f64>) -> KpiCard {
    match value {
        Some(_) => card.measuring(format!("reviews.{metric}")),
        None => card,
    }
}

/// The share of AI edits accepted without per-edit review, the clearest sign of skipped review.
fn edits_review_off(report: &ReviewsReport) -> KpiCard {
    let e = &report.edits_overall;
    let card = KpiCard::new(
        "AI edits with review off",
        e.unreviewed_share_pct
            .map_or_else(|| "—".into(), |p| format::percent(p / 100.0)),
        format!(
            "{} of {} edits in acceptEdits or bypassPermissions mode",
            format::integer(e.edits_unreviewed),
            format::integer(e.edits)
        ),
    );
    measured(
        card,
        "edits_overall.unreviewed_share_pct",
        e.unreviewed_share_pct,
    )
}

/// Skip rates, the review-off share of edits, time to first review and the alert count.
fn kpis(report: &ReviewsReport) -> Vec<KpiCard> {
    let o = &report.overall;
    let alerts = report.alerts.len() as i64;
    vec![
        measured(
            KpiCard::new(
                "AI-assisted skip rate",
                rate(&o.ai_assisted),
                basis(&o.ai_assisted, "AI-assisted PRs"),
            ),
            "overall.ai_assisted.skip_rate_pct",
            o.ai_assisted.skip_rate_pct,
        ),
        measured(
            KpiCard::new(
                "Skip rate, other PRs",
                rate(&o.not_ai_assisted),
                basis(&o.not_ai_assisted, "other PRs"),
            ),
            "overall.not_ai_assisted.skip_rate_pct",
            o.not_ai_assisted.skip_rate_pct,
        ),
        edits_review_off(report),
        KpiCard::new(
            "Median time to first review",
            report
                .time_to_first_review_median_hours
                .map_or_else(|| "—".into(), |h| format::duration((h * 3600.0) as i64)),
            format!(
                "{} reviewed pull requests",
                format::integer(report.reviewed_prs as i64)
            ),
        ),
        KpiCard::new(
            "Critical unreviewed AI merges",
            format::integer(alerts),
            "critical paths, AI-assisted, no review before merge",
        )
        .alerting(alerts > 0)
        .measuring("reviews.alerts.length"),
    ]
}

fn skip_rate_chart(report: &ReviewsReport) -> String {
    let groups = if report.by_team.is_empty() {
        std::slice::from_ref(&report.overall)
    } else {
        &report.by_team[..]
    };
    let pct = |c: &SkipCounts| c.skip_rate_pct.map_or(f64::NAN, |p| p / 100.0);
    bar_chart(&BarChart {
        title: "Review skip rate by team: AI-assisted vs other pull requests".into(),
        unit: Unit::Percent,
        categories: groups
            .iter()
            .map(|g| {
                if g.key == "all" {
                    "All teams".into()
                } else {
                    g.key.clone()
                }
            })
            .collect(),
        series: vec![
            Series::new(
                "AI-assisted",
                groups.iter().map(|g| pct(&g.ai_assisted)).collect(),
            ),
            Series::new(
                "Other",
                groups.iter().map(|g| pct(&g.not_ai_assisted)).collect(),
            ),
        ],
        layout: BarLayout::Grouped,
    })
}

/// Median hours to first review per week of merge, every week of the range; a week the range
/// cuts is marked, a week without a reviewed merge left as a gap.
fn time_to_review_chart(report: &ReviewsReport) -> String {
    let periods = report
        .weeks
        .iter()
        .map(|w| super::timeline::week_label(w.week_start, w.partial))
        .collect();
    let values = report
        .weeks
        .iter()
        .map(|w| w.median_hours.unwrap_or(f64::NAN))
        .collect();
    line_chart(&LineChart {
        title: super::timeline::title_noting_partial_weeks(
            "Median hours to first review, per week of merge",
            report.weeks.iter().any(|w| w.partial),
        ),
        unit: Unit::Hours,
        periods,
        series: vec![Series::new("Median", values)],
        area: false,
    })
}

/// One row per kind of change, with the engine's median time to first review of that kind.
fn segments(report: &ReviewsReport) -> Vec<ReviewSegmentRow> {
    let o = &report.overall;
    let kinds: [(&str, &str, &SkipCounts); 5] = [
        ("All pull requests", "all", &o.all),
        ("AI-assisted", "ai", &o.ai_assisted),
        ("Not AI-assisted", "not_ai", &o.not_ai_assisted),
        ("Touching critical paths", "critical", &o.critical),
        (
            "Not touching critical paths",
            "not_critical",
            &o.not_critical,
        ),
    ];
    kinds
        .iter()
        .map(|(name, split, c)| ReviewSegmentRow {
            segment: (*name).into(),
            merged: Figure::count(c.merged),
            skipped: Figure::count(c.unreviewed + c.rubber_stamped),
            skip_rate: c
                .skip_rate_pct
                .map_or_else(Figure::missing, |p| Figure::percent(p / 100.0)),
            median_time_to_first_review: report
                .time_to_first_review_by_split
                .iter()
                .find(|t| t.split == *split)
                .and_then(|t| t.median_hours)
                .map_or_else(Figure::missing, |h| Figure::duration((h * 3600.0) as i64)),
        })
        .collect()
}

/// The alerts, most recent merge first.
pub(crate) fn newest_first(report: &ReviewsReport) -> Vec<UnreviewedCriticalAlert> {
    let mut alerts = report.alerts.clone();
    alerts.sort_by_key(|a| std::cmp::Reverse(a.merged_at));
    alerts
}

/// An alert as a table row; dates in the organisation's time zone.
pub(crate) fn alert_row(a: &UnreviewedCriticalAlert, tz: chrono_tz::Tz) -> ReviewAlertRow {
    ReviewAlertRow {
        repository: a.repository.clone(),
        number: a.number.max(0) as u64,
        title: a.title.clone(),
        url: a.url.clone(),
        author: a
            .author
            .clone()
            .unwrap_or_else(|| "unmatched git identity".into()),
        merged_at: Figure::new(
            format::date_time(a.merged_at.with_timezone(&tz).naive_local()),
            a.merged_at.timestamp_millis() as f64,
        ),
        ai_evidence: a.ai_evidence.join("; "),
        critical_paths: a.critical_paths.join(", "),
    }
}

/// Every table of the page, for CSV export.
pub(crate) fn tables(page: &ReviewsPage) -> Vec<CsvTable> {
    let mut segments = CsvTable::new(
        "review-segments",
        vec![
            "pull_requests",
            "merged",
            "skipped",
            "skip_rate_ratio",
            "median_seconds_to_first_review",
        ],
    );
    for s in &page.segments {
        segments = segments.row(vec![
            s.segment.clone(),
            raw(&s.merged),
            raw(&s.skipped),
            raw(&s.skip_rate),
            raw(&s.median_time_to_first_review),
        ]);
    }
    let mut tables = vec![segments, acknowledged_alerts_table(&page.alerts)];
    tables.extend(super::reviews_tables::tables(page));
    tables
}

/// The alert list as CSV (Reviews and Overview): the alerts with who acknowledged each, when,
/// and the assigned post-merge reviewer.
pub(crate) fn acknowledged_alerts_table(entries: &[ReviewAlertEntry]) -> CsvTable {
    let alerts: Vec<ReviewAlertRow> = entries.iter().map(|e| e.alert.clone()).collect();
    let mut table = alerts_table(&alerts);
    table.headers.extend([
        "acknowledged_by",
        "acknowledged_at",
        "post_merge_reviewer",
        "note",
    ]);
    for (row, entry) in table.rows.iter_mut().zip(entries) {
        let ack = entry.acknowledgement.as_ref();
        row.extend([
            ack.map(|a| a.acknowledged_by.clone()).unwrap_or_default(),
            ack.map(|a| a.acknowledged_at.text.clone())
                .unwrap_or_default(),
            ack.map(|a| a.reviewer.clone()).unwrap_or_default(),
            ack.map(|a| a.note.clone()).unwrap_or_default(),
        ]);
    }
    table
}

/// The alert list as CSV, without the acknowledgements.
fn alerts_table(alerts: &[ReviewAlertRow]) -> CsvTable {
    alerts.iter().fold(
        CsvTable::new(
            "critical-unreviewed-merges",
            vec![
                "repository",
                "number",
                "title",
                "url",
                "author",
                "merged_at",
                "why_ai_assisted",
                "critical_files",
            ],
        ),
        |t, a| {
            t.row(vec![
                a.repository.clone(),
                a.number.to_string(),
                a.title.clone(),
                a.url.clone(),
                a.author.clone(),
                a.merged_at.text.clone(),
                a.ai_evidence.clone(),
                a.critical_paths.clone(),
            ])
        },
    )
}
