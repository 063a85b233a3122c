//! The Reviews page's detail: skip counts per developer and repository, the share of AI edits made
//! with review off, the weekly skip rate against the target, alerts with their acknowledgement,
//! and the merged pull-request list with its filters and pages. Figures come from the report.

use std::collections::BTreeSet;

use agentmeter_metrics::reviews::{EditReview, ReviewSkip, ReviewsReport};
use agentmeter_web::charts::{line_chart, LineChart, Series, Unit};
use agentmeter_web::pages::{
    AcknowledgementCell, Choice, EditReviewRow, FilterBar, MergedPullRequestRow, PullRequestList,
    ReviewAlertEntry, ReviewSkipRow,
};
use agentmeter_web::{format, Figure};

use super::csv::{raw, CsvTable};
use super::cut;
use crate::analytics::params::Listing;
use crate::reviews::acknowledgements::AcknowledgedAlert;
use crate::reviews::pull_requests::{author_label, PullRequestFilter, PullRequestView};

/// The list's own filters, set by its form.
pub(crate) const LIST_FIELDS: [&str; 3] = ["pr_repository", "pr_author", "pr_outcome"];

fn share(pct: Option<f64>) -> Figure {
    pct.map_or_else(Figure::missing, |p| Figure::percent(p / 100.0))
}

/// One row per developer or repository, in the report's order.
pub(crate) fn skip_rows(groups: &[ReviewSkip]) -> Vec<ReviewSkipRow> {
    groups
        .iter()
        .map(|g| ReviewSkipRow {
            name: g.key.clone(),
            merged: Figure::count(g.all.merged),
            classified: Figure::count(g.all.classified),
            unreviewed: Figure::count(g.all.unreviewed),
            rubber_stamped: Figure::count(g.all.rubber_stamped),
            skip_rate: share(g.all.skip_rate_pct),
        })
        .collect()
}

/// The review-off share per team, then per developer.
pub(crate) fn edit_rows(report: &ReviewsReport) -> Vec<EditReviewRow> {
    let row = |kind: &str, e: &EditReview| EditReviewRow {
        kind: kind.to_owned(),
        name: e.key.clone(),
        edits: Figure::count(e.edits),
        edits_unreviewed: Figure::count(e.edits_unreviewed),
        share: share(e.unreviewed_share_pct),
    };
    let teams = report.edits_by_team.iter().map(|e| row("Team", e));
    teams
        .chain(
            report
                .edits_by_developer
                .iter()
                .map(|e| row("Developer", e)),
        )
        .collect()
}

/// The skip rate per week of merge, every week of the range (a week without a classified merge
/// is a gap), cut weeks marked, and the organisation's target as a dashed line.
pub(crate) fn weekly_skip_chart(report: &ReviewsReport) -> String {
    let periods = report
        .weeks
        .iter()
        .map(|w| super::timeline::week_label(w.week_start, w.partial))
        .collect();
    let rates = report
        .weeks
        .iter()
        .map(|w| w.skips.skip_rate_pct.map_or(f64::NAN, |p| p / 100.0))
        .collect();
    let target = vec![report.skip_rate_target_pct / 100.0; report.weeks.len()];
    line_chart(&LineChart {
        title: super::timeline::title_noting_partial_weeks(
            "Review skip rate per week of merge, against the target",
            report.weeks.iter().any(|w| w.partial),
        ),
        unit: Unit::Percent,
        periods,
        series: vec![
            Series::new("Skip rate", rates),
            Series::reference(
                format!(
                    "Target {}",
                    format::percent(report.skip_rate_target_pct / 100.0)
                ),
                target,
            ),
        ],
        area: false,
    })
}

