//! Admin › Outbox: the monthly cost reports, who gets which, and every send with its outcome,
//! the message as it went out, and a resend button for failed ones.

use askama::Template;

use super::PageChrome;

/// A person and the report they get.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRecipientRow {
    pub name: String,
    pub email: String,
    pub role: String,
    /// `Whole organisation`, or the teams' names.
    pub scope: String,
    pub opted_out: bool,
    /// The alerts they receive by e-mail: `All`, `None`, or their labels.
    pub alerts: String,
}

/// One row of the send ledger.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportSendRow {
    /// Used in `/admin/outbox/{id}.eml` and `/admin/outbox/{id}/resend`.
    pub id: String,
    /// `2026-11`.
    pub month: String,
    pub name: String,
    pub email: String,
    /// `sent`, `pending`, `sending` or `failed`.
    pub status: String,
    pub attempts: String,
    /// When it was sent, the next attempt, or that it was given up.
    pub when: String,
    pub last_error: String,
    pub has_message: bool,
    pub failed: bool,
}

/// Admin › Outbox.
#[derive(Debug, Clone, PartialEq, Template)]
#[template(path = "admin/outbox.html")]
pub struct AdminOutboxPage {
    pub chrome: PageChrome,
    /// The SMTP server (no password), or why nothing is sent.
    pub smtp: String,
    pub smtp_configured: bool,
    pub recipients: Vec<ReportRecipientRow>,
    pub sends: Vec<ReportSendRow>,
    pub failed: usize,
}
