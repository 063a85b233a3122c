//! Admin pages for data sources: repositories and their critical-path globs, the plan catalog,
//! webhook secrets (write-only) and git identities that matched no user.

use askama::Template;

use super::{Choice, PageChrome};
use crate::figure::Figure;

/// A repository and the globs that mark its critical paths.
#[derive(Debug, Clone, PartialEq)]
pub struct RepositoryRow {
    /// Used in the edit form's action, `/admin/repositories/{id}/critical-paths`.
    pub id: String,
    /// `owner/name`.
    pub name: String,
    /// `GitHub` or `GitLab`.
    pub provider: String,
    pub critical_globs: Vec<String>,
    pub pull_requests: Figure,
    /// Formatted time of the last webhook event, or `Never`.
    pub last_event: String,
}

impl RepositoryRow {
    /// The globs one per line, as the edit form's textarea holds them.
    pub fn globs_text(&self) -> String {
        self.critical_globs.join("\n")
    }
}

/// Admin › Repositories. The add form posts `provider` (github/gitlab), `name` and
/// `critical_paths` (one glob per line) to `/admin/repositories`; each row's edit form posts
/// `critical_paths` to `/admin/repositories/{id}/critical-paths`. All forms carry `csrf_token`.
#[derive(Debug, Clone, PartialEq, Template)]
#[template(path = "admin/repositories.html")]
pub struct AdminRepositoriesPage {
    pub chrome: PageChrome,
    pub repositories: Vec<RepositoryRow>,
    pub error: Option<String>,
}

/// A configured webhook secret; the secret itself is never shown.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookSecretRow {
    pub provider: String,
    /// `All repositories` or `owner/name`.
    pub scope: String,
    /// Formatted time the secret was set.
    pub set_at: String,
    /// Formatted time of the last verified delivery, or `Never`.
    pub last_delivery: String,
    /// Whether the last delivery's signature verified.
    pub healthy: bool,
}

/// Where a provider should send its webhooks.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookEndpoint {
    pub provider: String,
    /// The absolute payload URL.
    pub url: String,
    /// The id of the element holding the URL, for its copy button.
    pub element_id: String,
}

/// A recent webhook delivery of one repository.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookDeliveryRow {
    /// `owner/name`, or `No repository` for events naming none (e.g. `ping`).
    pub repository: String,
    pub provider: String,
    /// The forge's event name, e.g. `pull_request`.
    pub event: String,
    /// `Accepted`: only deliveries whose signature verified are stored.
    pub status: String,
    /// Formatted time received.
    pub received: String,
}

/// Admin › Webhook secrets. The form posts `provider` (github/gitlab), `scope` (empty for all
/// repositories), `secret` and `csrf_token` to `/admin/webhooks`; secrets are write-only.
#[derive(Debug, Clone, PartialEq, Template)]
#[template(path = "admin/webhooks.html")]
pub struct AdminWebhooksPage {
    pub chrome: PageChrome,
    pub secrets: Vec<WebhookSecretRow>,
    pub endpoints: Vec<WebhookEndpoint>,
    /// The last deliveries of each repository, newest first.
    pub deliveries: Vec<WebhookDeliveryRow>,
    pub error: Option<String>,
}

/// A git author or PR login seen in events that matched no user.
#[derive(Debug, Clone, PartialEq)]
pub struct UnmatchedIdentityRow {
    /// Used in the match form's action, `/admin/identities/{id}/match`.
    pub id: String,
    pub provider: String,
    pub login: String,
    /// Commit email seen with the login, or empty.
    pub email: String,
    /// Pull requests and commits attributed to it.
    pub events: Figure,
    pub last_seen: Figure,
}

/// Admin › Git identities. Each row's form posts `user` (a value from `users`) and `csrf_token`
/// to `/admin/identities/{id}/match`.
#[derive(Debug, Clone, PartialEq, Template)]
#[template(path = "admin/identities.html")]
pub struct AdminIdentitiesPage {
    pub chrome: PageChrome,
    pub identities: Vec<UnmatchedIdentityRow>,
    /// Users to match with (value = user id or email, label = name and email).
    pub users: Vec<Choice>,
}
