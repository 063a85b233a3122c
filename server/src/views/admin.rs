//! The rows of the admin pages: users, teams, tokens, the plan catalog, repositories, webhook
//! secrets and unmatched identities, as the admin templates show them.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use agentmeter_web::pages::{
    ApiTokenRow, Choice, PlanCatalogRow, RepositoryRow, TeamRow, UnmatchedIdentityRow, UserRow,
    WebhookSecretRow,
};
use agentmeter_web::{format, Figure};

use super::view_role;
use crate::analytics::catalog::CatalogPlan;
use crate::reviews::identities::UnmatchedIdentity;
use crate::reviews::repositories::Repository;
use crate::store::accounts::{Membership, TeamSummary, User};
use crate::store::tokens::TokenListing;

/// A time in the organisation's zone, or `absent` when there is none.
fn when(tz: Tz, at: Option<DateTime<Utc>>, absent: &str) -> String {
    at.map(|t| format::date_time(t.with_timezone(&tz).naive_local()))
        .unwrap_or_else(|| absent.into())
}

pub(crate) fn when_ms(tz: Tz, millis: Option<i64>, absent: &str) -> String {
    when(tz, millis.and_then(DateTime::from_timestamp_millis), absent)
}

/// `GitHub` for `github`, `GitLab` for `gitlab`.
pub(crate) fn provider_label(provider: &str) -> String {
    match provider {
        "github" => "GitHub".into(),
        "gitlab" => "GitLab".into(),
        other => other.to_owned(),
    }
}

/// `owner/name` of `host/owner/name`.
pub(crate) fn short_name(name: &str) -> String {
    name.split_once('/')
        .map_or(name, |(_, rest)| rest)
        .to_owned()
}

pub(crate) fn user_row(user: User, teams: &[Membership]) -> UserRow {
    let name = if user.is_active() {
        user.name
    } else {
        format!("{} (deactivated)", user.name)
    };
    UserRow {
        email: user.email,
        name,
        role: view_role(user.role),
        teams: teams
            .iter()
            .map(|m| m.team.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        github: user.github_login.unwrap_or_default(),
        gitlab: user.gitlab_login.unwrap_or_default(),
        plan: String::new(),
    }
}

pub(crate) fn team_row(team: TeamSummary) -> TeamRow {
    TeamRow {
        id: team.id.to_string(),
        name: team.name,
        members: Figure::count(team.members),
        managers: team.managers.join(", "),
    }
}

pub(crate) fn token_row(token: TokenListing, tz: Tz) -> ApiTokenRow {
    ApiTokenRow {
        id: token.id.to_string(),
        name: format!("{} ({}…)", token.name, token.prefix),
        owner_email: token.owner_email,
        created: when_ms(tz, Some(token.created_at), "never"),
        last_used: when_ms(tz, token.last_used_at, "never"),
        revoked: token.revoked_at.is_some(),
    }
}

/// The tool a vendor's plans are for.
fn tool_label(vendor: &str) -> String {
    match vendor {
        "Anthropic" => "Claude Code".to_owned(),
        "OpenAI" => "Codex".to_owned(),
        other => other.to_owned(),
    }
}

pub(crate) fn catalog_row(plan: &CatalogPlan) -> PlanCatalogRow {
    let t = &plan.terms;
    PlanCatalogRow {
        tool: tool_label(&t.vendor),
        plan: t.name.clone(),
        monthly_price: t
            .usd_per_seat_month
            .map_or_else(|| Figure::new("custom", f64::MAX), Figure::usd),
        included: t.notes.clone(),
        valid_from: t.valid_from.map(format::date).unwrap_or_default(),
        valid_to: t.valid_to.map(format::date).unwrap_or_default(),
        sources: agentmeter_web::pages::source_links(&t.source),
        source_text: t.source.clone(),
    }
}

pub(crate) fn repository_row(repo: Repository, tz: Tz) -> RepositoryRow {
    RepositoryRow {
        id: repo.id.to_string(),
        name: short_name(&repo.name),
        provider: provider_label(&repo.provider),
        critical_globs: repo.critical_globs,
        pull_requests: Figure::count(repo.pull_requests),
        last_event: when(tz, repo.last_event_at, "Never"),
    }
}

/// A secret for every repository of a provider: set on the admin page at `set_at` (else in the
/// settings file), last used at `last_delivery`.
pub(crate) fn global_secret_row(
    provider: &str,
    set_at: Option<i64>,
    last_delivery: Option<i64>,
    tz: Tz,
) -> WebhookSecretRow {
    WebhookSecretRow {
        provider: provider_label(provider),
        scope: "All repositories".to_owned(),
        set_at: set_at.map_or_else(
            || "Settings file".to_owned(),
            |ms| when_ms(tz, Some(ms), "Never"),
        ),
        last_delivery: when_ms(tz, last_delivery, "Never"),
        healthy: true,
    }
}

/// A repository's own secret.
pub(crate) fn repository_secret_row(repo: &Repository, tz: Tz) -> WebhookSecretRow {
    WebhookSecretRow {
        provider: provider_label(&repo.provider),
        scope: short_name(&repo.name),
        set_at: when(tz, repo.webhook_secret_set_at, "Never"),
        last_delivery: when(tz, repo.last_event_at, "Never"),
        healthy: true,
    }
}

pub(crate) fn identity_row(identity: UnmatchedIdentity, tz: Tz) -> UnmatchedIdentityRow {
    UnmatchedIdentityRow {
        id: identity.id.to_string(),
        provider: provider_label(&identity.provider),
        login: if identity.login.is_empty() {
            identity.email.clone()
        } else {
            identity.login
        },
        email: identity.email,
        events: Figure::count(identity.events),
        last_seen: Figure::new(
            when(tz, Some(identity.last_seen), "Never"),
            identity.last_seen.timestamp_millis() as f64,
        ),
    }
}

/// A user to map an identity to.
pub(crate) fn user_choice(user: &User) -> Choice {
    Choice {
        value: user.id.to_string(),
        label: format!("{} <{}>", user.name, user.email),
        selected: false,
    }
}
