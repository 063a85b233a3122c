//! Library data mapped into the `web` crate's page structs: formatting only, every figure comes
//! from `crate::library::usage` (defined in `agentmeter_metrics::library`).

use std::collections::BTreeSet;

use agentmeter_ingest::wire_library::{
    LibraryItem, LibraryItemDetail, LibraryVersion, PendingVersion,
};
use agentmeter_web::charts::{bar_chart, BarChart, BarLayout, Series, Unit};
use agentmeter_web::pages::{
    Choice, DiffLine, FileChangeRow, KpiCard, LibraryFilter, LibraryItemPage, LibraryPage,
    LibraryRow, PageChrome, PendingRow, ShownVersion, VersionRow,
};
use agentmeter_web::Figure;

use crate::auth::CurrentUser;
use crate::library::diff::FileChange;
use crate::library::usage::ListFilter;
use crate::library::version_view;
use crate::store::library::VersionRecord;

fn title(kind: &str) -> String {
    match kind {
        "hook" => "Hook".to_owned(),
        _ => "Skill".to_owned(),
    }
}

fn status(item: &LibraryItem) -> (&'static str, &'static str) {
    if item.withdrawn {
        ("Withdrawn", "bad")
    } else if item.approved_version.is_some() {
        ("Approved", "good")
    } else if item.pending_versions > 0 {
        ("Pending review", "warn")
    } else {
        ("Rejected", "bad")
    }
}

fn version_status(status: &str) -> (String, String) {
    let class = match status {
        "approved" => "good",
        "pending" => "warn",
        _ => "bad",
    };
    (status.to_owned(), class.to_owned())
}

/// The date part of an RFC 3339 time.
fn day(rfc3339: &str) -> String {
    rfc3339.get(..10).unwrap_or(rfc3339).to_owned()
}

pub fn row(item: &LibraryItem) -> LibraryRow {
    let (status, class) = status(item);
    let mut version = item
        .approved_version
        .map_or_else(|| "none yet".to_owned(), |v| format!("v{v}"));
    if item.pending_versions > 0 && !item.withdrawn {
        version.push_str(&format!(" (v{} pending)", item.latest_version));
    }
    LibraryRow {
        href: format!("/library/{}", item.id),
        name: item.name.clone(),
        reference: format!("{}:{}", item.plugin, item.name),
        kind: title(&item.kind),
        team: item
            .team
            .clone()
            .unwrap_or_else(|| "Whole organisation".into()),
        owner: item.owner.clone(),
        description: item.description.clone(),
        tags: item.tags.join(", "),
        version,
        status: status.to_owned(),
        status_class: class.to_owned(),
        uses: Figure::count(item.usage.uses as i64),
        users: Figure::count(item.usage.users as i64),
        installs: Figure::count(item.usage.installs as i64),
        cost: Figure::usd(item.usage.cost_usd),
        weekly: item
            .usage
            .weeks
            .iter()
            .map(|w| w.uses.to_string())
            .collect::<Vec<_>>()
            .join(" "),
        unused: item.usage.unused,
    }
}

fn choices(values: BTreeSet<String>, current: Option<&str>) -> Vec<Choice> {
    values
        .into_iter()
        .map(|v| Choice::new(v.clone(), v, current))
        .collect()
}

#[allow(clippy::too_many_arguments)]
pub fn catalogue_page(
    chrome: PageChrome,
    items: &[LibraryItem],
    everything: &[LibraryItem],
    filter: &ListFilter,
    pending_reviews: usize,
    unused_weeks: u32,
    user: &CurrentUser,
    error: Option<String>,
) -> LibraryPage {
    let range_label = items
        .first()
        .or(everything.first())
        .map(|i| format!("{} to {}", i.usage.from, i.usage.to))
        .unwrap_or_else(|| "the last 12 weeks".to_owned());
    let teams = everything.iter().filter_map(|i| i.team.clone()).collect();
    let tags = everything.iter().flat_map(|i| i.tags.clone()).collect();
    let fixed = |pairs: &[(&str, &str)], current: Option<&str>| {
        pairs
            .iter()
            .map(|(v, l)| Choice::new(*v, *l, current))
            .collect()
    };
    LibraryPage {
        chrome,
        rows: items.iter().map(row).collect(),
        filter: LibraryFilter {
            q: filter.q.clone().unwrap_or_default(),
            teams: choices(teams, filter.team.as_deref()),
            tags: choices(tags, filter.tag.as_deref()),
            kinds: fixed(
                &[("skill", "Skills"), ("hook", "Hooks")],
                filter.kind.as_deref(),
            ),
            statuses: fixed(
                &[
                    ("approved", "Approved"),
                    ("pending", "Pending review"),
                    ("unused", "Unused"),
                    ("withdrawn", "Withdrawn"),
                ],
                filter.status.as_deref(),
            ),
        },
        range_label,
        unused_weeks,
        pending_reviews,
        upload_teams: user
            .memberships
            .iter()
            .map(|m| Choice::new(m.team.clone(), m.team.clone(), None))
            .collect(),
        error,
    }
}

