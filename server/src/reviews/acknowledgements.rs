//! Answering a review alert: a manager of the author's team (or an admin) acknowledges a critical,
//! AI-assisted pull request merged without review and assigns a user to review it after the
//! merge. Recorded in `review_acknowledgements` and in the audit log; shown with the alerts.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use agentmeter_ingest::wire::RecordError;
use agentmeter_metrics::reviews::UnreviewedCriticalAlert;

use super::load::utc;
use crate::auth::CurrentUser;
use crate::db::{now_ms, Db};
use crate::domain::Role;
use crate::error::{Error, Result};
use crate::store::accounts;
use crate::store::audit::{self, NewAuditEntry};
use crate::store::review_acknowledgements::{
    self as store, AlertCandidate, NewAcknowledgement, StoredAcknowledgement,
};

/// The longest note kept, in characters.
pub const MAX_NOTE_CHARS: usize = 2000;

/// The body of `POST /api/v1/reviews/alerts/{repository}/{number}/acknowledge`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct AcknowledgeRequest {
    /// The e-mail of the active user who will review the pull request after its merge (not its
    /// author).
    pub reviewer: String,
    /// Why, or what to look at; at most 2,000 characters.
    #[serde(default)]
    pub note: Option<String>,
}

/// Who acknowledged an alert, when, and who reviews the pull request after its merge.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AlertAcknowledgement {
    /// The acknowledger's e-mail (absent once their account is deleted).
    pub acknowledged_by: Option<String>,
    pub acknowledged_by_name: Option<String>,
    pub acknowledged_at: DateTime<Utc>,
    /// The assigned post-merge reviewer's e-mail.
    pub reviewer: Option<String>,
    pub reviewer_name: Option<String>,
    pub note: Option<String>,
}

impl From<StoredAcknowledgement> for AlertAcknowledgement {
    fn from(s: StoredAcknowledgement) -> AlertAcknowledgement {
        AlertAcknowledgement {
            acknowledged_by: s.acknowledged_by_email,
            acknowledged_by_name: s.acknowledged_by_name,
            acknowledged_at: utc(s.acknowledged_at),
            reviewer: s.reviewer_email,
            reviewer_name: s.reviewer_name,
            note: s.note,
        }
    }
}

/// An alert with its acknowledgement, if any (`GET /api/v1/reviews/alerts`).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AcknowledgedAlert {
    #[serde(flatten)]
    pub alert: UnreviewedCriticalAlert,
    pub acknowledgement: Option<AlertAcknowledgement>,
}

/// `alerts` each with its acknowledgement, in the same order.
pub async fn attach(
    db: &Db,
    alerts: Vec<UnreviewedCriticalAlert>,
) -> Result<Vec<AcknowledgedAlert>> {
    let stored = if alerts.is_empty() {
        Vec::new()
    } else {
        store::all(db).await?
    };
    Ok(alerts
        .into_iter()
        .map(|alert| {
            let acknowledgement = stored
                .iter()
                .find(|s| s.repository == alert.repository && s.number == alert.number)
                .cloned()
                .map(AlertAcknowledgement::from);
            AcknowledgedAlert {
                alert,
                acknowledgement,
            }
        })
        .collect())
}

/// Whether `caller` may answer alerts on pull requests by `author`: admins always, managers
/// when they manage one of the author's teams; nobody else (an unmatched author: admins only).
pub async fn may_acknowledge(db: &Db, caller: &CurrentUser, author: Option<i64>) -> Result<bool> {
    match (caller.role, author) {
        (Role::Admin, _) => Ok(true),
        (Role::Manager, Some(author)) => {
            let managed = caller.managed_team_ids();
            Ok(accounts::memberships(db, author)
                .await?
                .iter()
                .any(|m| managed.contains(&m.team_id)))
        }
        _ => Ok(false),
    }
}

fn invalid(reason: impl Into<String>) -> Error {
    let reason = reason.into();
    Error::Unprocessable {
        message: format!("{reason}; nothing was changed"),
        records: vec![RecordError { index: 0, reason }],
    }
}

fn is_alert(pr: &AlertCandidate) -> bool {
    pr.merged_at.is_some()
        && pr.ai_assisted
        && pr.critical
        && pr.outcome.as_deref() == Some("unreviewed")
}

/// Acknowledges the alert on pull request `number` of `repository` for `caller`: 403 unless they
/// may, 404 for an unknown pull request, 409 for one that is no alert, 422 for an unknown,
/// deactivated or authoring reviewer or a note too long. Nothing is stored unless it all holds.
pub async fn acknowledge(
    db: &Db,
    caller: &CurrentUser,
    repository: &str,
    number: i64,
    request: &AcknowledgeRequest,
) -> Result<AlertAcknowledgement> {
    if caller.role == Role::Developer {
        return Err(Error::Forbidden(
            "only a manager of the author's team or an admin may acknowledge an alert".into(),
        ));
    }
    let subject = format!("{repository}#{number}");
    let pr = store::candidate(db, repository, number)
        .await?
        .ok_or_else(|| Error::NotFound(format!("pull request {subject}")))?;
    if !may_acknowledge(db, caller, pr.author_user_id).await? {
        return Err(Error::Forbidden(
            "only a manager of the author's team or an admin may acknowledge this alert".into(),
        ));
    }
    if !is_alert(&pr) {
        return Err(Error::Conflict(format!(
            "{subject} is not a critical AI-assisted pull request merged without review"
        )));
    }
    let note = request
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
        return Err(invalid(format!(
            "the note is longer than {MAX_NOTE_CHARS} characters"
        )));
    }
    let reviewer = accounts::user_by_email(db, request.reviewer.trim())
        .await?
        .filter(accounts::User::is_active)
        .ok_or_else(|| {
            invalid(format!(
                "no active user {:?} to review",
                request.reviewer.trim()
            ))
        })?;
    if Some(reviewer.id) == pr.author_user_id {
        return Err(invalid("the author cannot be the post-merge reviewer"));
    }
    // The acknowledgement and its audit entry are kept together or not at all.
    let mut tx = db.begin().await?;
    let before = store::of_pull_request(&mut tx, pr.id)
        .await?
        .map(AlertAcknowledgement::from);
    store::upsert(
        &mut tx,
        &NewAcknowledgement {
            pull_request_id: pr.id,
            acknowledged_by: caller.id,
            acknowledged_at: now_ms(),
            reviewer_user_id: reviewer.id,
            note,
        },
    )
    .await?;
    let after = store::of_pull_request(&mut tx, pr.id)
        .await?
        .map(AlertAcknowledgement::from)
        .ok_or_else(|| Error::NotFound(format!("acknowledgement of {subject}")))?;
    let state = |a: &AlertAcknowledgement| json!({"acknowledged_by": a.acknowledged_by, "reviewer": a.reviewer, "note": a.note});
    audit::record(
        &mut tx,
        &NewAuditEntry {
            actor: &caller.email,
            action: "review_alert.acknowledge",
            subject: &subject,
            before: before.as_ref().map(state),
            after: Some(state(&after)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
