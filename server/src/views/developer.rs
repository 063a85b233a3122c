//! The developer page: `/me` for everyone, `/developers/{email}` for managers and admins within
//! their scope. Usage, cost, sessions and pull requests of one person.

use std::collections::BTreeMap;

use chrono::DateTime;

use agentmeter_metrics::calendar::DateRange;
use agentmeter_metrics::rows::{PullRequestRow as PrRow, ReviewOutcome, Tool, UsageRow};
use agentmeter_web::charts::{bar_chart, BarChart, BarLayout, Series, Unit};
use agentmeter_web::pages::{
    DeveloperPage, DeveloperProfile, EmptyState, FilterBar, KpiCard, PullRequestRow, ReviewState,
    SessionRow,
};
use agentmeter_web::{format, Figure};

use super::csv::{raw, CsvTable};
use super::{cut, tool_name};
use crate::analytics::dashboards::DeveloperData;
use crate::analytics::params::Listing;
use crate::store::reviews::ReviewGiven;

/// How the page's lists are cut: the search and page of the sessions (`page`) and of the pull
/// requests (`pr_page`); `paged` false for a CSV download, which takes every matching row.
pub(crate) struct DeveloperLists {
    pub sessions: Listing,
    pub pull_requests: Listing,
    pub paged: bool,
}

/// The developer page from their usage rows and pull requests.
pub(crate) fn page(
    chrome: agentmeter_web::pages::PageChrome,
    filters: FilterBar,
    data: &DeveloperData,
    tz: chrono_tz::Tz,
    range: DateRange,
    lists: &DeveloperLists,
) -> DeveloperPage {
    let person = &data.person;
    let profile = DeveloperProfile {
        name: person.name.clone(),
        email: person.email.clone(),
        teams: data.team_names.join(", "),
        plan: String::new(),
        github: person.github_login.clone().unwrap_or_default(),
        gitlab: person.gitlab_login.clone().unwrap_or_default(),
    };
    let (usage, prs) = (&data.usage[..], &data.pull_requests[..]);
    let sessions = sessions(usage, tz);
    let cost: f64 = usage.iter().filter_map(|u| u.cost_usd).sum();
    let tokens: i64 = usage.iter().map(tokens_of).sum();
    let merged = prs.iter().filter(|p| p.merged_at.is_some()).count();
    // A reviewer who never used an assistant still has pull requests and reviews to show.
    let nothing = usage.is_empty() && prs.is_empty() && data.reviews_given.is_empty();
    let empty = nothing.then(|| EmptyState {
        title: format!("Nothing from {} in this period", profile.name),
        message: "Sessions appear here within minutes once the uploader runs on this developer's machine. \
                  If it is installed, widen the date range."
            .into(),
        steps: vec!["agentmeter login --server <this server's URL>".into(), "agentmeter hook install".into()],
        action: None,
    });
    let kpis = vec![
        KpiCard::new(
            "Spend",
            format::usd_whole(cost),
            "API-equivalent cost at list prices",
        ),
        KpiCard::new(
            "Tokens",
            format::tokens_compact(tokens as f64),
            format!(
                "{} requests",
                format::integer(usage.iter().map(|u| u.events).sum())
            ),
        ),
        KpiCard::new(
            "Sessions",
            format::integer(sessions.len() as i64),
            "assistant sessions started in range",
        ),
        KpiCard::new(
            "Merged pull requests",
            format::integer(merged as i64),
            format!(
                "{} AI-assisted",
                prs.iter()
                    .filter(|p| p.merged_at.is_some() && p.ai_assisted)
                    .count()
            ),
        ),
    ];
    let session_fields = |s: &SessionRow| vec![s.project.clone(), s.model.clone(), s.tool.clone()];
    let pr_fields = |p: &PullRequestRow| vec![p.title.clone(), p.repository.clone()];
    let (sessions, sessions_pager) = cut(
        sessions,
        &lists.sessions,
        lists.paged,
        (&filters, "page"),
        session_fields,
    );
    let (pull_requests, pull_requests_pager) = cut(
        prs.iter().map(|p| pr_row(p, tz)).collect(),
        &lists.pull_requests,
        lists.paged,
        (&filters, "pr_page"),
        pr_fields,
    );
    let reviews = lists.pull_requests.filter(
        data.reviews_given
            .iter()
            .map(|r| review_given_row(r, tz))
            .collect(),
        pr_fields,
    );
    DeveloperPage {
        chrome,
        filters,
        profile,
        empty,
        kpis,
        usage_chart: usage_chart(usage, tz, range),
        sessions,
        sessions_pager,
        pull_requests,
        pull_requests_pager,
        reviews,
        review_self: None,
    }
}

fn tokens_of(u: &UsageRow) -> i64 {
    u.input_tokens + u.output_tokens + u.cache_write_tokens + u.cache_read_tokens
}

fn local(ms: i64, tz: chrono_tz::Tz) -> Option<chrono::NaiveDateTime> {
    DateTime::from_timestamp_millis(ms).map(|t| t.with_timezone(&tz).naive_local())
}

