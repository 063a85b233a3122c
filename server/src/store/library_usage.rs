//! What the library sends to machines and what comes back: the approved versions a sync
//! installs, the installs it records (`library_installs`), and the usage rows the library's
//! figures are computed from (Skill calls and session totals out of `usage_events`).

use crate::db::{now_ms, Db};
use crate::error::Result;
use crate::store::pool::{with_pool, with_tx, Pool};

/// The version of an item a sync installs: its latest approved one.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SyncedVersion {
    pub version_id: i64,
    pub item_id: i64,
    pub kind: String,
    pub name: String,
    pub team_id: Option<i64>,
    pub team: Option<String>,
    pub version: i64,
    pub description: String,
    pub content_hash: String,
}

/// One user's install of one version.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InstallRecord {
    pub user_id: i64,
    pub item_id: i64,
    pub version: i64,
    pub first_synced_at: i64,
    pub last_synced_at: i64,
}

/// Skill calls of one usage event: `skill` is the name after `Skill:` in `tool_calls`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SkillCallRecord {
    pub user_id: i64,
    pub ts: i64,
    pub tool: String,
    pub session_id: String,
    pub skill: String,
    pub calls: i64,
}

/// One assistant session's totals over the events of a time window.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SessionTotalRecord {
    pub user_id: i64,
    pub tool: String,
    pub session_id: String,
    pub first_ts: i64,
    pub tokens: i64,
    pub cost_usd: Option<f64>,
    pub unknown_cost_events: i64,
}

/// The latest approved version of every item not withdrawn, organisation-wide or of one of
/// `team_ids`, by team and name.
pub async fn approved_for(db: &Db, team_ids: &[i64]) -> Result<Vec<SyncedVersion>> {
    let rows: Vec<SyncedVersion> = with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT v.id AS version_id, i.id AS item_id, i.kind, i.name, i.team_id,
                    t.name AS team, v.version, v.description, v.content_hash
             FROM library_items i
             JOIN library_versions v ON v.item_id = i.id
             LEFT JOIN teams t ON t.id = i.team_id
             WHERE i.withdrawn_at IS NULL AND v.status = 'approved'
               AND v.version = (SELECT MAX(w.version) FROM library_versions w
                                WHERE w.item_id = i.id AND w.status = 'approved')
             ORDER BY t.name NULLS FIRST, i.name",
        )
        .fetch_all(pool)
        .await?
    });
    Ok(rows
        .into_iter()
        .filter(|r| r.team_id.is_none_or(|t| team_ids.contains(&t)))
        .collect())
}

/// Records that `user_id` now has these versions: the first sync of a version sets both times,
/// later ones move `last_synced_at`.
pub async fn record_installs(db: &Db, user_id: i64, version_ids: &[i64]) -> Result<()> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    with_tx!(&mut tx, |conn| {
        for version_id in version_ids {
            sqlx::query(
                "INSERT INTO library_installs (user_id, version_id, first_synced_at, last_synced_at)
                 VALUES ($1, $2, $3, $3)
                 ON CONFLICT (user_id, version_id) DO UPDATE SET last_synced_at = excluded.last_synced_at",
            )
            .bind(user_id)
            .bind(version_id)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
    });
    tx.commit().await
}

/// Records one install with the given times (the demo's history).
pub async fn record_install_at(
    db: &Db,
    user_id: i64,
    version_id: i64,
    first_synced_at: i64,
    last_synced_at: i64,
) -> Result<()> {
    with_pool!(db, |pool| {
        sqlx::query(
            "INSERT INTO library_installs (user_id, version_id, first_synced_at, last_synced_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, version_id) DO NOTHING",
        )
        .bind(user_id)
        .bind(version_id)
        .bind(first_synced_at)
        .bind(last_synced_at)
        .execute(pool)
        .await?;
    });
    Ok(())
}

/// Every install, of every item.
pub async fn installs(db: &Db) -> Result<Vec<InstallRecord>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT n.user_id, v.item_id, v.version, n.first_synced_at, n.last_synced_at
             FROM library_installs n JOIN library_versions v ON v.id = n.version_id
             ORDER BY v.item_id, n.user_id, v.version",
        )
        .fetch_all(pool)
        .await?
    }))
}

/// Skill calls in usage events of `[from_ms, to_ms)`. Only `tool_calls` names are read.
pub async fn skill_calls(db: &Db, from_ms: i64, to_ms: i64) -> Result<Vec<SkillCallRecord>> {
    // PostgreSQL's column is JSONB from migration 0008 on and TEXT before: the cast reads both.
    let sql = match db.typed() {
        Pool::Sqlite(_) => {
            "SELECT e.user_id, e.ts, e.tool, e.session_id, SUBSTR(j.key, 7) AS skill,
                    CAST(j.value AS INTEGER) AS calls
             FROM usage_events e, json_each(e.tool_calls) j
             WHERE e.ts >= $1 AND e.ts < $2 AND e.tool_calls LIKE '%Skill:%'
               AND j.key LIKE 'Skill:%'
             ORDER BY e.ts"
        }
        Pool::Postgres(_) => {
            "SELECT e.user_id, e.ts, e.tool, e.session_id, SUBSTR(j.key, 7) AS skill,
                    CAST(j.value AS BIGINT) AS calls
             FROM usage_events e, jsonb_each_text(CAST(e.tool_calls AS JSONB)) j
             WHERE e.ts >= $1 AND e.ts < $2 AND j.key LIKE 'Skill:%'
             ORDER BY e.ts"
        }
    };
    Ok(with_pool!(db, |pool| sqlx::query_as(sql)
        .bind(from_ms)
        .bind(to_ms)
        .fetch_all(pool)
        .await?))
}

/// Per assistant session, the tokens and known cost of its events in `[from_ms, to_ms)`.
pub async fn session_totals(db: &Db, from_ms: i64, to_ms: i64) -> Result<Vec<SessionTotalRecord>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT user_id, tool, session_id, MIN(ts) AS first_ts,
                    CAST(SUM(total_tokens) AS BIGINT) AS tokens, SUM(cost_usd) AS cost_usd,
                    CAST(SUM(CASE WHEN cost_usd IS NULL THEN 1 ELSE 0 END) AS BIGINT)
                        AS unknown_cost_events
             FROM usage_events WHERE ts >= $1 AND ts < $2
             GROUP BY user_id, tool, session_id",
        )
        .bind(from_ms)
        .bind(to_ms)
        .fetch_all(pool)
        .await?
    }))
}