/// The alerts as rows, each with its acknowledgement and whether the reader may answer it.
pub(crate) fn alert_entries(
    alerts: &[AcknowledgedAlert],
    may_acknowledge: &[bool],
    tz: chrono_tz::Tz,
) -> Vec<ReviewAlertEntry> {
    alerts
        .iter()
        .zip(may_acknowledge)
        .map(|(a, &can)| ReviewAlertEntry {
            alert: super::reviews::alert_row(&a.alert, tz),
            acknowledgement: a.acknowledgement.as_ref().map(|ack| AcknowledgementCell {
                acknowledged_by: ack
                    .acknowledged_by_name
                    .clone()
                    .or_else(|| ack.acknowledged_by.clone())
                    .unwrap_or_else(|| "a deleted user".into()),
                acknowledged_at: Figure::new(
                    format::date_time(ack.acknowledged_at.with_timezone(&tz).naive_local()),
                    ack.acknowledged_at.timestamp_millis() as f64,
                ),
                reviewer: ack
                    .reviewer
                    .clone()
                    .unwrap_or_else(|| "a deleted user".into()),
                note: ack.note.clone().unwrap_or_default(),
            }),
            can_acknowledge: can,
        })
        .collect()
}

fn outcome_label(outcome: Option<&str>) -> &'static str {
    match outcome {
        Some("approved") => "Approved",
        Some("unreviewed") => "Unreviewed",
        Some("rubber-stamped") => "Rubber-stamped",
        _ => "Not classified",
    }
}

fn choices(values: BTreeSet<String>, current: Option<&str>) -> Vec<Choice> {
    values
        .into_iter()
        .map(|v| Choice::new(v.clone(), v, current))
        .collect()
}

/// The merged pull requests of the range that pass `filter` and the search, newest merge first:
/// the page of `listing` (`pr_page`) with its pager, or all of them when `paged` is false (the
/// CSV export). Links and the list's form keep every other filter of the page.
pub(crate) fn pull_request_list(
    prs: &[PullRequestView],
    filter: &PullRequestFilter,
    listing: &Listing,
    paged: bool,
    filters: &FilterBar,
    tz: chrono_tz::Tz,
) -> PullRequestList {
    let fields =
        |p: &&PullRequestView| vec![p.title.clone(), p.repository.clone(), author_label(p)];
    let matching: Vec<&PullRequestView> = prs.iter().filter(|p| filter.keeps(p)).collect();
    let matching = listing.filter(matching, fields);
    let total = matching.len();
    let (shown, pager) = cut(matching, listing, paged, (filters, "pr_page"), fields);
    // Its pages open on the list, as its form does.
    let pager = pager.map(|p| p.opening_at("merged-pull-requests"));
    let rows = shown
        .iter()
        .map(|p| MergedPullRequestRow {
            repository: p.repository.clone(),
            number: p.number.max(0) as u64,
            title: p.title.clone(),
            url: p.url.clone(),
            author: author_label(p),
            merged_at: p.merged_at.map_or_else(Figure::missing, |m| {
                Figure::new(
                    format::date_time(m.with_timezone(&tz).naive_local()),
                    m.timestamp_millis() as f64,
                )
            }),
            outcome: outcome_label(p.outcome.as_deref()).to_owned(),
            ai_assisted: p.ai_assisted,
            critical: p.critical,
        })
        .collect();
    let outcomes = ["approved", "unreviewed", "rubber-stamped", "unclassified"];
    PullRequestList {
        rows,
        total,
        repositories: choices(
            prs.iter().map(|p| p.repository.clone()).collect(),
            filter.repository.as_deref(),
        ),
        authors: choices(
            prs.iter().map(author_label).collect(),
            filter.author.as_deref(),
        ),
        outcomes: outcomes
            .iter()
            .map(|o| Choice::new(*o, outcome_label(Some(o)), filter.outcome.as_deref()))
            .collect(),
        kept: filters.hidden_except(&LIST_FIELDS),
        pager,
    }
}