/// One row per session, newest first.
fn sessions(usage: &[UsageRow], tz: chrono_tz::Tz) -> Vec<SessionRow> {
    let mut by_session: BTreeMap<&str, Vec<&UsageRow>> = BTreeMap::new();
    for u in usage {
        by_session.entry(u.session_id.as_str()).or_default().push(u);
    }
    let mut rows: Vec<SessionRow> =
        by_session
            .values()
            .filter_map(|rows| {
                let first = rows.iter().map(|r| r.ts_utc_ms).min()?;
                let mut hours: Vec<i64> = rows.iter().map(|r| r.ts_utc_ms / 3_600_000).collect();
                hours.sort_unstable();
                hours.dedup();
                let top_model = rows
                    .iter()
                    .max_by_key(|r| tokens_of(r))
                    .map(|r| r.model.clone())
                    .unwrap_or_default();
                Some(SessionRow {
                    started: Figure::new(
                        local(first, tz).map_or_else(String::new, format::date_time),
                        first as f64,
                    ),
                    tool: tool_name(rows[0].tool).into(),
                    model: top_model,
                    project: rows[0].project.clone().unwrap_or_default(),
                    duration: Figure::duration(hours.len() as i64 * 3600),
                    tokens: Figure::tokens(
                        rows.iter().map(|r| tokens_of(r)).sum::<i64>().max(0) as u64
                    ),
                    cost: Figure::usd(rows.iter().filter_map(|r| r.cost_usd).sum()),
                })
            })
            .collect();
    rows.sort_by(|a, b| b.started.sort.total_cmp(&a.started.sort));
    rows
}

fn usage_chart(usage: &[UsageRow], tz: chrono_tz::Tz, range: DateRange) -> String {
    let days: Vec<chrono::NaiveDate> = range
        .from
        .iter_days()
        .take_while(|d| *d <= range.to)
        .collect();
    let series = [Tool::ClaudeCode, Tool::Codex]
        .into_iter()
        .filter(|t| usage.iter().any(|u| u.tool == *t))
        .map(|tool| {
            let mut values = vec![0.0; days.len()];
            for u in usage.iter().filter(|u| u.tool == tool) {
                if let Some(i) =
                    local(u.ts_utc_ms, tz).and_then(|t| days.iter().position(|d| *d == t.date()))
                {
                    values[i] += u.cost_usd.unwrap_or(0.0);
                }
            }
            Series::new(tool_name(tool), values)
        })
        .collect();
    let categories = days.iter().map(|d| format::short_date(*d)).collect();
    bar_chart(&BarChart {
        title: "Spend per day by tool (USD)".into(),
        unit: Unit::Usd,
        categories,
        series,
        layout: BarLayout::Stacked,
    })
}

fn pr_row(p: &PrRow, tz: chrono_tz::Tz) -> PullRequestRow {
    let at = p.merged_at.unwrap_or(p.created_at);
    PullRequestRow {
        repository: p.repository.clone(),
        number: p.number.max(0) as u64,
        title: p.title.clone(),
        url: p.url.clone(),
        at: Figure::new(
            format::date_time(at.with_timezone(&tz).naive_local()),
            at.timestamp_millis() as f64,
        ),
        ai_share: if p.ai_assisted {
            Figure::new("AI-assisted", 1.0)
        } else {
            Figure::new("No", 0.0)
        },
        review: match (p.merged_at, p.outcome) {
            (None, _) => ReviewState::Open,
            (Some(_), Some(ReviewOutcome::Approved)) => ReviewState::Reviewed,
            (Some(_), _) => ReviewState::MergedWithoutReview,
        },
        critical: p.critical,
    }
}

fn review_given_row(r: &ReviewGiven, tz: chrono_tz::Tz) -> PullRequestRow {
    let at = DateTime::from_timestamp_millis(r.submitted_at).unwrap_or_default();
    PullRequestRow {
        repository: r.repository.clone(),
        number: r.number.max(0) as u64,
        title: r.title.clone(),
        url: r.url.clone(),
        at: Figure::new(
            format::date_time(at.with_timezone(&tz).naive_local()),
            r.submitted_at as f64,
        ),
        ai_share: if r.ai_assisted {
            Figure::new("AI-assisted", 1.0)
        } else {
            Figure::new("No", 0.0)
        },
        review: match (r.dismissed, r.state.as_str()) {
            (true, _) | (false, "dismissed") => ReviewState::Dismissed,
            (false, "approved") => ReviewState::Approved,
            (false, "changes_requested") => ReviewState::ChangesRequested,
            _ => ReviewState::Commented,
        },
        critical: r.critical,
    }
}

/// Every table of the page, for CSV export.
pub(crate) fn tables(page: &DeveloperPage) -> Vec<CsvTable> {
    let mut sessions = CsvTable::new(
        "sessions",
        vec![
            "started",
            "tool",
            "model",
            "project",
            "active_seconds",
            "tokens",
            "cost_usd",
        ],
    );
    for s in &page.sessions {
        sessions = sessions.row(vec![
            s.started.text.clone(),
            s.tool.clone(),
            s.model.clone(),
            s.project.clone(),
            raw(&s.duration),
            raw(&s.tokens),
            raw(&s.cost),
        ]);
    }
    let prs = |name: &str, rows: &[PullRequestRow]| {
        rows.iter().fold(
            CsvTable::new(
                name,
                vec![
                    "repository",
                    "number",
                    "title",
                    "url",
                    "at",
                    "ai_assisted",
                    "review",
                    "critical",
                ],
            ),
            |t, p| {
                t.row(vec![
                    p.repository.clone(),
                    p.number.to_string(),
                    p.title.clone(),
                    p.url.clone(),
                    p.at.text.clone(),
                    raw(&p.ai_share),
                    p.review.label().into(),
                    p.critical.to_string(),
                ])
            },
        )
    };
    vec![
        sessions,
        prs("pull-requests", &page.pull_requests),
        prs("reviews-given", &page.reviews),
    ]
}
