//! The monthly cost report: one e-mail per manager (their teams) and per admin (the whole
//! organisation) for the month just ended, composed from the same report functions as the
//! pages and the API, sent over SMTP exactly once per (month, recipient) through a ledger in the
//! database. No SQL here (`store::cost_report_sends`), no HTTP (`routes::cost_reports`).
//!
//! - [`recipients`]: who gets which report; [`compose`]: the figures; [`render`]: the e-mail.
//! - [`mailer`]: SMTP with lettre; [`delivery`]: the ledger's enqueue, claim, send, retry;
//!   [`retry`]: the backoff both reports and alerts use.

pub mod command;
pub mod compose;
pub mod delivery;
pub mod demo;
pub mod mailer;
pub mod recipients;
pub mod render;
pub mod retry;

pub use compose::{compose, CostReport};
pub use delivery::{base_url, deliver_due, enqueue_month, write_eml_files, DeliveryCounts};
pub use mailer::Mailer;
pub use recipients::ReportRecipient;
