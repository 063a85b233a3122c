//! The library of skills and hooks: items, their immutable versions and files, and reviews
//! (`library_items`, `library_versions`, `library_files`). Installs and usage are in
//! [`super::library_usage`].

use crate::db::{now_ms, Db};
use crate::error::{Error, Result};
use crate::store::pool::{with_pool, with_tx, Pool};

/// A file of a version, as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FileRecord {
    pub path: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub executable: bool,
    pub content: String,
}

/// A version to store: validated files and their hashes.
#[derive(Debug, Clone)]
pub struct NewVersion<'a> {
    pub kind: &'a str,
    pub name: &'a str,
    pub team_id: Option<i64>,
    pub author_id: i64,
    pub description: &'a str,
    /// JSON array text.
    pub tags: &'a str,
    pub content_hash: &'a str,
    pub size_bytes: i64,
    pub files: &'a [FileRecord],
}

/// What publishing did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub item_id: i64,
    pub version: i64,
    /// False when the latest version already had this exact content.
    pub created: bool,
}

/// An item with what a listing shows of its versions.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ItemRecord {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub team_id: Option<i64>,
    pub team: Option<String>,
    pub owner_email: String,
    pub description: String,
    pub tags: String,
    pub created_at: i64,
    pub withdrawn_at: Option<i64>,
    pub latest_version: i64,
    pub approved_version: Option<i64>,
    pub pending_versions: i64,
}

/// A version with its author and review.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct VersionRecord {
    pub id: i64,
    pub item_id: i64,
    pub version: i64,
    pub status: String,
    pub author_id: i64,
    pub author_email: String,
    pub description: String,
    pub content_hash: String,
    pub size_bytes: i64,
    pub created_at: i64,
    pub reviewer_email: Option<String>,
    pub reviewed_at: Option<i64>,
    pub review_note: Option<String>,
}

/// The item columns of [`ItemRecord`]; a macro so that statements are written whole with `concat!`.
macro_rules! item_select {
    () => {
        "SELECT i.id, i.kind, i.name, i.team_id, t.name AS team, \
     u.email AS owner_email, i.description, CAST(i.tags AS TEXT) AS tags, i.created_at, \
     i.withdrawn_at, \
     (SELECT MAX(v.version) FROM library_versions v WHERE v.item_id = i.id) AS latest_version, \
     (SELECT MAX(v.version) FROM library_versions v \
       WHERE v.item_id = i.id AND v.status = 'approved') AS approved_version, \
     (SELECT COUNT(*) FROM library_versions v \
       WHERE v.item_id = i.id AND v.status = 'pending') AS pending_versions \
     FROM library_items i JOIN users u ON u.id = i.owner_id \
     LEFT JOIN teams t ON t.id = i.team_id"
    };
}

macro_rules! version_select {
    () => {
        "SELECT v.id, v.item_id, v.version, v.status, v.author_id, \
     a.email AS author_email, v.description, v.content_hash, v.size_bytes, v.created_at, \
     r.email AS reviewer_email, v.reviewed_at, v.review_note \
     FROM library_versions v JOIN users a ON a.id = v.author_id \
     LEFT JOIN users r ON r.id = v.reviewer_id"
    };
}

/// Every item, by team (organisation-wide first) and name.
pub async fn list_items(db: &Db) -> Result<Vec<ItemRecord>> {
    Ok(with_pool!(db, |pool| sqlx::query_as(concat!(
        item_select!(),
        " ORDER BY t.name NULLS FIRST, i.name"
    ))
    .fetch_all(pool)
    .await?))
}

/// One item by id.
pub async fn find_item(db: &Db, item_id: i64) -> Result<Option<ItemRecord>> {
    Ok(with_pool!(db, |pool| sqlx::query_as(concat!(
        item_select!(),
        " WHERE i.id = $1"
    ))
    .bind(item_id)
    .fetch_optional(pool)
    .await?))
}

/// Every version of an item, newest first.
pub async fn versions(db: &Db, item_id: i64) -> Result<Vec<VersionRecord>> {
    Ok(with_pool!(db, |pool| sqlx::query_as(concat!(
        version_select!(),
        " WHERE v.item_id = $1 ORDER BY v.version DESC"
    ))
    .bind(item_id)
    .fetch_all(pool)
    .await?))
}

/// Every pending version, oldest first (the review queue).
pub async fn pending_versions(db: &Db) -> Result<Vec<VersionRecord>> {
    Ok(with_pool!(db, |pool| sqlx::query_as(concat!(
        version_select!(),
        " WHERE v.status = 'pending' ORDER BY v.created_at, v.id"
    ))
    .fetch_all(pool)
    .await?))
}

/// The files of a version, by path.
pub async fn files(db: &Db, version_id: i64) -> Result<Vec<FileRecord>> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT path, sha256, size_bytes, executable, content FROM library_files
             WHERE version_id = $1 ORDER BY path",
        )
        .bind(version_id)
        .fetch_all(pool)
        .await?
    }))
}