/// The detail tables for CSV export.
pub(crate) fn tables(page: &agentmeter_web::pages::ReviewsPage) -> Vec<CsvTable> {
    let skip_headers = || {
        vec![
            "name",
            "merged",
            "classified",
            "unreviewed",
            "rubber_stamped",
            "skip_rate_ratio",
        ]
    };
    let skips = |name: &str, rows: &[ReviewSkipRow]| {
        rows.iter()
            .fold(CsvTable::new(name, skip_headers()), |t, r| {
                t.row(vec![
                    r.name.clone(),
                    raw(&r.merged),
                    raw(&r.classified),
                    raw(&r.unreviewed),
                    raw(&r.rubber_stamped),
                    raw(&r.skip_rate),
                ])
            })
    };
    let edits = page.edit_review.iter().fold(
        CsvTable::new(
            "edits-with-review-off",
            vec!["of", "name", "edits", "edits_review_off", "share_ratio"],
        ),
        |t, r| {
            t.row(vec![
                r.kind.clone(),
                r.name.clone(),
                raw(&r.edits),
                raw(&r.edits_unreviewed),
                raw(&r.share),
            ])
        },
    );
    let prs = page.pull_requests.rows.iter().fold(
        CsvTable::new(
            "merged-pull-requests",
            vec![
                "repository",
                "number",
                "title",
                "url",
                "author",
                "merged_at",
                "outcome",
                "ai_assisted",
                "critical",
            ],
        ),
        |t, p| {
            t.row(vec![
                p.repository.clone(),
                p.number.to_string(),
                p.title.clone(),
                p.url.clone(),
                p.author.clone(),
                p.merged_at.text.clone(),
                p.outcome.clone(),
                p.ai_assisted.to_string(),
                p.critical.to_string(),
            ])
        },
    );
    vec![
        skips("review-skips-by-developer", &page.developer_skips),
        skips("review-skips-by-repository", &page.repository_skips),
        edits,
        prs,
    ]
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn pr(number: i64, author: &str) -> PullRequestView {
        let at = Utc.timestamp_opt(1_767_225_600 + number * 3600, 0).unwrap();
        PullRequestView {
            repository: "acme/api".into(),
            number,
            url: String::new(),
            title: format!("Change {number}"),
            author_login: Some(author.into()),
            author_user_id: None,
            author: Some(author.into()),
            head_branch: "main".into(),
            created_at: at,
            merged_at: Some(at),
            ai_assisted: true,
            ai_reasons: serde_json::Value::Null,
            critical: false,
            critical_paths: Vec::new(),
            outcome: Some("approved".into()),
            change_size: 10,
            first_review_at: None,
        }
    }

    #[test]
    fn the_pull_request_pager_and_form_keep_every_filter_of_the_page() {
        // 60 of Ada's changes whose title holds "Change" and 5 of Bob's: one search, one author.
        let prs: Vec<_> = (1..=60)
            .map(|n| pr(n, "ada"))
            .chain((61..=65).map(|n| pr(n, "bob")))
            .collect();
        let filters = FilterBar {
            action: "/reviews".into(),
            team: Some("Core".into()),
            presets: vec![Choice::new("last-month", "Last month", Some("last-month"))],
            tool: Some("codex".into()),
            q: "Change".into(),
            list_filters: vec![("pr_author".into(), "ada".into())],
            ..FilterBar::default()
        };
        let filter = PullRequestFilter {
            author: Some("ada".into()),
            ..PullRequestFilter::default()
        };
        let listing = Listing::parse(Some("Change"), None).expect("listing");
        let list = pull_request_list(&prs, &filter, &listing, true, &filters, chrono_tz::UTC);
        assert_eq!((list.total, list.rows.len()), (60, 50));
        let pager = list.pager.expect("a pager");
        assert_eq!(
            pager.next.as_deref(),
            Some(
                "/reviews?team=Core&preset=last-month&tool=codex&q=Change&pr_author=ada&pr_page=2#merged-pull-requests"
            )
        );
        let kept: Vec<&str> = list.kept.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(kept, ["team", "preset", "tool", "q"]);
    }
}
