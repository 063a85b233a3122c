//! What webhooks leave behind: the global secrets set on the admin page, the deliveries already
//! handled (each key once), pushes and the commits they carried.

use agentmeter_reviews::AiAssistant;
use sqlx::types::Json;

use crate::db::{now_ms, Db};
use crate::error::Result;
use crate::store::pool::with_pool;

/// The global secret of a provider, set on the admin page.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GlobalSecret {
    pub secret: String,
    /// When it was set, epoch ms.
    pub set_at: i64,
}

/// A commit a push event names, with the paths it touched (payloads carry no line counts).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PushedCommit {
    pub sha: String,
    /// Epoch ms.
    pub committed_at: i64,
    pub author_email: Option<String>,
    pub author_login: Option<String>,
    #[sqlx(json)]
    pub paths: Vec<String>,
    #[sqlx(json)]
    pub ai_markers: Vec<AiAssistant>,
}

/// The global secret set on the admin page for `provider`.
pub async fn global_secret(db: &Db, provider: &str) -> Result<Option<GlobalSecret>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as("SELECT secret, set_at FROM webhook_secrets WHERE provider = $1")
            .bind(provider)
            .fetch_optional(pool)
            .await?
    }))
}

/// Sets the global secret of `provider`.
pub async fn set_global_secret(db: &Db, provider: &str, secret: &str) -> Result<()> {
    with_pool!(db, |pool| {
        sqlx::query(
            "INSERT INTO webhook_secrets (provider, secret, set_at) VALUES ($1, $2, $3) \
             ON CONFLICT (provider) DO UPDATE SET secret = excluded.secret, set_at = excluded.set_at",
        )
        .bind(provider)
        .bind(secret)
        .bind(now_ms())
        .execute(pool)
        .await?;
    });
    Ok(())
}

/// Whether a delivery with this key was already handled.
pub async fn delivery_seen(db: &Db, provider: &str, key: &str) -> Result<bool> {
    let found: Option<i64> = with_pool!(db, |pool| {
        sqlx::query_scalar(
            "SELECT id FROM webhook_deliveries WHERE provider = $1 AND delivery_key = $2",
        )
        .bind(provider)
        .bind(key)
        .fetch_optional(pool)
        .await?
    });
    Ok(found.is_some())
}

/// Records a handled delivery and marks its repository's last event; false when another
/// request recorded the delivery first.
pub async fn record_delivery(
    db: &Db,
    provider: &str,
    key: &str,
    event: &str,
    repository_id: Option<i64>,
) -> Result<bool> {
    let recorded = insert_delivery(db, provider, key, event, repository_id).await?;
    if let Some(id) = repository_id {
        mark_last_event(db, id, now_ms()).await?;
    }
    Ok(recorded)
}

/// Records a handled delivery only (a batch marks its repositories' last event once, at the
/// end: [`mark_last_event`]); false when the key was recorded before.
pub async fn insert_delivery(
    db: &Db,
    provider: &str,
    key: &str,
    event: &str,
    repository_id: Option<i64>,
) -> Result<bool> {
    let recorded = with_pool!(db, |pool| {
        sqlx::query(
            "INSERT INTO webhook_deliveries (provider, delivery_key, event, repository_id, received_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (provider, delivery_key) DO NOTHING",
        )
        .bind(provider)
        .bind(key)
        .bind(event)
        .bind(repository_id)
        .bind(now_ms())
        .execute(pool)
        .await?
        .rows_affected()
    });
    Ok(recorded > 0)
}

/// Sets when repository `id` last heard from its forge (epoch ms).
pub async fn mark_last_event(db: &Db, id: i64, at: i64) -> Result<()> {
    with_pool!(db, |pool| {
        sqlx::query("UPDATE repositories SET last_event_at = $1 WHERE id = $2")
            .bind(at)
            .bind(id)
            .execute(pool)
            .await?;
    });
    Ok(())
}

/// The keys of every delivery from `provider` already handled (for a batch, which checks its
/// deliveries against them in memory rather than asking once each).
pub async fn delivery_keys(db: &Db, provider: &str) -> Result<Vec<String>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_scalar("SELECT delivery_key FROM webhook_deliveries WHERE provider = $1")
            .bind(provider)
            .fetch_all(pool)
            .await?
    }))
}

