//! The shared library of skills and hooks (issue 12): publishing validated folders as immutable
//! versions, the review rules, withdrawal, the marketplace a machine syncs, and per-item usage.
//! No HTTP and no SQL here: routes call these functions, which call `store::library*`.

pub mod archive;
pub mod demo;
pub mod diff;
pub mod frontmatter;
pub mod limits;
pub mod marketplace;
pub mod usage;
pub mod validate;

use agentmeter_ingest::wire_library::{
    InstallReport, LibraryVersion, Marketplace, PendingVersion, PublishReceipt,
};
use chrono::{DateTime, Utc};

use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store::library::{self as store, ItemRecord, NewVersion, VersionRecord};
use crate::store::{accounts, library_usage};

/// Why an uploaded folder is not a library item. Nothing is stored when one occurs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LibraryError {
    #[error("archive: {0}")]
    Archive(String),
    #[error("path: {0}")]
    Path(String),
    #[error("too large: {0}")]
    TooLarge(String),
    #[error("{0}")]
    NotText(String),
    #[error("front matter: {0}")]
    FrontMatter(String),
    #[error("hooks: {0}")]
    Hooks(String),
    #[error("{0}")]
    Layout(String),
}

impl From<LibraryError> for Error {
    fn from(err: LibraryError) -> Error {
        Error::Unprocessable {
            message: err.to_string(),
            records: Vec::new(),
        }
    }
}

/// Review decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
}