/// Stores a version: creates the item on its first version, numbers versions 1, 2, … and
/// stores nothing when the latest version already holds this content. All or nothing.
pub async fn publish(db: &Db, new: &NewVersion<'_>) -> Result<Published> {
    let mut tx = db.begin().await?;
    let now = now_ms();
    let published = with_tx!(&mut tx, |conn| {
        let existing: Option<(i64, Option<i64>)> = sqlx::query_as(
            "SELECT id, withdrawn_at FROM library_items
             WHERE COALESCE(team_id, 0) = COALESCE($1, 0) AND name = $2",
        )
        .bind(new.team_id)
        .bind(new.name)
        .fetch_optional(&mut *conn)
        .await?;
        let item_id = match existing {
            Some((_, Some(_))) => {
                return Err(Error::Conflict(format!(
                    "{} was withdrawn; its name cannot be published again",
                    new.name
                )))
            }
            Some((id, None)) => id,
            None => {
                let sql = match db.typed() {
                    Pool::Sqlite(_) => {
                        "INSERT INTO library_items (kind, name, team_id, owner_id, description, tags, created_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
                    }
                    Pool::Postgres(_) => {
                        "INSERT INTO library_items (kind, name, team_id, owner_id, description, tags, created_at)
                         VALUES ($1, $2, $3, $4, $5, CAST($6 AS JSONB), $7) RETURNING id"
                    }
                };
                sqlx::query_scalar(sql)
                    .bind(new.kind)
                    .bind(new.name)
                    .bind(new.team_id)
                    .bind(new.author_id)
                    .bind(new.description)
                    .bind(new.tags)
                    .bind(now)
                    .fetch_one(&mut *conn)
                    .await
                    .map_err(|e| Error::conflict_if_unique(e, "an item of that name"))?
            }
        };
        let kind: String = sqlx::query_scalar("SELECT kind FROM library_items WHERE id = $1")
            .bind(item_id)
            .fetch_one(&mut *conn)
            .await?;
        if kind != new.kind {
            return Err(Error::Conflict(format!(
                "{} is a {kind} in this team; a {} cannot take its name",
                new.name, new.kind
            )));
        }
        let latest: Option<(i64, String)> = sqlx::query_as(
            "SELECT version, content_hash FROM library_versions WHERE item_id = $1
             ORDER BY version DESC LIMIT 1",
        )
        .bind(item_id)
        .fetch_optional(&mut *conn)
        .await?;
        match latest {
            Some((version, hash)) if hash == new.content_hash => Published {
                item_id,
                version,
                created: false,
            },
            latest => {
                let version = latest.map_or(1, |(v, _)| v + 1);
                let version_id: i64 = sqlx::query_scalar(
                    "INSERT INTO library_versions (item_id, version, status, author_id, description,
                         content_hash, size_bytes, created_at)
                     VALUES ($1, $2, 'pending', $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(item_id)
                .bind(version)
                .bind(new.author_id)
                .bind(new.description)
                .bind(new.content_hash)
                .bind(new.size_bytes)
                .bind(now)
                .fetch_one(&mut *conn)
                .await
                .map_err(|e| Error::conflict_if_unique(e, "a version published at the same time"))?;
                for file in new.files {
                    sqlx::query(
                        "INSERT INTO library_files (version_id, path, sha256, size_bytes, executable, content)
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(version_id)
                    .bind(&file.path)
                    .bind(&file.sha256)
                    .bind(file.size_bytes)
                    .bind(file.executable)
                    .bind(&file.content)
                    .execute(&mut *conn)
                    .await?;
                }
                let sql = match db.typed() {
                    Pool::Sqlite(_) => "UPDATE library_items SET description = $1, tags = $2 WHERE id = $3",
                    Pool::Postgres(_) => {
                        "UPDATE library_items SET description = $1, tags = CAST($2 AS JSONB) WHERE id = $3"
                    }
                };
                sqlx::query(sql)
                    .bind(new.description)
                    .bind(new.tags)
                    .bind(item_id)
                    .execute(&mut *conn)
                    .await?;
                Published {
                    item_id,
                    version,
                    created: true,
                }
            }
        }
    });
    tx.commit().await?;
    Ok(published)
}

/// Approves or rejects a pending version; false when it is no longer pending (someone else
/// reviewed it first).
pub async fn review(
    db: &Db,
    version_id: i64,
    status: &str,
    reviewer_id: i64,
    note: Option<&str>,
) -> Result<bool> {
    let done = with_pool!(db, |pool| {
        sqlx::query(
            "UPDATE library_versions SET status = $1, reviewer_id = $2, reviewed_at = $3,
                 review_note = $4
             WHERE id = $5 AND status = 'pending'",
        )
        .bind(status)
        .bind(reviewer_id)
        .bind(now_ms())
        .bind(note)
        .bind(version_id)
        .execute(pool)
        .await?
        .rows_affected()
    });
    Ok(done == 1)
}

/// Dates a version (and its item, for its first version) back into the demo's history.
pub async fn set_demo_times(
    db: &Db,
    item_id: i64,
    version: i64,
    created_at: i64,
    reviewed_at: Option<i64>,
) -> Result<()> {
    with_pool!(db, |pool| {
        sqlx::query(
            "UPDATE library_versions SET created_at = $1, reviewed_at = COALESCE($2, reviewed_at)
             WHERE item_id = $3 AND version = $4",
        )
        .bind(created_at)
        .bind(reviewed_at)
        .bind(item_id)
        .bind(version)
        .execute(pool)
        .await?;
        sqlx::query("UPDATE library_items SET created_at = $1 WHERE id = $2 AND $3 = 1")
            .bind(created_at)
            .bind(item_id)
            .bind(version)
            .execute(pool)
            .await?;
    });
    Ok(())
}

/// Withdraws an item: it leaves every machine at its next sync. False if already withdrawn.
pub async fn withdraw(db: &Db, item_id: i64, by: i64) -> Result<bool> {
    let done = with_pool!(db, |pool| {
        sqlx::query(
            "UPDATE library_items SET withdrawn_at = $1, withdrawn_by = $2
             WHERE id = $3 AND withdrawn_at IS NULL",
        )
        .bind(now_ms())
        .bind(by)
        .bind(item_id)
        .execute(pool)
        .await?
        .rows_affected()
    });
    Ok(done == 1)
}