/// The time (epoch ms) of the last delivery from `provider`, if any.
pub async fn last_delivery(db: &Db, provider: &str) -> Result<Option<i64>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_scalar("SELECT MAX(received_at) FROM webhook_deliveries WHERE provider = $1")
            .bind(provider)
            .fetch_one(pool)
            .await?
    }))
}

/// Records that new code reached `branch` at `at` (epoch ms); a repeated push adds nothing.
pub async fn record_push(
    db: &Db,
    repository_id: i64,
    branch: &str,
    head_sha: &str,
    at: i64,
) -> Result<()> {
    with_pool!(db, |pool| {
        sqlx::query(
            "INSERT INTO pushes (repository_id, branch, head_sha, pushed_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (repository_id, branch, head_sha, pushed_at) DO NOTHING",
        )
        .bind(repository_id)
        .bind(branch)
        .bind(head_sha)
        .bind(at)
        .execute(pool)
        .await?;
    });
    Ok(())
}

/// When code was pushed to `branch`, epoch ms.
pub async fn pushes_to(db: &Db, repository_id: i64, branch: &str) -> Result<Vec<i64>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_scalar("SELECT pushed_at FROM pushes WHERE repository_id = $1 AND branch = $2")
            .bind(repository_id)
            .bind(branch)
            .fetch_all(pool)
            .await?
    }))
}

/// Rows of one multi-row insert: 8 parameters each stays far below either backend's limit.
const PUSHED_COMMITS_PER_STATEMENT: usize = 500;

/// Stores the commits a push carried to `branch`; one already stored there is left as it is.
pub async fn record_pushed_commits(
    db: &Db,
    repository_id: i64,
    branch: &str,
    commits: &[PushedCommit],
) -> Result<()> {
    for chunk in commits.chunks(PUSHED_COMMITS_PER_STATEMENT) {
        with_pool!(db, |pool| {
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO pushed_commits (repository_id, branch, sha, committed_at, author_email, \
                 author_login, paths, ai_markers) ",
            );
            insert.push_values(chunk, |mut row, c| {
                row.push_bind(repository_id)
                    .push_bind(branch)
                    .push_bind(&c.sha)
                    .push_bind(c.committed_at)
                    .push_bind(c.author_email.as_deref())
                    .push_bind(c.author_login.as_deref())
                    .push_bind(Json(&c.paths))
                    .push_bind(Json(&c.ai_markers));
            });
            insert.push(" ON CONFLICT (repository_id, branch, sha) DO NOTHING");
            insert.build().execute(pool).await?;
        });
    }
    Ok(())
}

/// The commits pushes carried to `branch`.
pub async fn pushed_commits_on(
    db: &Db,
    repository_id: i64,
    branch: &str,
) -> Result<Vec<PushedCommit>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT sha, committed_at, author_email, author_login, paths, ai_markers FROM pushed_commits \
             WHERE repository_id = $1 AND branch = $2",
        )
        .bind(repository_id)
        .bind(branch)
        .fetch_all(pool)
        .await?
    }))
}

/// A stored (verified, handled) delivery, with its repository's name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RecentDelivery {
    pub provider: String,
    pub event: String,
    /// `host/owner/name`; None for events naming no repository.
    pub repository: Option<String>,
    /// Epoch ms.
    pub received_at: i64,
}

/// The last `per_repository` deliveries of each repository (and of none), newest first.
pub async fn recent_deliveries(db: &Db, per_repository: i64) -> Result<Vec<RecentDelivery>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT provider, event, repository, received_at FROM ( \
               SELECT d.provider, d.event, r.name AS repository, d.received_at, \
                 ROW_NUMBER() OVER (PARTITION BY d.repository_id ORDER BY d.received_at DESC, d.id DESC) AS n \
               FROM webhook_deliveries d LEFT JOIN repositories r ON r.id = d.repository_id \
             ) AS ranked WHERE n <= $1 ORDER BY received_at DESC",
        )
        .bind(per_repository)
        .fetch_all(pool)
        .await?
    }))
}
