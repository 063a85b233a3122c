//! The shared library of skills and hooks: the catalogue with search, filters and usage, an
//! item with its versions, diff and usage chart, and the review queue.

use askama::Template;

use super::{Choice, KpiCard, PageChrome};
use crate::figure::Figure;

/// One item of the catalogue.
#[derive(Debug, Clone, PartialEq)]
pub struct LibraryRow {
    pub href: String,
    pub name: String,
    /// How Claude Code names it: `PLUGIN:NAME`.
    pub reference: String,
    /// `Skill` or `Hook`.
    pub kind: String,
    /// Team name, or `Whole organisation`.
    pub team: String,
    pub owner: String,
    pub description: String,
    /// Tags, comma-separated.
    pub tags: String,
    /// The approved version (`v2`), or `none yet`.
    pub version: String,
    /// `Approved`, `Pending review`, `Withdrawn`, `Rejected`.
    pub status: String,
    /// `good`, `warn`, `bad` or empty: the badge colour.
    pub status_class: String,
    pub uses: Figure,
    pub users: Figure,
    pub installs: Figure,
    pub cost: Figure,
    /// Uses per week, oldest first, for the small trend text.
    pub weekly: String,
    /// Nobody used it for the configured number of weeks.
    pub unused: bool,
}

/// The catalogue's filter form (GET `/library`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LibraryFilter {
    pub q: String,
    pub teams: Vec<Choice>,
    pub tags: Vec<Choice>,
    pub kinds: Vec<Choice>,
    pub statuses: Vec<Choice>,
}

/// `/library`: every item with its usage, the filter form, and the upload form posting
/// `archive` (a .zip or .tar.gz of the folder), `team` and `csrf_token` to `/library/upload`.
#[derive(Debug, Clone, PartialEq, Template)]
#[template(path = "library.html")]
pub struct LibraryPage {
    pub chrome: PageChrome,
    pub rows: Vec<LibraryRow>,
    pub filter: LibraryFilter,
    /// e.g. `12 weeks to 2 Dec 2026`.
    pub range_label: String,
    pub unused_weeks: u32,
    /// Versions waiting for the caller's review.
    pub pending_reviews: usize,
    /// Teams the caller may publish to (empty: organisation-wide).
    pub upload_teams: Vec<Choice>,
    pub error: Option<String>,
}

/// One version in an item's history.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionRow {
    pub href: String,
    pub version: String,
    pub status: String,
    pub status_class: String,
    pub author: String,
    pub created: String,
    /// `Approved by …`, `Rejected by …`, or empty.
    pub review: String,
    pub note: String,
    pub shown: bool,
}

/// One line of a diff, classed `add`, `del` or empty.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffLine {
    pub class: &'static str,
    pub text: String,
}

/// One file of the version shown.
#[derive(Debug, Clone, PartialEq)]
pub struct FileChangeRow {
    pub path: String,
    /// `added`, `removed`, `changed`, `same`.
    pub change: String,
    pub lines: Vec<DiffLine>,
}

/// The version shown on an item page, diffed against the approved version before it, with the
/// review form posting `note` and `csrf_token` to `{action_base}/approve` or `/reject`.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownVersion {
    pub version: String,
    pub status: String,
    /// `Compared with v1, the approved version` or `First version: every file is new`.
    pub compared: String,
    pub files: Vec<FileChangeRow>,
    pub action_base: String,
    pub can_review: bool,
    pub can_approve: bool,
    /// Why the caller may not approve, when they may review.
    pub approve_blocked: String,
}

/// `/library/{id}`.
#[derive(Debug, Clone, PartialEq, Template)]
#[template(path = "library_item.html")]
pub struct LibraryItemPage {
    pub chrome: PageChrome,
    pub row: LibraryRow,
    pub kpis: Vec<KpiCard>,
    /// Uses per week (SVG).
    pub usage_chart: String,
    pub versions: Vec<VersionRow>,
    pub shown: Option<ShownVersion>,
    /// Users per version they last synced, e.g. `v2: 3 users`.
    pub installs_by_version: Vec<String>,
    pub withdraw_action: Option<String>,
}

/// One version waiting for review.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingRow {
    pub href: String,
    pub name: String,
    pub kind: String,
    pub team: String,
    pub version: String,
    pub author: String,
    pub created: String,
    pub can_approve: bool,
}

/// `/library/pending`: what the caller may review, oldest first.
#[derive(Debug, Clone, PartialEq, Template)]
#[template(path = "library_pending.html")]
pub struct LibraryPendingPage {
    pub chrome: PageChrome,
    pub rows: Vec<PendingRow>,
}