pub fn shown_version(
    item_id: i64,
    version: &VersionRecord,
    base: Option<i64>,
    changes: &[FileChange],
    can_review: bool,
    can_approve: bool,
) -> ShownVersion {
    let view: LibraryVersion = version_view(version);
    ShownVersion {
        version: format!("v{}", view.version),
        status: view.status,
        compared: match base {
            Some(b) => format!("Compared with v{b}, the approved version"),
            None => "First version to approve: every file is new".to_owned(),
        },
        files: changes
            .iter()
            .map(|c| FileChangeRow {
                path: c.path.clone(),
                change: c.change.to_owned(),
                lines: c
                    .diff
                    .lines()
                    .map(|l| DiffLine {
                        class: if l.starts_with('+') && !l.starts_with("+++") {
                            "add"
                        } else if l.starts_with('-') && !l.starts_with("---") {
                            "del"
                        } else {
                            ""
                        },
                        text: l.to_owned(),
                    })
                    .collect(),
            })
            .collect(),
        action_base: format!("/library/{item_id}/versions/{}", version.version),
        can_review,
        can_approve,
        approve_blocked: "You wrote this hook version: another reviewer must approve it."
            .to_owned(),
    }
}

pub fn item_page(
    chrome: PageChrome,
    detail: &LibraryItemDetail,
    shown: Option<ShownVersion>,
    may_withdraw: bool,
) -> LibraryItemPage {
    let item = &detail.item;
    let usage = &item.usage;
    let kpi = |label: &str, value: String, basis: String| KpiCard::new(label, value, basis);
    let kpis = vec![
        kpi(
            "Uses",
            usage.uses.to_string(),
            format!("{} to {}", usage.from, usage.to),
        ),
        kpi(
            "Users",
            usage.users.to_string(),
            format!("{} sessions", usage.sessions),
        ),
        kpi(
            "Installs",
            usage.installs.to_string(),
            "people who synced it".to_owned(),
        ),
        kpi(
            "Cost of sessions using it",
            agentmeter_web::format::usd(usage.cost_usd),
            format!(
                "{} tokens",
                agentmeter_web::format::tokens_compact(usage.tokens as f64)
            ),
        ),
    ];
    let usage_chart = bar_chart(&BarChart {
        title: format!("Uses of {} per week", item.name),
        unit: Unit::Count,
        categories: usage.weeks.iter().map(|w| w.week.clone()).collect(),
        series: vec![Series::new(
            "Uses",
            usage.weeks.iter().map(|w| w.uses as f64).collect(),
        )],
        layout: BarLayout::Stacked,
    });
    let shown_number = shown
        .as_ref()
        .map(|s| s.version.trim_start_matches('v').to_owned());
    LibraryItemPage {
        chrome,
        row: row(item),
        kpis,
        usage_chart,
        versions: detail
            .versions
            .iter()
            .map(|v| {
                let (status, status_class) = version_status(&v.status);
                VersionRow {
                    href: format!("/library/{}?version={}", item.id, v.version),
                    version: format!("v{}", v.version),
                    status,
                    status_class,
                    author: v.author.clone(),
                    created: day(&v.created_at),
                    review: match (&v.reviewer, &v.reviewed_at) {
                        (Some(r), Some(at)) => format!("{} by {r} on {}", v.status, day(at)),
                        _ => String::new(),
                    },
                    note: v.review_note.clone().unwrap_or_default(),
                    shown: shown_number.as_deref() == Some(v.version.to_string().as_str()),
                }
            })
            .collect(),
        shown,
        installs_by_version: usage
            .installs_by_version
            .iter()
            .map(|i| {
                format!(
                    "v{}: {} user{}",
                    i.version,
                    i.users,
                    if i.users == 1 { "" } else { "s" }
                )
            })
            .collect(),
        withdraw_action: may_withdraw.then(|| format!("/library/{}/withdraw", item.id)),
    }
}

pub fn pending_row(pending: &PendingVersion) -> PendingRow {
    PendingRow {
        href: format!(
            "/library/{}?version={}",
            pending.item_id, pending.version.version
        ),
        name: pending.name.clone(),
        kind: title(&pending.kind),
        team: pending
            .team
            .clone()
            .unwrap_or_else(|| "Whole organisation".into()),
        version: format!("v{}", pending.version.version),
        author: pending.version.author.clone(),
        created: day(&pending.version.created_at),
        can_approve: pending.can_approve,
    }
}
