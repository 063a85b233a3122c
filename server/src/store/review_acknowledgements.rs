//! Acknowledgements of review alerts: who answered a critical AI-assisted pull request merged
//! without review, when, and whom they assigned to review it after the merge (migration 0016).

use crate::db::Db;
use crate::error::Result;
use crate::store::pool::{with_pool, with_tx, Transaction};

/// What decides whether a pull request is an alert, and who may answer it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AlertCandidate {
    pub id: i64,
    pub author_user_id: Option<i64>,
    pub ai_assisted: bool,
    pub critical: bool,
    pub outcome: Option<String>,
    /// Epoch ms.
    pub merged_at: Option<i64>,
}

/// A stored acknowledgement, with the people's e-mails and names (absent once deleted).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct StoredAcknowledgement {
    pub repository: String,
    pub number: i64,
    /// Epoch ms.
    pub acknowledged_at: i64,
    pub acknowledged_by_email: Option<String>,
    pub acknowledged_by_name: Option<String>,
    pub reviewer_email: Option<String>,
    pub reviewer_name: Option<String>,
    pub note: Option<String>,
}

/// The acknowledgement to store; replaces an earlier one of the same pull request.
#[derive(Debug, Clone)]
pub struct NewAcknowledgement<'a> {
    pub pull_request_id: i64,
    pub acknowledged_by: i64,
    pub acknowledged_at: i64,
    pub reviewer_user_id: i64,
    pub note: Option<&'a str>,
}

/// The acknowledgements' select, with `$tail` (a literal) appended: SQL stays static text.
macro_rules! select {
    ($tail:literal) => {
        concat!(
            "SELECT r.name AS repository, p.number, a.acknowledged_at, \
     ack.email AS acknowledged_by_email, ack.name AS acknowledged_by_name, \
     rev.email AS reviewer_email, rev.name AS reviewer_name, a.note \
     FROM review_acknowledgements a \
     JOIN pull_requests p ON p.id = a.pull_request_id \
     JOIN repositories r ON r.id = p.repository_id \
     LEFT JOIN users ack ON ack.id = a.acknowledged_by \
     LEFT JOIN users rev ON rev.id = a.reviewer_user_id ",
            $tail
        )
    };
}

/// The pull request `number` of the repository named `repository`, if stored.
pub async fn candidate(db: &Db, repository: &str, number: i64) -> Result<Option<AlertCandidate>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT p.id, p.author_user_id, p.ai_assisted, p.critical, p.outcome, p.merged_at \
             FROM pull_requests p JOIN repositories r ON r.id = p.repository_id \
             WHERE r.name = $1 AND p.number = $2",
        )
        .bind(repository)
        .bind(number)
        .fetch_optional(pool)
        .await?
    }))
}

/// Stores `ack` in `tx`, replacing the pull request's earlier acknowledgement.
pub async fn upsert(tx: &mut Transaction, ack: &NewAcknowledgement<'_>) -> Result<()> {
    with_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO review_acknowledgements \
             (pull_request_id, acknowledged_by, acknowledged_at, reviewer_user_id, note) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (pull_request_id) DO UPDATE SET \
             acknowledged_by = excluded.acknowledged_by, acknowledged_at = excluded.acknowledged_at, \
             reviewer_user_id = excluded.reviewer_user_id, note = excluded.note",
        )
        .bind(ack.pull_request_id)
        .bind(ack.acknowledged_by)
        .bind(ack.acknowledged_at)
        .bind(ack.reviewer_user_id)
        .bind(ack.note)
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// The acknowledgement of one pull request, as `tx` sees it.
pub async fn of_pull_request(
    tx: &mut Transaction,
    pull_request_id: i64,
) -> Result<Option<StoredAcknowledgement>> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query_as(select!("WHERE a.pull_request_id = $1"))
            .bind(pull_request_id)
            .fetch_optional(conn)
            .await?
    }))
}

/// Every acknowledgement (one per alert ever answered: a short list).
pub async fn all(db: &Db) -> Result<Vec<StoredAcknowledgement>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as(select!("ORDER BY r.name, p.number"))
            .fetch_all(pool)
            .await?
    }))
}
