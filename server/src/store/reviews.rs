//! Reviews of pull requests (GitHub reviews, GitLab approvals), keyed per pull request by the
//! forge's review id or the approval's reviewer and time.

use crate::db::Db;
use crate::error::Result;
use crate::store::pool::with_pool;

/// A review as a webhook delivery describes it.
#[derive(Debug, Clone)]
pub struct ReviewUpsert<'a> {
    pub pull_request_id: i64,
    pub review_key: &'a str,
    pub reviewer_login: &'a str,
    pub reviewer_forge_id: Option<i64>,
    pub reviewer_user_id: Option<i64>,
    /// `approved`, `changes_requested`, `commented`…
    pub state: &'a str,
    /// Epoch ms.
    pub submitted_at: i64,
    pub dismissed: bool,
}

/// A stored review, as the classifier reads it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredReview {
    pub reviewer_login: String,
    pub reviewer_forge_id: Option<i64>,
    pub reviewer_user_id: Option<i64>,
    pub state: String,
    /// Epoch ms.
    pub submitted_at: i64,
    pub dismissed: bool,
}

/// Stores a review. A dismissal keeps the verdict the review had and marks it dismissed.
pub async fn upsert(db: &Db, review: &ReviewUpsert<'_>) -> Result<()> {
    with_pool!(db, |pool| {
        sqlx::query(
            "INSERT INTO reviews (pull_request_id, review_key, reviewer_login, reviewer_forge_id, \
                reviewer_user_id, state, submitted_at, dismissed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (pull_request_id, review_key) DO UPDATE SET \
                state = CASE WHEN excluded.dismissed THEN reviews.state ELSE excluded.state END, \
                submitted_at = CASE WHEN excluded.dismissed THEN reviews.submitted_at \
                                    ELSE excluded.submitted_at END, \
                dismissed = excluded.dismissed OR reviews.dismissed",
        )
        .bind(review.pull_request_id)
        .bind(review.review_key)
        .bind(review.reviewer_login)
        .bind(review.reviewer_forge_id)
        .bind(review.reviewer_user_id)
        .bind(review.state)
        .bind(review.submitted_at)
        .bind(review.dismissed)
        .execute(pool)
        .await?;
    });
    Ok(())
}

/// Marks dismissed the approvals a reviewer (by login, in any case, or forge id) gave a pull
/// request: a GitLab approval withdrawn names no review.
pub async fn dismiss_approvals(
    db: &Db,
    pull_request_id: i64,
    reviewer_login: &str,
    reviewer_forge_id: Option<i64>,
) -> Result<()> {
    with_pool!(db, |pool| {
        sqlx::query(
            "UPDATE reviews SET dismissed = TRUE WHERE pull_request_id = $1 AND state = 'approved' \
             AND (LOWER(reviewer_login) = LOWER($2) OR reviewer_forge_id = $3)",
        )
        .bind(pull_request_id)
        .bind(reviewer_login)
        .bind(reviewer_forge_id)
        .execute(pool)
        .await?;
    });
    Ok(())
}

/// The reviews of a pull request.
pub async fn of_pull_request(db: &Db, pull_request_id: i64) -> Result<Vec<StoredReview>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT reviewer_login, reviewer_forge_id, reviewer_user_id, state, submitted_at, \
             dismissed FROM reviews WHERE pull_request_id = $1",
        )
        .bind(pull_request_id)
        .fetch_all(pool)
        .await?
    }))
}

/// Attributes a reviewer's reviews (by login, in any letter case) to `user_id`; returns the
/// pull requests they review.
pub async fn attribute_to_user(db: &Db, reviewer_login: &str, user_id: i64) -> Result<Vec<i64>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_scalar(
            "UPDATE reviews SET reviewer_user_id = $1 WHERE LOWER(reviewer_login) = LOWER($2) \
             RETURNING pull_request_id",
        )
        .bind(user_id)
        .bind(reviewer_login)
        .fetch_all(pool)
        .await?
    }))
}

/// A review `user` gave on someone else's pull request, with that pull request.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReviewGiven {
    pub pull_request_id: i64,
    pub repository: String,
    pub number: i64,
    pub title: String,
    pub url: String,
    pub ai_assisted: bool,
    pub critical: bool,
    /// `approved`, `changes_requested`, `commented`…
    pub state: String,
    /// Epoch ms.
    pub submitted_at: i64,
    pub dismissed: bool,
}

/// Reviews `user_id` submitted in `[from_ms, to_ms)` on pull requests they did not author,
/// oldest first.
pub async fn given_by(db: &Db, user_id: i64, from_ms: i64, to_ms: i64) -> Result<Vec<ReviewGiven>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT p.id AS pull_request_id, r.name AS repository, p.number, p.title, p.url, \
                    p.ai_assisted, p.critical, v.state, v.submitted_at, v.dismissed \
             FROM reviews v \
             JOIN pull_requests p ON p.id = v.pull_request_id \
             JOIN repositories r ON r.id = p.repository_id \
             WHERE v.reviewer_user_id = $1 AND v.submitted_at >= $2 AND v.submitted_at < $3 \
               AND (p.author_user_id IS NULL OR p.author_user_id <> $1) \
             ORDER BY v.submitted_at, v.id",
        )
        .bind(user_id)
        .bind(from_ms)
        .bind(to_ms)
        .fetch_all(pool)
        .await?
    }))
}
