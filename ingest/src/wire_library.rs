//! Wire types of the shared library of skills and hooks (`/api/v1/library/...`): what the CLI
//! publishes and syncs, and what the API answers.

use serde::{Deserialize, Serialize};

/// Answer to a publish (`POST /api/v1/library/items`, body: a .tar.gz or .zip of the folder).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PublishReceipt {
    pub item_id: i64,
    pub name: String,
    pub kind: String,
    /// None for an organisation-wide item.
    pub team: Option<String>,
    pub version: i64,
    pub status: String,
    /// False when the latest version already had exactly this content.
    pub created: bool,
}

/// An item as listed (`GET /api/v1/library/items`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LibraryItem {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub team: Option<String>,
    /// The plugin the item is installed in; Claude Code offers a skill as `PLUGIN:NAME`.
    pub plugin: String,
    pub owner: String,
    pub description: String,
    pub tags: Vec<String>,
    pub latest_version: i64,
    pub approved_version: Option<i64>,
    pub pending_versions: i64,
    pub withdrawn: bool,
    /// Usage over the range, of the users the caller may see.
    pub usage: ItemUsage,
}

/// Figures of one item (docs/metrics.md, "Library").
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ItemUsage {
    pub from: String,
    pub to: String,
    pub uses: u64,
    pub users: u64,
    pub sessions: u64,
    pub tokens: u64,
    pub cost_usd: f64,
    pub unknown_cost_events: u64,
    pub installs: u64,
    /// Per version, users whose latest sync brought it.
    pub installs_by_version: Vec<VersionInstalls>,
    pub weeks: Vec<WeekUses>,
    pub last_used: Option<String>,
    pub unused: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VersionInstalls {
    pub version: i64,
    pub users: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WeekUses {
    /// Monday of the week, `YYYY-MM-DD`.
    pub week: String,
    pub uses: u64,
    pub users: u64,
}

/// A version of an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LibraryVersion {
    pub version: i64,
    pub status: String,
    pub author: String,
    pub description: String,
    pub content_hash: String,
    pub size_bytes: i64,
    /// RFC 3339.
    pub created_at: String,
    pub reviewer: Option<String>,
    pub reviewed_at: Option<String>,
    pub review_note: Option<String>,
}

/// An item with its versions (`GET /api/v1/library/items/{id}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LibraryItemDetail {
    pub item: LibraryItem,
    pub versions: Vec<LibraryVersion>,
}

/// A pending version in the review queue (`GET /api/v1/library/pending`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PendingVersion {
    pub item_id: i64,
    pub name: String,
    pub kind: String,
    pub team: Option<String>,
    pub version: LibraryVersion,
    /// Whether the caller may approve it (a hook's author may not).
    pub can_approve: bool,
}

/// Body of an approval or rejection.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReviewRequest {
    #[serde(default)]
    pub note: Option<String>,
}

/// The approved library for the caller, as a local marketplace folder
/// (`GET /api/v1/library/marketplace`): every file with its content hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Marketplace {
    /// The marketplace name the assistants know it by (`PLUGIN@NAME`).
    pub name: String,
    pub plugins: Vec<MarketplacePlugin>,
    pub files: Vec<MarketplaceFile>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MarketplacePlugin {
    pub name: String,
    pub version: String,
    pub items: Vec<MarketplaceItem>,
}

/// An item version a sync installs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MarketplaceItem {
    pub name: String,
    pub kind: String,
    pub version: i64,
    pub version_id: i64,
}

/// A file of the marketplace folder, relative to its root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MarketplaceFile {
    pub path: String,
    /// Hex sha256 of `content`.
    pub sha256: String,
    pub executable: bool,
    pub content: String,
}

/// Body of `POST /api/v1/library/installs`: the versions a sync just installed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InstallReport {
    pub version_ids: Vec<i64>,
}
