//! Admin › Audit log: every admin action, newest first, filtered by actor and action.

use askama::Template;

use super::{Choice, PageChrome};

/// One recorded action.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRow {
    /// Formatted time in the organisation's zone.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    /// The subject's state before and after, as compact JSON, or `—`.
    pub before: String,
    pub after: String,
}

/// Admin › Audit log: a GET filter form (`actor`, `action`), the entries, and links to the
/// newer and older pages (`page`, from 1).
#[derive(Debug, Clone, PartialEq, Template)]
#[template(path = "admin/audit.html")]
pub struct AdminAuditPage {
    pub chrome: PageChrome,
    pub rows: Vec<AuditRow>,
    pub actor: String,
    /// Actions recorded so far, the filtered one selected.
    pub actions: Vec<Choice>,
    /// Query strings of the newer and older pages, when they exist.
    pub newer: Option<String>,
    pub older: Option<String>,
}
