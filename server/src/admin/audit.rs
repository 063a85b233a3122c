//! Who acts, and the record of what they did.

use serde::Serialize;
use serde_json::Value;

use crate::db::Db;
use crate::error::Result;
use crate::store::audit::{self, AuditEntry, AuditQuery, NewAuditEntry};

/// Who made a change, as the audit log names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// An admin signed in to the pages or calling the API: their e-mail.
    Admin(String),
    /// The `agentmeter-server` command line, run by whoever has the database.
    Cli,
    /// Set-up code: the demo loader, benchmarks, test fixtures.
    System,
}

impl Actor {
    pub fn name(&self) -> &str {
        match self {
            Actor::Admin(email) => email,
            Actor::Cli => "cli",
            Actor::System => "system",
        }
    }
}

/// Records one action; `before`/`after` are the subject's state (None: absent).
pub(crate) async fn record(
    db: &Db,
    actor: &Actor,
    action: &str,
    subject: &str,
    before: Option<Value>,
    after: Option<Value>,
) -> Result<()> {
    audit::insert(
        db,
        &NewAuditEntry {
            actor: actor.name(),
            action,
            subject,
            before,
            after,
        },
    )
    .await
}

/// A page of the audit log, newest first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditPage {
    pub entries: Vec<AuditRecord>,
    pub page: i64,
    /// Whether an older page follows.
    pub more: bool,
}

/// One recorded action as pages and the API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditRecord {
    pub id: i64,
    /// RFC 3339, UTC.
    pub at: String,
    /// The same instant in epoch ms, for pages to show in the organisation's zone.
    #[serde(skip)]
    pub at_ms: i64,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl From<AuditEntry> for AuditRecord {
    fn from(entry: AuditEntry) -> AuditRecord {
        AuditRecord {
            id: entry.id,
            at: chrono::DateTime::from_timestamp_millis(entry.at)
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                .unwrap_or_default(),
            at_ms: entry.at,
            actor: entry.actor,
            action: entry.action,
            subject: entry.subject,
            before: entry.before.map(|j| j.0),
            after: entry.after.map(|j| j.0),
        }
    }
}

impl AuditPage {
    /// Entries per page, on the page and in the API.
    pub const PER_PAGE: i64 = 50;

    /// The page `page` (from 1) of entries by `actor` doing `action` (empty: any).
    pub async fn load(db: &Db, actor: &str, action: &str, page: i64) -> Result<AuditPage> {
        let page = page.max(1);
        let (entries, more) = audit::page(
            db,
            &AuditQuery {
                actor: actor.trim().to_owned(),
                action: action.trim().to_owned(),
                page,
                per_page: Self::PER_PAGE,
            },
        )
        .await?;
        Ok(AuditPage {
            entries: entries.into_iter().map(AuditRecord::from).collect(),
            page,
            more,
        })
    }
}