/// The team an item is published to: `team` by name, else the caller's only team; an admin
/// in no team publishes organisation-wide.
async fn publishing_team(
    state: &AppState,
    caller: &CurrentUser,
    team: Option<&str>,
) -> Result<Option<(i64, String)>> {
    match team.map(str::trim).filter(|t| !t.is_empty()) {
        Some(name) => {
            let id = accounts::team_id(&state.db, name)
                .await?
                .ok_or_else(|| Error::NotFound(format!("team {name:?}")))?;
            let member = caller.memberships.iter().any(|m| m.team_id == id);
            if !(member || caller.is_admin()) {
                return Err(Error::Forbidden(format!(
                    "only members of {name} (or admins) may publish to it"
                )));
            }
            Ok(Some((id, name.to_owned())))
        }
        None => match caller.memberships.as_slice() {
            [only] => Ok(Some((only.team_id, only.team.clone()))),
            [] if caller.is_admin() => Ok(None),
            [] => Err(Error::Forbidden(
                "you are in no team: ask an admin to add you to one".into(),
            )),
            several => Err(Error::BadRequest(format!(
                "name the team to publish to (--team): you are in {}",
                several
                    .iter()
                    .map(|m| m.team.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        },
    }
}

/// Validates an uploaded archive and stores it as the item's next (pending) version.
pub async fn publish(
    state: &AppState,
    caller: &CurrentUser,
    team: Option<&str>,
    archive: Vec<u8>,
) -> Result<PublishReceipt> {
    let team = publishing_team(state, caller, team).await?;
    let limits = limits::Limits::from_settings(&state.settings);
    let item = tokio::task::spawn_blocking(move || {
        validate::validate(archive::unpack(&archive, &limits)?)
    })
    .await
    .map_err(|e| Error::Internal(anyhow::anyhow!("validation task: {e}")))??;
    let tags = serde_json::to_string(&item.front_matter.tags)
        .map_err(|e| Error::Internal(anyhow::anyhow!("{}", e)))?;
    let published = store::publish(
        &state.db,
        &NewVersion {
            kind: item.kind.as_str(),
            name: &item.front_matter.name,
            team_id: team.as_ref().map(|t| t.0),
            author_id: caller.id,
            description: &item.front_matter.description,
            tags: &tags,
            content_hash: &item.content_hash,
            size_bytes: item.size_bytes,
            files: &item.files,
        },
    )
    .await?;
    let status = store::versions(&state.db, published.item_id)
        .await?
        .into_iter()
        .find(|v| v.version == published.version)
        .map_or_else(|| "pending".to_owned(), |v| v.status);
    Ok(PublishReceipt {
        item_id: published.item_id,
        name: item.front_matter.name,
        kind: item.kind.as_str().to_owned(),
        team: team.map(|t| t.1),
        version: published.version,
        status,
        created: published.created,
    })
}

/// An item by id, or 404.
pub async fn item(state: &AppState, item_id: i64) -> Result<ItemRecord> {
    store::find_item(&state.db, item_id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("library item {item_id}")))
}

/// Reviewers of an item: admins, and managers of its team (organisation-wide items: admins).
pub fn is_reviewer(caller: &CurrentUser, item: &ItemRecord) -> bool {
    caller.is_admin()
        || item
            .team_id
            .is_some_and(|team| caller.managed_team_ids().contains(&team))
}

/// Whether `caller` may approve this version: a reviewer, and for a hook not its author (a hook
/// runs commands on every machine that syncs it: a second person must have read it).
pub fn may_approve(caller: &CurrentUser, item: &ItemRecord, version: &VersionRecord) -> bool {
    is_reviewer(caller, item) && !(item.kind == "hook" && version.author_id == caller.id)
}

/// Approves or rejects a pending version.
pub async fn review(
    state: &AppState,
    caller: &CurrentUser,
    item_id: i64,
    version: i64,
    decision: Decision,
    note: Option<&str>,
) -> Result<LibraryVersion> {
    let item = item(state, item_id).await?;
    let found = store::versions(&state.db, item_id)
        .await?
        .into_iter()
        .find(|v| v.version == version)
        .ok_or_else(|| Error::NotFound(format!("{}@{version}", item.name)))?;
    if !is_reviewer(caller, &item) {
        return Err(Error::Forbidden(
            "only admins and managers of the item's team may review it".into(),
        ));
    }
    if decision == Decision::Approve && !may_approve(caller, &item, &found) {
        return Err(Error::Forbidden(
            "a hook version must be approved by someone other than its author".into(),
        ));
    }
    let status = match decision {
        Decision::Approve => "approved",
        Decision::Reject => "rejected",
    };
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if !store::review(&state.db, found.id, status, caller.id, note).await? {
        return Err(Error::Conflict(format!(
            "{}@{version} is already {}",
            item.name, found.status
        )));
    }
    let reviewed = store::versions(&state.db, item_id)
        .await?
        .into_iter()
        .find(|v| v.version == version)
        .ok_or_else(|| Error::NotFound(format!("{}@{version}", item.name)))?;
    Ok(version_view(&reviewed))
}

/// Withdraws an item (its owner or a reviewer): it leaves every machine at the next sync.
pub async fn withdraw(state: &AppState, caller: &CurrentUser, item_id: i64) -> Result<()> {
    let item = item(state, item_id).await?;
    let owner = accounts::user_by_email(&state.db, &item.owner_email)
        .await?
        .is_some_and(|u| u.id == caller.id);
    if !(owner || is_reviewer(caller, &item)) {
        return Err(Error::Forbidden(
            "only the item's owner, admins and its team's managers may withdraw it".into(),
        ));
    }
    store::withdraw(&state.db, item_id, caller.id).await?;
    Ok(())
}

/// The review queue: every pending version, and whether the caller may approve each.
pub async fn pending(state: &AppState, caller: &CurrentUser) -> Result<Vec<PendingVersion>> {
    let items = store::list_items(&state.db).await?;
    let mut queue = Vec::new();
    for version in store::pending_versions(&state.db).await? {
        let Some(item) = items.iter().find(|i| i.id == version.item_id) else {
            continue;
        };
        if item.withdrawn_at.is_some() || !is_reviewer(caller, item) {
            continue;
        }
        queue.push(PendingVersion {
            item_id: item.id,
            name: item.name.clone(),
            kind: item.kind.clone(),
            team: item.team.clone(),
            can_approve: may_approve(caller, item, &version),
            version: version_view(&version),
        });
    }
    Ok(queue)
}

/// The approved library for the caller's machine: organisation-wide items and their teams'.
pub async fn marketplace_for(state: &AppState, caller: &CurrentUser) -> Result<Marketplace> {
    let team_ids: Vec<i64> = caller.memberships.iter().map(|m| m.team_id).collect();
    let mut versions = Vec::new();
    for version in library_usage::approved_for(&state.db, &team_ids).await? {
        let files = store::files(&state.db, version.version_id).await?;
        versions.push((version, files));
    }
    let names = plugin_names(state).await?;
    Ok(marketplace::build(&versions, &names))
}

/// Every team's plugin name.
pub async fn plugin_names(
    state: &AppState,
) -> Result<std::collections::HashMap<Option<i64>, String>> {
    let teams: Vec<(i64, String)> = accounts::list_teams(&state.db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    Ok(marketplace::plugin_names(&teams))
}

/// Records a sync's installs; only versions of the caller's own marketplace count.
pub async fn record_installs(
    state: &AppState,
    caller: &CurrentUser,
    report: &InstallReport,
) -> Result<usize> {
    let team_ids: Vec<i64> = caller.memberships.iter().map(|m| m.team_id).collect();
    let offered: Vec<i64> = library_usage::approved_for(&state.db, &team_ids)
        .await?
        .into_iter()
        .map(|v| v.version_id)
        .filter(|id| report.version_ids.contains(id))
        .collect();
    library_usage::record_installs(&state.db, caller.id, &offered).await?;
    Ok(offered.len())
}

fn rfc3339(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// A stored version as the API shows it.
pub fn version_view(v: &VersionRecord) -> LibraryVersion {
    LibraryVersion {
        version: v.version,
        status: v.status.clone(),
        author: v.author_email.clone(),
        description: v.description.clone(),
        content_hash: v.content_hash.clone(),
        size_bytes: v.size_bytes,
        created_at: rfc3339(v.created_at),
        reviewer: v.reviewer_email.clone(),
        reviewed_at: v.reviewed_at.map(rfc3339),
        review_note: v.review_note.clone(),
    }
}
